import { sql } from 'kysely';
import { DUE_SOON_DAYS, deadlineRule, dueDate, type DeadlineKind } from '../domain/deadlines.ts';
import type { Db } from './transaction.ts';

export interface OpenDeadline {
  kind: DeadlineKind;
  openedOn: string;
  countyCode: string;
  regionCode: string;
  householdId: number | null;
  caseId?: number | null;
  subjectType: 'case' | 'plan' | 'member_change' | 'household' | 'measure' | 'verification_task' | 'hotline_ticket';
  subjectId: number;
  /** Defaults to the rule's role (a 12317 ticket is answered by the level it was assigned to). */
  responsibleRole?: string;
  /** Defaults to the due date computed from the policy parameter in force on `openedOn`. */
  dueOn?: string;
}

/** Opens a deadline inside the caller's transaction (the use case that fires the triggering event). */
export async function openDeadline(trx: Db, d: OpenDeadline): Promise<string> {
  const rule = deadlineRule(d.kind);
  const dueOn = d.dueOn ?? dueDate(d.kind, d.openedOn);
  await trx
    .insertInto('deadline')
    .values({
      county_code: d.countyCode,
      region_code: d.regionCode,
      household_id: d.householdId,
      case_id: d.caseId ?? null,
      subject_type: d.subjectType,
      subject_id: d.subjectId,
      kind: d.kind,
      clause: rule.clause,
      responsible_role: d.responsibleRole ?? rule.responsibleRole,
      opened_on: d.openedOn,
      due_on: dueOn,
    })
    .execute();
  if (d.caseId) await refreshCaseDue(trx, d.caseId);
  return dueOn;
}

/** Keeps `workflow_case.due_on` = the nearest open deadline of the case (the workbench's order). */
async function refreshCaseDue(trx: Db, caseId: number) {
  await sql`update workflow_case set due_on = (select min(d.due_on) from deadline d where d.case_id = ${caseId} and d.closed_on is null)
    where id = ${caseId}`.execute(trx);
}

/** Closes the open deadlines of a subject (all kinds, or the ones named). */
export async function closeDeadlines(
  trx: Db,
  subject: { subjectType: string; subjectId: number },
  closedOn: string,
  kinds?: DeadlineKind[],
): Promise<number> {
  let q = trx
    .updateTable('deadline')
    .set({ closed_on: closedOn, status: 'closed' })
    .where('subject_type', '=', subject.subjectType)
    .where('subject_id', '=', subject.subjectId)
    .where('closed_on', 'is', null);
  if (kinds?.length) q = q.where('kind', 'in', kinds);
  const res = await q.executeTakeFirst();
  if (subject.subjectType === 'case') await refreshCaseDue(trx, subject.subjectId);
  return Number(res.numUpdatedRows);
}

/** Marks open deadlines due soon or overdue as of `today`; returns how many are in each state. */
export async function markDeadlines(trx: Db, today: string) {
  // Only rows whose state changes are written, so a daily run touches few rows at province scale.
  await sql`update deadline set status = s.next
    from (select id, case
            when due_on < ${today}::date then 'overdue'
            when due_on <= ${today}::date + ${DUE_SOON_DAYS}::int then 'due_soon'
            else 'open' end as next
          from deadline where closed_on is null) s
    where deadline.id = s.id and deadline.status <> s.next`.execute(trx);
  await sql`delete from deadline_summary`.execute(trx);
  await sql`insert into deadline_summary (region_code, overdue, due_soon, open_total, computed_for)
    select rpad(substr(d.region_code, 1, l.len), 12, '0'),
           count(*) filter (where d.status = 'overdue'), count(*) filter (where d.status = 'due_soon'), count(*), ${today}::date
    from deadline d cross join (values (2), (4), (6), (9), (12)) as l(len)
    where d.closed_on is null
    group by 1`.execute(trx);
  const all = await sql<{ overdue: number; due_soon: number; open: number }>`select
      coalesce(sum(overdue), 0)::int as overdue, coalesce(sum(due_soon), 0)::int as due_soon, coalesce(sum(open_total), 0)::int as open
    from deadline_summary where region_code like '__0000000000'`.execute(trx);
  const r = all.rows[0]!;
  return { open: r.open - r.overdue - r.due_soon, due_soon: r.due_soon, overdue: r.overdue };
}

/** Overdue / due-soon counts of the direct children of a region, as of the last scheduler run. */
export async function deadlineSummaryOf(db: Db, codes: string[]) {
  if (codes.length === 0) return [];
  return db.selectFrom('deadline_summary').selectAll().where('region_code', 'in', codes).execute();
}

export async function recordSchedulerRun(trx: Db, job: string, ranFor: string, at: Date, summary: unknown) {
  await trx
    .insertInto('scheduler_run')
    .values({ job, last_success_at: at, ran_for: ranFor, summary: JSON.stringify(summary) })
    .onConflict((oc) =>
      oc.column('job').doUpdateSet({ last_success_at: at, ran_for: ranFor, summary: JSON.stringify(summary) }),
    )
    .execute();
}

export async function lastSchedulerRun(db: Db, job: string) {
  return db.selectFrom('scheduler_run').selectAll().where('job', '=', job).executeTakeFirst();
}
