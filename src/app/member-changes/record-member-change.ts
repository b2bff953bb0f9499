import { sql } from 'kysely';
import { dueDate } from '../../domain/deadlines.ts';
import { checkDecrease, checkMemberChange, INACTIVE_MEMBER_MESSAGE } from '../../domain/member-change.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { householdMembers } from '../../store/households.ts';
import { sealMemberChangeColumns, sealMemberColumns } from '../../store/members.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, unprocessable } from '../errors.ts';
import { checkIdNumbersFree } from '../households/create-household.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { memberAuditView, MEMBER_COLUMNS, toColumns } from '../households/views.ts';
import { NOBODY, viewerOf } from '../privacy.ts';
import { memberChangeView } from './views.ts';

/**
 * Records a natural member increase or decrease with its evidence (REG-5, Q20), in one
 * transaction: an increase creates the member (counted from the event date), a decrease makes
 * the member inactive (no longer counted from the event date). Recording later than 3 months
 * after the event is allowed and flagged overdue.
 */
export async function recordMemberChange(db: Db, actor: Actor, householdId: number, raw: unknown, today: string) {
  authorize(actor, 'member_change:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'member_change:write', h.region_code);
  const c = new Check();
  const input = checkMemberChange(c, raw, today);
  const m = input.member;
  if (input.direction === 'increase' && m) {
    await checkIdNumbersFree(db, c, [['member.idNumber', m.idNumber]], { actor, regionCode: h.region_code, householdId });
    if (m.relation === 'head' && (await householdMembers(db, householdId)).some((x) => x.relation === 'head'))
      c.fail('member.relation', '该户已有户主');
  }
  const leaving = input.memberId
    ? await db.selectFrom('member').selectAll().where('id', '=', input.memberId).where('household_id', '=', householdId).executeTakeFirst()
    : undefined;
  if (input.memberId && !leaving) c.fail('memberId', '该成员不属于本户');
  if (leaving && checkDecrease(c, leaving, input.eventDate ?? leaving.birth_date) === 'inactive')
    throw unprocessable('memberId', INACTIVE_MEMBER_MESSAGE);
  if (!c.ok) throw invalid(c.errors);
  const eventDate = input.eventDate!;
  // Q20: event + member_change_max_months in force on the event day; `overdue` is the stored
  // generated column recorded_on > due_on.
  const dueOn = dueDate('member_change', eventDate);

  return inTransaction(db, async (trx) => {
    let person;
    if (leaving) {
      person = await trx
        .updateTable('member')
        .set({ active: false, left_on: eventDate, version: leaving.version + 1, updated_at: sql`now()` })
        .where('id', '=', leaving.id)
        .where('active', '=', true)
        .returningAll()
        .executeTakeFirst();
      if (!person) throw unprocessable('memberId', INACTIVE_MEMBER_MESSAGE);
    } else {
      person = await trx
        .insertInto('member')
        .values({ ...sealMemberColumns(trx, toColumns(m!, MEMBER_COLUMNS) as any), household_id: householdId, county_code: h.county_code, joined_on: eventDate })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const row = await trx
      .insertInto('member_change')
      .values(sealMemberChangeColumns(trx, {
        household_id: householdId, county_code: h.county_code, region_code: h.region_code, member_id: person.id,
        direction: input.direction!, reason: input.reason!, evidence_type: input.evidenceType!, evidence_ref: input.evidenceRef!,
        event_on: eventDate, recorded_on: today, due_on: dueOn,
        name: person.name, id_number: person.id_number, sex: person.sex, birth_date: person.birth_date, relation: person.relation,
        note: input.note ?? null, recorded_by: actor.id, recorded_by_name: actor.displayName,
      }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor, action: `member_change.${input.direction}`, objectType: 'household', objectId: householdId, countyCode: h.county_code,
      before: leaving ? memberAuditView(leaving) : null, after: { change: memberChangeView(row, NOBODY), member: memberAuditView(person) },
      reason: input.note ?? null,
    });
    return memberChangeView(row, viewerOf(actor, h.region_code));
  });
}
