import { checkMember } from '../../domain/household.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { sealMemberColumns } from '../../store/members.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, notFound, stale } from '../errors.ts';
import { checkIdNumbersFree } from './create-household.ts';
import { loadScopedHousehold } from './get-household.ts';
import { viewerOf } from '../privacy.ts';
import { memberAuditView, memberView, MEMBER_COLUMNS, toColumns } from './views.ts';

/** Edits a member; `version` guards against lost updates (409). */
export async function updateMember(db: Db, actor: Actor, householdId: number, memberId: number, raw: unknown) {
  authorize(actor, 'household:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'household:write', h.region_code);
  const current = await db.selectFrom('member').selectAll().where('id', '=', memberId).where('household_id', '=', householdId).where('active', '=', true).executeTakeFirst();
  if (!current) throw notFound('成员不存在');
  const c = new Check();
  const o = (raw ?? {}) as Record<string, unknown>;
  // Health and disability grade are checked together; fill the missing half from the record.
  const withContext = 'health' in o || 'disabilityGrade' in o
    ? { health: current.health, disabilityGrade: current.disability_grade, ...o }
    : o;
  const patch = checkMember(c, '', withContext, true);
  const version = c.integer('version', o.version, { required: true, min: 1 });
  if (patch.idNumber && patch.idNumber !== current.id_number) await checkIdNumbersFree(db, c, [['idNumber', patch.idNumber]], { actor, regionCode: h.region_code, householdId, exceptMemberId: memberId });
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const saved = await trx
      .updateTable('member')
      .set({ ...sealMemberColumns(trx, toColumns(patch, MEMBER_COLUMNS) as any), version: version! + 1, updated_at: new Date() })
      .where('id', '=', memberId)
      .where('version', '=', version!)
      .returningAll()
      .executeTakeFirst();
    if (!saved) throw stale();
    await appendAudit(trx, {
      actor, action: 'member.update', objectType: 'member', objectId: memberId, countyCode: h.county_code,
      before: memberAuditView(current), after: memberAuditView(saved), reason: typeof o.reason === 'string' ? o.reason : null,
    });
    return memberView(saved, viewerOf(actor, h.region_code));
  });
}
