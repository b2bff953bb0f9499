import { sql, type Expression, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import { FALLBACK_TYPES, type GapKind } from '../domain/measures.ts';
import type { Measure, MeasureStatus } from '../policy/types.ts';
import type { AssistancePlanTable, DB, MeasureTable } from './schema.ts';
import type { Db } from './transaction.ts';

export type PlanRow = Selectable<AssistancePlanTable>;
export type MeasureRow = Selectable<MeasureTable>;

/** Plans and measures (AST-1…5). Scoping is through the household's responsible village. */

export async function householdPlans(db: Db, householdId: number) {
  return db.selectFrom('assistance_plan').selectAll().where('household_id', '=', householdId).orderBy('id').execute();
}

/** The household's current plan: the latest one. */
export async function latestPlan(db: Db, householdId: number) {
  return db.selectFrom('assistance_plan').selectAll().where('household_id', '=', householdId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertPlan(db: Db, values: Insertable<AssistancePlanTable>) {
  return db.insertInto('assistance_plan').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Optimistic concurrency: writes only while the row still has `version`; undefined when stale (→ 409). */
async function updateVersioned<T extends 'assistance_plan' | 'measure'>(db: Db, table: T, id: number, version: number, set: Updateable<DB[T]>) {
  return db
    .updateTable(table as 'measure')
    .set({ ...(set as Updateable<MeasureTable>), version: version + 1, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst() as Promise<Selectable<DB[T]> | undefined>;
}

export const updatePlanRow = (db: Db, id: number, version: number, set: Updateable<AssistancePlanTable>) =>
  updateVersioned(db, 'assistance_plan', id, version, set);

/**
 * The identification case a plan follows (Q27): `caseId` if it is one of this household's, else
 * the household's open identification case or its latest approved one.
 */
export async function identificationCase(db: Db, householdId: number, caseId?: number | null) {
  let q = db
    .selectFrom('workflow_case')
    .select(['id', 'outcome', 'decided_on'])
    .where('household_id', '=', householdId)
    .where('kind', '=', 'identification');
  q = caseId ? q.where('id', '=', caseId) : q.where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'identified')]));
  return q.orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The household's plan for an identification case (or its plan without a case). */
export async function planForCase(db: Db, householdId: number, caseId: number | null) {
  return db
    .selectFrom('assistance_plan')
    .selectAll()
    .where('household_id', '=', householdId)
    .where('case_id', caseId === null ? 'is' : '=', caseId)
    .executeTakeFirst();
}

/** The plan-publication deadline (Q27) opened when the county approved the case. */
export async function publicationDeadline(db: Db, caseId: number) {
  return db
    .selectFrom('deadline')
    .select(['id', 'opened_on', 'due_on', 'closed_on', 'status', 'clause'])
    .where('subject_type', '=', 'case')
    .where('subject_id', '=', caseId)
    .where('kind', '=', 'plan_publication')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertMeasure(db: Db, values: Insertable<MeasureTable>) {
  return db.insertInto('measure').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function householdMeasures(db: Db, householdId: number) {
  return db.selectFrom('measure').selectAll().where('household_id', '=', householdId).orderBy('id').execute();
}

/** A measure with its household's village; `regionPattern` limits it to a subtree. */
export async function findMeasure(db: Db, id: number, regionPattern?: string) {
  let q = db
    .selectFrom('measure as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .selectAll('m')
    .select('h.region_code')
    .where('m.id', '=', id);
  if (regionPattern) q = q.where('h.region_code', 'like', regionPattern);
  return q.executeTakeFirst();
}

export const updateMeasureRow = (db: Db, id: number, version: number, set: Updateable<MeasureTable>) => updateVersioned(db, 'measure', id, version, set);

/**
 * Suspends the household's planned and implementing measures (a green-channel household that
 * does not qualify leaves the channel, GRN-2). Runs in the caller's transaction; the caller
 * writes the audit entry. Returns the suspended measures as they were before.
 */
export async function suspendHouseholdMeasures(trx: Db, householdId: number, on: string, reason: string) {
  const before = await trx
    .selectFrom('measure')
    .select(['id', 'type', 'status', 'version'])
    .where('household_id', '=', householdId)
    .where('status', 'in', ['planned', 'implementing'])
    .orderBy('id')
    .execute();
  if (before.length === 0) return before;
  await trx
    .updateTable('measure')
    .set({ status: 'suspended', suspended_on: on, suspended_reason: reason, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', 'in', before.map((m) => m.id))
    .execute();
  return before;
}

/** The household's measures in the assessment contract's shape (for the elimination checks). */
export async function measuresForAssessment(db: Db, householdId: number): Promise<Measure[]> {
  return (await householdMeasures(db, householdId)).map((m) => ({
    type: m.type, developmental: m.developmental, status: m.status as MeasureStatus, from: m.planned_start, to: m.period_end,
  }));
}

// —— Lists ——

export interface Paging {
  regionPattern: string;
  limit: number;
  offset: number;
}

const headName = sql<string | null>`(select x.name from member x where x.household_id = h.id and x.relation = 'head' and x.active limit 1)`;

/** A measure that counts for the household's current monitoring period (domain `countsForPeriod`). */
const counting = (extra: Expression<SqlBool> = sql`true`) => sql<boolean>`exists (select 1 from measure m where m.household_id = h.id
  and m.status <> 'suspended' and (m.ended_on is null or h.identified_on is null or m.ended_on >= h.identified_on) and ${extra})`;
/** A counted member with full labour ability (policy `isCountedMember`, Q24). */
const FULL_LABOR = sql`from member x where x.household_id = h.id and x.active and x.lives_together and x.labor_ability = 'full'
  and (x.registration = 'rural' or not x.urban_guarantees)`;
const laborCapable = sql<boolean>`exists (select 1 ${FULL_LABOR})`;
const declinedReason = sql<string | null>`(select p.development_declined_reason from assistance_plan p where p.household_id = h.id order by p.id desc limit 1)`;
const fallbackTypes = sql.join(FALLBACK_TYPES);

const GAP_CONDITIONS: Record<GapKind, Expression<SqlBool>> = {
  // Q23: a monitoring object with no measure in force.
  no_measure: sql`not ${counting()}`,
  // Q24: labour-capable and willing, without a development-type measure.
  no_developmental: sql`${laborCapable} and ${declinedReason} is null and not ${counting(sql`m.developmental`)}`,
  // Q8: labour-capable, and every measure is fallback protection.
  fallback_only: sql`${laborCapable} and ${counting()} and not ${counting(sql`m.type not in (${fallbackTypes})`)}`,
};

function gapQuery(db: Db, regionPattern: string, kind: GapKind) {
  return db
    .selectFrom('household as h')
    .where('h.monitoring_status', '=', 'monitored')
    .where('h.region_code', 'like', regionPattern)
    .where(GAP_CONDITIONS[kind]);
}

/** Monitored households of a subtree that the supervision list `kind` flags. */
export async function assistanceGaps(db: Db, kind: GapKind, p: Paging) {
  const [items, total] = await Promise.all([
    gapQuery(db, p.regionPattern, kind)
      .leftJoin('region as r', 'r.code', 'h.region_code')
      .select(['h.id', 'h.region_code', 'r.name as region_name', 'h.monitoring_category', 'h.identified_on'])
      .select([
        headName.as('head_name'),
        declinedReason.as('development_declined_reason'),
        sql<number>`(select count(*)::int ${FULL_LABOR})`.as('full_labor'),
        sql<string | null>`(select string_agg(m.type, ',' order by m.id) from measure m where m.household_id = h.id
          and m.status <> 'suspended' and (m.ended_on is null or h.identified_on is null or m.ended_on >= h.identified_on))`.as('measure_types'),
      ])
      .orderBy('h.id')
      .limit(p.limit)
      .offset(p.offset)
      .execute(),
    gapCount(db, kind, p.regionPattern),
  ]);
  return { items, total };
}

export async function gapCount(db: Db, kind: GapKind, regionPattern: string): Promise<number> {
  const r = await gapQuery(db, regionPattern, kind).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}

export interface MeasureFilter extends Paging {
  departmentKind?: string | null;
  status?: string;
  type?: string;
  /** Only measures overdue on this day (AST-5). */
  overdueOn?: string;
}

const overdueStart = (today: string) => sql<boolean>`(m.status = 'planned' and m.planned_start < ${today}::date)`;
const overdueEnd = (today: string) => sql<boolean>`(m.status in ('planned','implementing','implemented') and m.period_end < ${today}::date)`;

function measureQuery(db: Db, f: Omit<MeasureFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('measure as m').innerJoin('household as h', 'h.id', 'm.household_id').where('h.region_code', 'like', f.regionPattern);
  // `null` = the measures no line department is responsible for.
  if (f.departmentKind === null) q = q.where('m.department_kind', 'is', null);
  else if (f.departmentKind) q = q.where('m.department_kind', '=', f.departmentKind);
  if (f.status) q = q.where('m.status', '=', f.status);
  if (f.type) q = q.where('m.type', '=', f.type);
  if (f.overdueOn) q = q.where(sql<boolean>`(${overdueStart(f.overdueOn)} or ${overdueEnd(f.overdueOn)})`);
  return q;
}

/** Measures of a subtree with their household's village and head (the department's list). */
export async function listMeasures(db: Db, f: MeasureFilter, today: string) {
  const [items, total] = await Promise.all([
    measureQuery(db, f)
      .leftJoin('region as r', 'r.code', 'h.region_code')
      .selectAll('m')
      .select(['h.region_code', 'r.name as region_name', 'h.monitoring_status'])
      .select([headName.as('head_name'), overdueStart(today).as('overdue_start'), overdueEnd(today).as('overdue_end')])
      .orderBy('m.planned_start')
      .orderBy('m.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    measureQuery(db, f).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}

/** Implementation per responsible department (AST-5): counts by status and overdue. */
export async function departmentSummary(db: Db, f: Pick<MeasureFilter, 'regionPattern' | 'departmentKind'>, today: string) {
  const count = (cond: Expression<SqlBool>) => sql<number>`(count(*) filter (where ${cond}))::int`;
  return measureQuery(db, f)
    .select('m.department_kind')
    .select([
      sql<number>`count(*)::int`.as('total'),
      ...(['planned', 'implementing', 'implemented', 'ended', 'suspended'] as const).map((s) => count(sql`m.status = ${s}`).as(s)),
      count(overdueStart(today)).as('overdue_start'),
      count(overdueEnd(today)).as('overdue_end'),
    ])
    .groupBy('m.department_kind')
    .orderBy('m.department_kind')
    .execute();
}
