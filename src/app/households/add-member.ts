import { checkMember } from '../../domain/household.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { householdMembers } from '../../store/households.ts';
import { sealMemberColumns } from '../../store/members.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { checkIdNumbersFree } from './create-household.ts';
import { loadScopedHousehold } from './get-household.ts';
import { viewerOf } from '../privacy.ts';
import { memberAuditView, memberView, MEMBER_COLUMNS, toColumns } from './views.ts';

/** Adds a member to a registered household (REG-2). */
export async function addMember(db: Db, actor: Actor, householdId: number, raw: unknown) {
  authorize(actor, 'household:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'household:write', h.region_code);
  const c = new Check();
  const m = checkMember(c, '', raw);
  await checkIdNumbersFree(db, c, [['idNumber', m.idNumber]], { actor, regionCode: h.region_code, householdId });
  if (m.relation === 'head' && (await householdMembers(db, householdId)).some((x) => x.relation === 'head'))
    c.fail('relation', '该户已有户主');
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('member')
      .values({ ...sealMemberColumns(trx, toColumns(m, MEMBER_COLUMNS) as any), household_id: householdId, county_code: h.county_code })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor, action: 'member.create', objectType: 'member', objectId: row.id, countyCode: h.county_code,
      after: memberAuditView(row),
    });
    return memberView(row, viewerOf(actor, h.region_code));
  });
}
