import { sql } from 'kysely';
import { insertUnnest } from './imports.ts';
import type { Db, Tx } from './transaction.ts';

export interface RegisteredPerson {
  memberId: number;
  householdId: number;
  regionCode: string;
  countyCode: string;
  monitored: boolean;
}

/**
 * The active members with these blind indexes whose household lies in `scope` (a LIKE pattern):
 * one join, however many warnings. A person registered elsewhere is simply not found.
 */
export async function registeredPersons(db: Db, bidxs: readonly string[], scope: string): Promise<Map<string, RegisteredPerson>> {
  const out = new Map<string, RegisteredPerson>();
  if (bidxs.length === 0) return out;
  const r = await sql<{ bidx: string; member_id: string; household_id: string; region_code: string; county_code: string; monitoring_status: string }>`
    select m.id_number_bidx as bidx, m.id as member_id, h.id as household_id, h.region_code, h.county_code, h.monitoring_status
    from unnest(${[...bidxs]}::text[]) as b(bidx)
    join member m on m.id_number_bidx = b.bidx and m.active
    join household h on h.id = m.household_id
    where h.region_code like ${scope}`.execute(db);
  for (const x of r.rows)
    out.set(x.bidx, { memberId: Number(x.member_id), householdId: Number(x.household_id), regionCode: x.region_code, countyCode: x.county_code, monitored: x.monitoring_status === 'monitored' });
  return out;
}

export interface TaskGroup {
  householdId: number;
  memberId: number;
  countyCode: string;
  regionCode: string;
  source: string;
  warningType: string;
  departmentKind: string;
  subjectKey: string;
  monitored: boolean;
  leadOn: string;
  dueOn: string;
  summary: string | null;
  count: number;
}

/**
 * Opens the tasks of a batch, or merges each group into the open task of its subject and type
 * (WRN-1): one statement on the partial unique index. Groups must have distinct keys.
 */
export async function upsertTasks(trx: Tx, groups: readonly TaskGroup[]): Promise<{ id: number; subjectKey: string; warningType: string; merged: boolean }[]> {
  if (groups.length === 0) return [];
  const col = <T>(f: (g: TaskGroup) => T) => groups.map(f);
  const r = await sql<{ id: string; subject_key: string; warning_type: string; merged: boolean }>`
    insert into verification_task (household_id, member_id, county_code, region_code, source, warning_type, department_kind,
      subject_key, monitored, lead_on, due_on, summary, warning_count)
    select * from unnest(${col((g) => g.householdId)}::bigint[], ${col((g) => g.memberId)}::bigint[], ${col((g) => g.countyCode)}::text[],
      ${col((g) => g.regionCode)}::text[], ${col((g) => g.source)}::text[], ${col((g) => g.warningType)}::text[], ${col((g) => g.departmentKind)}::text[],
      ${col((g) => g.subjectKey)}::text[], ${col((g) => g.monitored)}::boolean[], ${col((g) => g.leadOn)}::date[], ${col((g) => g.dueOn)}::date[],
      ${col((g) => g.summary)}::text[], ${col((g) => g.count)}::int[])
    on conflict (subject_key, warning_type) where state = 'open'
    do update set warning_count = verification_task.warning_count + excluded.warning_count, updated_at = now()
    returning id, subject_key, warning_type, (xmax <> 0) as merged`.execute(trx);
  return r.rows.map((x) => ({ id: Number(x.id), subjectKey: x.subject_key, warningType: x.warning_type, merged: x.merged }));
}

const DEADLINE_COLUMNS = [
  ['county_code', 'text'], ['region_code', 'text'], ['household_id', 'bigint'], ['subject_type', 'text'], ['subject_id', 'bigint'],
  ['kind', 'text'], ['clause', 'text'], ['responsible_role', 'text'], ['opened_on', 'date'], ['due_on', 'date'],
] as const;

/** The deadlines of newly opened tasks, in one insert. */
export async function insertTaskDeadlines(trx: Tx, rows: { countyCode: string; regionCode: string; householdId: number | null; taskId: number; leadOn: string; dueOn: string; clause: string; role: string }[]) {
  await insertUnnest(trx, 'deadline', DEADLINE_COLUMNS, rows.map((d) => ({
    county_code: d.countyCode, region_code: d.regionCode, household_id: d.householdId, subject_type: 'verification_task', subject_id: d.taskId,
    kind: 'verification_task', clause: d.clause, responsible_role: d.role, opened_on: d.leadOn, due_on: d.dueOn,
  })));
}

const WARNING_COLUMNS = [
  ['department_kind', 'text'], ['type', 'text'], ['channel', 'text'], ['id_number', 'text'], ['id_number_bidx', 'text'], ['person_name', 'text'],
  ['warned_on', 'date'], ['detail', 'text'], ['source_ref', 'text'], ['region_code', 'text'], ['county_code', 'text'], ['received_by', 'bigint'],
  ['token_id', 'bigint'], ['import_job_id', 'bigint'], ['outcome', 'text'], ['task_id', 'bigint'], ['household_id', 'bigint'], ['queue_state', 'text'],
] as const;

export type WarningInsert = Record<(typeof WARNING_COLUMNS)[number][0], unknown>;

export async function insertWarnings(trx: Tx, rows: readonly WarningInsert[]) {
  await insertUnnest(trx, 'department_warning', WARNING_COLUMNS, rows);
}

/** Source references of `kind` already received (a department sends each of its warnings once). */
export async function knownSourceRefs(db: Db, kind: string, refs: readonly string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const r = await db.selectFrom('department_warning').select('source_ref').where('department_kind', '=', kind).where('source_ref', 'in', [...refs]).execute();
  return new Set(r.map((x) => x.source_ref!));
}

export interface WarningFilter {
  scope: string;
  departmentKind?: string | null;
  outcome?: string;
  queueState?: string;
  offset: number;
  limit: number;
}

function warningQuery(db: Db, f: Omit<WarningFilter, 'offset' | 'limit'>) {
  let q = db.selectFrom('department_warning as w').leftJoin('verification_task as t', 't.id', 'w.task_id').leftJoin('region as r', 'r.code', 'w.region_code')
    .where('w.region_code', 'like', f.scope);
  if (f.departmentKind) q = q.where('w.department_kind', '=', f.departmentKind);
  if (f.outcome) q = q.where('w.outcome', '=', f.outcome as 'task');
  if (f.queueState) q = q.where('w.queue_state', '=', f.queueState as 'pending');
  return q;
}

export async function listWarnings(db: Db, f: WarningFilter) {
  const q = warningQuery(db, f);
  const [rows, counts] = await Promise.all([
    q.select(['w.id', 'w.department_kind', 'w.type', 'w.channel', 'w.person_name', 'w.id_number', 'w.warned_on', 'w.source_ref', 'w.region_code', 'r.name as region_name',
      'w.outcome', 'w.task_id', 't.state as task_state', 'w.queue_state', 'w.queue_reason', 'w.household_id', 'w.received_at', 'w.version'])
      .orderBy('w.id', 'desc').offset(f.offset).limit(f.limit).execute(),
    warningQuery(db, { ...f, outcome: undefined, queueState: undefined }).select([
      sql<string>`count(*)`.as('received'),
      sql<string>`count(*) filter (where w.outcome = 'task')`.as('task'),
      sql<string>`count(*) filter (where w.outcome = 'merged')`.as('merged'),
      sql<string>`count(*) filter (where w.outcome = 'unknown')`.as('unknown'),
      sql<string>`count(*) filter (where w.queue_state = 'pending')`.as('pending'),
    ]).executeTakeFirstOrThrow(),
  ]);
  const total = f.outcome || f.queueState ? Number((await q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n) : Number(counts.received);
  return { rows, total, counts: { received: Number(counts.received), task: Number(counts.task), merged: Number(counts.merged), unknown: Number(counts.unknown), pending: Number(counts.pending) } };
}

export async function findWarning(db: Db, id: number) {
  return db.selectFrom('department_warning').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Closes a queued warning at the version read (false: it was handled meanwhile). */
export async function closeQueuedWarning(trx: Tx, id: number, version: number, v: { state: 'located' | 'rejected'; reason: string | null; by: number; on: string; taskId?: number; householdId?: number }) {
  const r = await trx.updateTable('department_warning')
    .set({ queue_state: v.state, queue_reason: v.reason, queue_closed_by: v.by, queue_closed_on: v.on, task_id: v.taskId ?? null, household_id: v.householdId ?? null, version: sql`version + 1` })
    .where('id', '=', id).where('version', '=', version).where('queue_state', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Warning precision (WRN-6) per department kind for warnings dated in [from, to]: what
 * became of them and of the tasks they opened or joined.
 */
export async function warningPrecision(db: Db, o: { scope: string; departmentKind?: string | null; from: string; to: string }) {
  const r = await sql<{ department_kind: string; received: string; merged: string; unknown: string; closed_no_risk: string; cases_opened: string; households_identified: string; median_days: string | null; open_tasks: string }>`
    with w as (
      select w.* from department_warning w
      where w.region_code like ${o.scope} and w.warned_on between ${o.from}::date and ${o.to}::date
        ${o.departmentKind ? sql`and w.department_kind = ${o.departmentKind}` : sql``}
    ), t as (
      select distinct w.department_kind, t.id, t.state, t.lead_on, t.closed_on, t.case_id, t.household_id
      from w join verification_task t on t.id = w.task_id
    )
    select k.department_kind,
      (select count(*) from w where w.department_kind = k.department_kind) as received,
      (select count(*) from w where w.department_kind = k.department_kind and w.outcome = 'merged') as merged,
      (select count(*) from w where w.department_kind = k.department_kind and w.outcome = 'unknown') as unknown,
      (select count(*) from t where t.department_kind = k.department_kind and t.state = 'no_risk') as closed_no_risk,
      (select count(*) from t where t.department_kind = k.department_kind and t.state = 'case_opened') as cases_opened,
      (select count(distinct c.household_id) from t join workflow_case c on c.id = t.case_id where t.department_kind = k.department_kind and c.outcome = 'identified') as households_identified,
      (select percentile_cont(0.5) within group (order by t.closed_on - t.lead_on) from t where t.department_kind = k.department_kind and t.closed_on is not null) as median_days,
      (select count(*) from t where t.department_kind = k.department_kind and t.state = 'open') as open_tasks
    from (select distinct department_kind from w) k
    order by k.department_kind`.execute(db);
  return r.rows;
}
