import { countyCodeOf } from '../../domain/region-code.ts';
import { maskIdNumber } from '../../domain/masking.ts';
import { checkHousehold, checkMember, type MemberInput } from '../../domain/household.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findHousehold, householdMembers, memberByIdNumber } from '../../store/households.ts';
import { sealMemberColumns } from '../../store/members.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { viewerOf } from '../privacy.ts';
import { householdAuditView, householdView, memberAuditView, memberView, MEMBER_COLUMNS, newHouseholdColumns, toColumns } from './views.ts';

/** Registers a household with its members (REG-1, REG-2): one transaction, one audit entry. */
export async function createHousehold(db: Db, actor: Actor, raw: unknown) {
  authorize(actor, 'household:write');
  const c = new Check();
  const body = c.object('', raw, ['household', 'members']);
  if (!body) throw invalid(c.errors);
  const h = checkHousehold(c, 'household', body.household);
  const members: Partial<MemberInput>[] = [];
  if (!Array.isArray(body.members) || body.members.length === 0) c.fail('members', '至少登记一名家庭成员');
  else body.members.forEach((m, i) => members.push(checkMember(c, `members[${i}]`, m)));
  if (members.length && members.filter((m) => m.relation === 'head').length !== 1)
    c.fail('members', '须有且只有一名户主（relation = head）');
  await checkIdNumbersFree(db, c, members.map((m, i) => [`members[${i}].idNumber`, m.idNumber]), { actor, regionCode: h.regionCode ?? actor.regionCode });
  for (const key of ['regionCode', 'registrationRegionCode', 'residenceRegionCode'] as const)
    if (h[key] && !(await getRegion(db, h[key]!))) c.fail(`household.${key}`, '区划代码不存在');
  if (!c.ok) throw invalid(c.errors);
  authorize(actor, 'household:write', h.regionCode!);
  const countyCode = countyCodeOf(h.regionCode!)!;

  const id = await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('household')
      .values({ ...(newHouseholdColumns(h) as any), county_code: countyCode })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const m of members)
      await trx.insertInto('member').values({ ...sealMemberColumns(trx, toColumns(m, MEMBER_COLUMNS) as any), household_id: row.id, county_code: countyCode }).execute();
    const saved = await findHousehold(trx, row.id);
    const savedMembers = await householdMembers(trx, row.id);
    await appendAudit(trx, {
      actor, action: 'household.create', objectType: 'household', objectId: row.id, countyCode,
      after: { ...householdAuditView(saved!), members: savedMembers.map(memberAuditView) },
    });
    return row.id;
  });
  const saved = await findHousehold(db, id);
  const viewer = viewerOf(actor, saved!.region_code);
  return { ...householdView(saved!, viewer), members: (await householdMembers(db, id)).map((m) => memberView(m, viewer)) };
}

/** One answer for every registered number, wherever it is registered: it names no household (SEC-3). */
export const ID_NUMBER_TAKEN = '该身份证号已有登记，不能在此登记（一人只能在一户中登记；如已迁入本户，须先在原户办理自然减少）';

/**
 * An ID number may belong to one active member only (a person is in one household). The refusal
 * does not tell whether the number is registered in the actor's region or elsewhere; each refused
 * attempt is audited against the household that holds the number, for its county to follow up.
 * Called outside a transaction, so the audit entry stays although the request is refused.
 */
export async function checkIdNumbersFree(
  db: Db,
  c: Check,
  entries: [string, string | undefined][],
  attempt: { actor: Actor; regionCode: string; householdId?: number; exceptMemberId?: number },
) {
  const seen = new Map<string, string>();
  for (const [path, idNumber] of entries) {
    if (!idNumber) continue;
    if (seen.has(idNumber)) c.fail(path, `与 ${seen.get(idNumber)} 的身份证号重复`);
    seen.set(idNumber, path);
    const existing = await memberByIdNumber(db, idNumber);
    if (!existing || existing.id === attempt.exceptMemberId) continue;
    c.fail(path, ID_NUMBER_TAKEN);
    const holder = (await findHousehold(db, existing.household_id))!;
    await inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor: attempt.actor, action: 'member.registration_refused', objectType: 'household', objectId: holder.id, countyCode: holder.county_code,
        after: { idNumber: maskIdNumber(idNumber), memberId: existing.id, attemptedRegionCode: attempt.regionCode, attemptedHouseholdId: attempt.householdId ?? null },
        reason: '该身份证号已登记在此户，另有登记尝试被拒绝',
      }),
    );
  }
}
