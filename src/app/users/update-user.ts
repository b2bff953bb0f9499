import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, stale } from '../errors.ts';
import { checkAccountRegion } from './account-fields.ts';
import { getUser } from './get-user.ts';
import { loadManagedUser, readReasonBody } from './managed-user.ts';
import type { Role } from '../../domain/roles.ts';
import { countyCodeOf } from '../../domain/region-code.ts';

/**
 * The system admin edits a business account's display name and region (version-checked: 409 when
 * someone changed it meanwhile). A role does not change: that is another account.
 */
export async function updateUser(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, o, reason } = readReasonBody(raw, ['version', 'displayName', 'regionCode']);
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const displayName = o.displayName === undefined ? undefined : c.string('displayName', o.displayName, { required: true, max: 50 });
  const regionCode = o.regionCode === undefined ? undefined : c.string('regionCode', o.regionCode, { required: true, max: 12 });
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:manage');
  if (regionCode) {
    await checkAccountRegion(db, c, user.role as Role, regionCode);
    if (!c.ok) throw invalid(c.errors);
    authorize(actor, 'user:manage', regionCode);
  }
  const changes: { display_name?: string; region_code?: string } = {};
  if (displayName && displayName !== user.display_name) changes.display_name = displayName;
  if (regionCode && regionCode !== user.region_code) changes.region_code = regionCode;
  if (version !== user.version) throw stale();
  if (!changes.display_name && !changes.region_code) throw invalid([{ path: '', message: '没有要修改的内容' }]);
  await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('app_user')
      .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', version!)
      .returning('id')
      .executeTakeFirst();
    if (!done) throw stale();
    await appendAudit(trx, {
      actor, action: 'user.update', objectType: 'user', objectId: id, countyCode: countyCodeOf(user.region_code), reason,
      before: { displayName: changes.display_name ? user.display_name : undefined, regionCode: changes.region_code ? user.region_code : undefined },
      after: { displayName: changes.display_name, regionCode: changes.region_code },
    });
  });
  return getUser(db, actor, id, now);
}
