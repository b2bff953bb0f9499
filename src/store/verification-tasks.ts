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
 * merged task keeps its lead date and deadline (the first warning started Q42's days).
 */
export async function openOrMergeTask(trx: Tx, t: NewTask): Promise<{ id: number; merged: boolean }> {
  const r = await sql<{ id: string | number; merged: boolean }>`
    insert into verification_task (household_id, member_id, county_code, region_code, source, warning_type, department_kind,
      subject_key, monitored, lead_on, due_on, summary, ticket_id)
    values (${t.householdId}, ${t.memberId}, ${t.countyCode}, ${t.regionCode}, ${t.source}, ${t.warningType}, ${t.departmentKind},
      ${t.subjectKey}, ${t.monitored}, ${t.leadOn}, ${t.dueOn}, ${seal(trx, t.summary)}, ${t.ticketId})
    on conflict (subject_key, warning_type) where state = 'open'
    do update set warning_count = verification_task.warning_count + 1, updated_at = now()
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

/** A risk confirmed on a monitoring object's record (found on the task's lead date). */
export async function insertTaskRisk(trx: Tx, r: { householdId: number; countyCode: string; type: string; foundOn: string; note: string | null }) {
  const row = await trx
    .insertInto('risk_record')
    .values({ household_id: r.householdId, county_code: r.countyCode, type: r.type, self_resolvable: false, found_on: r.foundOn, note: r.note })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

const headName = sql<string | null>`(select m.name from member m where m.household_id = t.household_id and m.relation = 'head' and m.active order by m.id limit 1)`;

export interface TaskFilter {
  scope: string;
  state?: 'open' | 'closed';
  overdueOn?: string;
  householdId?: number;
  offset: number;
  limit: number;
}

export async function listTasks(db: Db, f: TaskFilter) {
  let q = db.selectFrom('verification_task as t').leftJoin('region as r', 'r.code', 't.region_code').where('t.region_code', 'like', f.scope);
  if (f.state === 'open') q = q.where('t.state', '=', 'open');
  if (f.state === 'closed') q = q.where('t.state', '<>', 'open');
  if (f.overdueOn) q = q.where('t.state', '=', 'open').where('t.due_on', '<', f.overdueOn);
  if (f.householdId) q = q.where('t.household_id', '=', f.householdId);
  const [rows, total] = await Promise.all([
    q.select(['t.id', 't.household_id', 't.region_code', 'r.name as region_name', 't.source', 't.warning_type', 't.department_kind', 't.monitored',
      't.lead_on', 't.due_on', 't.state', 't.warning_count', 't.case_id', 't.ticket_id', 't.closed_on', 't.version', headName.as('head_name')])
      .orderBy(sql`case when t.state = 'open' then 0 else 1 end`).orderBy('t.due_on').orderBy('t.id').offset(f.offset).limit(f.limit).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function findTaskWithNames(db: Db, id: number) {
  return db.selectFrom('verification_task as t').leftJoin('region as r', 'r.code', 't.region_code')
    .selectAll('t').select(['r.name as region_name', headName.as('head_name')]).where('t.id', '=', id).executeTakeFirst();
}

/** The warnings a task gathered (the first opened it, the rest were merged into it). */
export async function warningsOfTask(db: Db, taskId: number) {
  return db.selectFrom('department_warning').select(['id', 'department_kind', 'type', 'channel', 'person_name', 'warned_on', 'detail', 'source_ref', 'outcome', 'received_at'])
    .where('task_id', '=', taskId).orderBy('id').execute();
}
