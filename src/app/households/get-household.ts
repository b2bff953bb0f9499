import { appendAudit } from '../../store/audit.ts';
import { findHousehold, householdMembers } from '../../store/households.ts';
import { regionPath } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can, scopePattern } from '../authz.ts';
import { forbidden, notFound } from '../errors.ts';
import { viewerOf } from '../privacy.ts';
import { householdView, memberView } from './views.ts';

/**
 * Loads a household the actor may see. The query itself is limited to the actor's subtree;
 * a household that exists elsewhere is refused (403), one that does not exist is 404.
 */
export async function loadScopedHousehold(db: Db, actor: Actor, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound('户不存在');
  const h = await findHousehold(db, id, scopePattern(actor));
  if (h) return h;
  if (await findHousehold(db, id)) throw forbidden('该户不在您的管辖区域内');
  throw notFound('户不存在');
}

/** Household detail. `reveal` shows sensitive fields to roles that need them, and is audited (SEC-2, SEC-3). */
export async function getHousehold(db: Db, actor: Actor, id: number, opts: { reveal?: boolean } = {}) {
  authorize(actor, 'household:read');
  const h = await loadScopedHousehold(db, actor, id);
  if (opts.reveal) authorize(actor, 'household:read_sensitive', h.region_code);
  const members = await householdMembers(db, id);
  if (opts.reveal)
    await inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor, action: 'household.read_sensitive', objectType: 'household', objectId: id, countyCode: h.county_code,
        reason: '查看身份证号、电话、银行账号、健康状况',
      }),
    );
  const viewer = viewerOf(actor, h.region_code, { reveal: opts.reveal });
  return {
    ...householdView(h, viewer),
    regionPath: await regionPath(db, h.region_code),
    members: members.map((m) => memberView(m, viewer)),
    sensitiveRevealed: !!opts.reveal,
    canRevealSensitive: can(actor, 'household:read_sensitive', h.region_code),
    canEdit: can(actor, 'household:write', h.region_code),
  };
}
