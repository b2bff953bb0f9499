import { sql } from 'kysely';
import { seal } from './sealed.ts';
import type { Db, Tx } from './transaction.ts';

export type TaskRow = Awaited<ReturnType<typeof findTask>> & {};

export async function findTask(db: Db, id: number) {
  return db.selectFrom('verification_task').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewTask {
  householdId: number | null;
  memberId: number | null;
  countyCode: string;
  regionCode: string;
  source: string;
  warningType: string;
  departmentKind: string | null;
  subjectKey: string;
  monitored: boolean;
  leadOn: string;
  dueOn: string;
  summary: string | null;
  ticketId: number | null;
}

/**
 * Opens a task, or merges into the open one of the same subject and type (WRN-1): one statement
 * on the partial unique index, so two warnings arriving at once cannot both open a task. The
 * merged task keeps its first lead date (the earliest warning starts Q42's days).
 */
export async function openOrMergeTask(trx: Tx, t: NewTask): Promise<{ id: number; merged: boolean }> {
  const r = await sql<{ id: string | number; merged: boolean }>`
    insert into verification_task (household_id, member_id, county_code, region_code, source, warning_type, department_kind,
      subject_key, monitored, lead_on, due_on, summary, ticket_id)
    values (${t.householdId}, ${t.memberId}, ${t.countyCode}, ${t.regionCode}, ${t.source}, ${t.warningType}, ${t.departmentKind},
      ${t.subjectKey}, ${t.monitored}, ${t.leadOn}, ${t.dueOn}, ${seal(trx, t.summary)}, ${t.ticketId})
    on conflict (subject_key, warning_type) where state = 'open'
    do update set warning_count = verification_task.warning_count + 1,
      lead_on = least(verification_task.lead_on, excluded.lead_on), updated_at = now()
    returning id, (xmax <> 0) as merged`.execute(trx);
  const row = r.rows[0]!;
  return { id: Number(row.id), merged: row.merged };
}

/** Closes an open task at the version the caller read (false: someone else changed it first). */
export async function closeTask(
  trx: Tx,
  id: number,
  version: number,
  v: { state: string; visitedOn: string; visitors: string; findings: string | null; reasonCode: string | null; reason: string | null; caseId: number | null; riskRecordId: number | null; householdId: number | null; closedOn: string; closedBy: number },
): Promise<boolean> {
  const res = await trx
    .updateTable('verification_task')
    .set({
      state: v.state as 'no_risk', visited_on: v.visitedOn, visitors: v.visitors, findings: seal(trx, v.findings),
      reason_code: v.reasonCode, reason: seal(trx, v.reason), case_id: v.caseId, risk_record_id: v.riskRecordId,
      ...(v.householdId ? { household_id: v.householdId } : {}),
      closed_on: v.closedOn, closed_by: v.closedBy, updated_at: sql`now()`, version: sql`version + 1`,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
