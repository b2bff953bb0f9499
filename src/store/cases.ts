import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from './schema.ts';
import type { Db } from './transaction.ts';

export type CaseRow = Awaited<ReturnType<typeof findCase>> & {};

export async function findCase(db: Db, id: number) {
  return db.selectFrom('workflow_case').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openCaseOf(db: Db, householdId: number, kind: string) {
  return db
    .selectFrom('workflow_case')
    .select(['id', 'state'])
    .where('household_id', '=', householdId)
    .where('kind', '=', kind)
    .where('outcome', 'is', null)
    .executeTakeFirst();
}

export async function lastClosedCaseOf(db: Db, householdId: number) {
  return db
    .selectFrom('workflow_case')
    .select(['id', 'kind', 'outcome'])
    .where('household_id', '=', householdId)
    .where('outcome', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function caseSteps(db: Db, caseId: number) {
  return db.selectFrom('case_step').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function caseConsents(db: Db, caseId: number) {
  return db.selectFrom('case_consent').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function caseAssessments(db: Db, caseId: number) {
  return db.selectFrom('case_assessment').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function caseDeadlines(db: Db, caseId: number) {
  return db.selectFrom('deadline').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function caseNotifications(db: Db, caseId: number) {
  return db.selectFrom('household_notification').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

/** Moves a case if nobody moved it since `version` was read; false means a concurrent change (409). */
export async function moveCase(
  trx: Db,
  id: number,
  version: number,
  set: Partial<{
    state: string; next_roles: string; green_channel: boolean; green_entered_on: string | null; category: string | null;
    decided_on: string | null; outcome: string | null; outcome_reason: string | null;
  }>,
): Promise<boolean> {
  const res = await trx
    .updateTable('workflow_case')
    .set({ ...set, version: version + 1, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface CaseListFilter {
  scope: string;
  kind?: string;
  state?: string;
  open?: boolean;
  green?: boolean;
  overdue?: boolean;
  today: string;
  householdId?: number;
  limit: number;
  offset: number;
}

/** The list's conditions on `workflow_case as c`, shared by the page and its count. */
function caseFilter(f: CaseListFilter) {
  return (eb: ExpressionBuilder<DB & { c: DB['workflow_case'] }, 'c'>) => {
    const and: Expression<SqlBool>[] = [eb('c.region_code', 'like', f.scope)];
    if (f.kind) and.push(eb('c.kind', '=', f.kind));
    if (f.state) and.push(eb('c.state', '=', f.state));
    if (f.open !== undefined) and.push(eb('c.outcome', f.open ? 'is' : 'is not', null));
    if (f.green !== undefined) and.push(eb('c.green_channel', '=', f.green));
    if (f.householdId !== undefined) and.push(eb('c.household_id', '=', f.householdId));
    if (f.overdue) and.push(eb('c.due_on', '<', f.today));
    return eb.and(and);
  };
}

/** Cases in a region subtree, most urgent first, with the nearest open deadline. */
export async function listCases(db: Db, f: CaseListFilter) {
  const q = db
    .selectFrom('workflow_case as c')
    .innerJoin('household as h', 'h.id', 'c.household_id')
    .leftJoin('region as r', 'r.code', 'c.region_code')
    .where(caseFilter(f));
  const [rows, total] = await Promise.all([
    q
      .select([
        'c.id', 'c.kind', 'c.household_id', 'c.region_code', 'c.source', 'c.lead_on', 'c.state', 'c.next_roles',
        'c.green_channel', 'c.green_entered_on', 'c.category', 'c.decided_on', 'c.outcome', 'c.version', 'r.name as region_name',
        sql<string>`(select m.name from member m where m.household_id = h.id and m.relation = 'head' order by m.id limit 1)`.as('head_name'),
        'c.due_on',
      ])
      // Same order as the (due_on, id) index of open cases: the first page needs no sort of the whole scope.
      .orderBy(sql`c.due_on asc nulls last`)
      .orderBy('c.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    countCases(db, f),
  ]);
  return { rows, total };
}

/** Above this many, the list says "more than" instead of counting a province's cases per page view. */
export const CASE_COUNT_CAP = 2_000;

async function countCases(db: Db, f: CaseListFilter): Promise<number> {
  const q = db.selectFrom('workflow_case as c').select(sql.lit(1).as('one')).where(caseFilter(f));
  const r = await db.selectFrom(q.limit(CASE_COUNT_CAP + 1).as('x')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
