/**
 * Exchange with the national monitoring system (DAT-4): the monitoring objects of a county as the
 * national layout needs them (one query per page of households, every column computed in SQL
 * beside the household so a page is one round trip), and the reconciliation runs, items and row
 * errors of migration 011.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { ReconciliationErrorTable, ReconciliationItemTable, ReconciliationRunTable } from './schema.ts';
import type { Db } from './transaction.ts';

export type ReconciliationRunRow = Selectable<ReconciliationRunTable>;
export type ReconciliationItemRow = Selectable<ReconciliationItemTable>;
export type ReconciliationErrorRow = Selectable<ReconciliationErrorTable>;
export type NewReconciliationItem = Omit<Insertable<ReconciliationItemTable>, 'run_id'>;
export type NewReconciliationError = Omit<Insertable<ReconciliationErrorTable>, 'run_id'>;

/** Monitoring objects: the households the national system holds (identified, or eliminated since). */
export const MONITORING_OBJECT_STATUSES = ['monitored', 'eliminated'] as const;

export interface NationalScope {
  /** LIKE pattern of the actor's subtree. */
  regionPattern: string;
  /** 6-digit county code (uses the county index); null for the whole subtree. */
  countyCode: string | null;
}

/** What the national layout says of one household, as Jianbang holds it. */
export interface NationalHouseholdRow {
  id: number;
  county_code: string;
  region_code: string;
  formerly_poor: boolean;
  monitoring_status: string;
  monitoring_category: string | null;
  identified_on: string | null;
  eliminated_on: string | null;
  province_name: string | null;
  city_name: string | null;
  county_name: string | null;
  township_name: string | null;
  village_name: string | null;
  head_name: string | null;
  head_id_number: string | null;
  head_phone: string | null;
  head_bidx: string | null;
  member_count: number;
  /** Comma-separated codes (non-voided risks; suspended measures left out). */
  risk_types: string | null;
  measure_types: string | null;
  /** From the newest stored case assessment (yuan), as text. */
  per_capita_income: string | null;
  /** The national-system entry date recorded on the case (enter_system step), since the identification. */
  entered_on: string | null;
}

function base(db: Db, scope: NationalScope) {
  let q = db
    .selectFrom('household as h')
    .leftJoin('region as v', 'v.code', 'h.region_code')
    .leftJoin('region as t', 't.code', 'v.parent_code')
    .leftJoin('region as c', 'c.code', 't.parent_code')
    .leftJoin('region as ci', 'ci.code', 'c.parent_code')
    .leftJoin('region as p', 'p.code', 'ci.parent_code')
    .where('h.region_code', 'like', scope.regionPattern)
    .where('h.monitoring_status', 'in', [...MONITORING_OBJECT_STATUSES]);
  if (scope.countyCode) q = q.where('h.county_code', '=', scope.countyCode);
  return q;
}

function selectNational(db: Db, scope: NationalScope) {
  const head = (col: 'name' | 'id_number' | 'phone' | 'id_number_bidx') =>
    sql<string | null>`(select m.${sql.ref(col)} from member m where m.household_id = h.id and m.relation = 'head' and m.active order by m.id limit 1)`;
  return base(db, scope).select([
    'h.id', 'h.county_code', 'h.region_code', 'h.formerly_poor', 'h.monitoring_status', 'h.monitoring_category', 'h.identified_on', 'h.eliminated_on',
    'p.name as province_name', 'ci.name as city_name', 'c.name as county_name', 't.name as township_name', 'v.name as village_name',
    head('name').as('head_name'),
    head('id_number').as('head_id_number'),
    head('phone').as('head_phone'),
    head('id_number_bidx').as('head_bidx'),
    sql<number>`(select count(*)::int from member m where m.household_id = h.id and m.active)`.as('member_count'),
    sql<string | null>`(select string_agg(distinct r.type, ',') from risk_record r where r.household_id = h.id and r.voided_at is null)`.as('risk_types'),
    sql<string | null>`(select string_agg(distinct ms.type, ',') from measure ms where ms.household_id = h.id and ms.status <> 'suspended')`.as('measure_types'),
    sql<string | null>`(select ca.result->>'perCapitaNetIncome' from case_assessment ca join workflow_case wc on wc.id = ca.case_id
      where wc.household_id = h.id order by ca.id desc limit 1)`.as('per_capita_income'),
    sql<string | null>`(select cs.data->>'enteredOn' from case_step cs join workflow_case wc on wc.id = cs.case_id
      where wc.household_id = h.id and cs.action = 'enter_system' and (h.identified_on is null or cs.occurred_on >= h.identified_on)
      order by cs.id desc limit 1)`.as('entered_on'),
  ]);
}

/** One page of the scope's monitoring objects, by id (keyset: a county's export never uses OFFSET). */
export async function nationalHouseholdPage(db: Db, scope: NationalScope, afterId: number, limit: number): Promise<NationalHouseholdRow[]> {
  return (await selectNational(db, scope).where('h.id', '>', afterId).orderBy('h.id').limit(limit).execute()) as NationalHouseholdRow[];
}

/** The monitoring objects of the scope whose head has one of these blind indexes. */
export async function nationalHouseholdsByHead(db: Db, scope: NationalScope, headIndexes: string[]): Promise<NationalHouseholdRow[]> {
  if (!headIndexes.length) return [];
  return (await selectNational(db, scope)
    .where('h.id', 'in', db.selectFrom('member').select('household_id').where('id_number_bidx', 'in', headIndexes).where('relation', '=', 'head').where('active', '=', true))
    .execute()) as NationalHouseholdRow[];
}

/** Households of the subtree (any status) whose active head has one of these blind indexes: those that are no monitoring object. */
export async function householdsByHeadIndex(db: Db, regionPattern: string, headIndexes: string[]) {
  if (!headIndexes.length) return [];
  return db
    .selectFrom('member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['m.id_number_bidx as bidx', 'h.id', 'h.region_code', 'h.county_code', 'h.monitoring_status'])
    .where('m.id_number_bidx', 'in', headIndexes)
    .where('m.relation', '=', 'head')
    .where('m.active', '=', true)
    .where('h.region_code', 'like', regionPattern)
    .execute();
}

/** Active members of these households, head first, for the member part. */
export async function nationalMembers(db: Db, householdIds: number[]) {
  if (!householdIds.length) return [];
  return db
    .selectFrom('member')
    .select(['household_id', 'name', 'id_number', 'relation', 'sex', 'birth_date', 'health', 'disability_grade', 'labor_ability', 'schooling', 'employment'])
    .where('household_id', 'in', householdIds)
    .where('active', '=', true)
    .orderBy('household_id')
    .orderBy(sql`case when relation = 'head' then 0 else 1 end`)
    .orderBy('id')
    .execute();
}

export async function countNational(db: Db, scope: NationalScope) {
  const r = await base(db, scope)
    .select([
      sql<number>`count(*)::int`.as('households'),
      sql<number>`coalesce(sum((select count(*) from member m where m.household_id = h.id and m.active)), 0)::int`.as('members'),
    ])
    .executeTakeFirstOrThrow();
  return { households: r.households, members: r.members };
}

/** Counties (level 3) in a subtree, by name: where a row only in the national file belongs. */
export async function countiesIn(db: Db, regionPattern: string) {
  return db.selectFrom('region').select(['code', 'name', 'county_code']).where('level', '=', 3).where('code', 'like', regionPattern).execute();
}

// ---- runs ----

export async function insertRun(db: Db, run: Insertable<ReconciliationRunTable>): Promise<number> {
  const r = await db.insertInto('reconciliation_run').values(run).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function insertItems(db: Db, runId: number, items: NewReconciliationItem[]) {
  if (items.length) await db.insertInto('reconciliation_item').values(items.map((i) => ({ ...i, run_id: runId }))).execute();
}

export async function insertErrors(db: Db, runId: number, errors: NewReconciliationError[]) {
  if (errors.length) await db.insertInto('reconciliation_error').values(errors.map((e) => ({ ...e, run_id: runId }))).execute();
}

export type RunCounts = Pick<ReconciliationRunRow, 'rows_read' | 'matched' | 'only_in_national' | 'only_in_jianbang' | 'field_differs' | 'entry_overdue' | 'errors'>;

export async function setRunCounts(db: Db, runId: number, counts: RunCounts) {
  await db.updateTable('reconciliation_run').set(counts).where('id', '=', runId).execute();
}

/** A run visible in the subtree `regionPattern` (its scope lies inside it). */
export async function findRun(db: Db, id: number, regionPattern?: string) {
  let q = db.selectFrom('reconciliation_run').selectAll().where('id', '=', id);
  if (regionPattern) q = q.where('scope_region_code', 'like', regionPattern);
  return q.executeTakeFirst();
}

export async function listRuns(db: Db, regionPattern: string, limit: number, offset: number) {
  const [items, total] = await Promise.all([
    db.selectFrom('reconciliation_run').selectAll().where('scope_region_code', 'like', regionPattern).orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    db.selectFrom('reconciliation_run').select(sql<number>`count(*)::int`.as('n')).where('scope_region_code', 'like', regionPattern).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}

export async function runItems(db: Db, runId: number, f: { kind?: string; afterId?: number; limit: number; offset?: number }) {
  let q = db.selectFrom('reconciliation_item').selectAll().where('run_id', '=', runId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.afterId) q = q.where('id', '>', f.afterId);
  return q.orderBy('id').limit(f.limit).offset(f.offset ?? 0).execute();
}

export async function countItems(db: Db, runId: number, kind?: string) {
  let q = db.selectFrom('reconciliation_item').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', runId);
  if (kind) q = q.where('kind', '=', kind);
  return (await q.executeTakeFirstOrThrow()).n;
}

export async function runErrors(db: Db, runId: number, f: { afterId?: number; limit: number }) {
  let q = db.selectFrom('reconciliation_error').selectAll().where('run_id', '=', runId);
  if (f.afterId) q = q.where('id', '>', f.afterId);
  return q.orderBy('id').limit(f.limit).execute();
}
