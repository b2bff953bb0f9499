import { sql } from 'kysely';
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

/** Cases in a region subtree, most urgent first, with the nearest open deadline. */
export async function listCases(db: Db, f: CaseListFilter) {
  let q = db
    .selectFrom('workflow_case as c')
    .innerJoin('household as h', 'h.id', 'c.household_id')
    .leftJoin('region as r', 'r.code', 'c.region_code')
    .where('c.region_code', 'like', f.scope);
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  if (f.state) q = q.where('c.state', '=', f.state);
  if (f.open !== undefined) q = q.where('c.outcome', f.open ? 'is' : 'is not', null);
  if (f.green !== undefined) q = q.where('c.green_channel', '=', f.green);
  if (f.householdId !== undefined) q = q.where('c.household_id', '=', f.householdId);
  if (f.overdue) q = q.where('c.due_on', '<', f.today);
  const [rows, total] = await Promise.all([
    q
      .select([
        'c.id', 'c.kind', 'c.household_id', 'c.region_code', 'c.source', 'c.lead_on', 'c.state', 'c.next_roles',
        'c.green_channel', 'c.green_entered_on', 'c.category', 'c.decided_on', 'c.outcome', 'c.version', 'r.name as region_name',
        sql<string>`(select m.name from member m where m.household_id = h.id and m.relation = 'head' order by m.id limit 1)`.as('head_name'),
        'c.due_on',
      ])
      .orderBy(sql`c.due_on asc nulls last`)
      .orderBy('c.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
