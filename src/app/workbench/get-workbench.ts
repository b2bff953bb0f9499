import { sql } from 'kysely';
import { CASE_KIND_NAMES, stateName } from '../../domain/case-machines.ts';
import { DEADLINE_RULES, daysLeftText, deadlineStatus, type DeadlineKind } from '../../domain/deadlines.ts';
import { regionLevel, subtreePrefix } from '../../domain/region-code.ts';
import type { CaseKind } from '../../domain/workflow.ts';
import { lastSchedulerRun } from '../../store/deadlines.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';

const SUPERVISORS = ['township', 'county', 'city', 'province', 'national'];
/** Code length of the next level down, for "overdue by subordinate region". */
const CHILD_PREFIX: Record<number, number> = { 1: 4, 2: 6, 3: 9, 4: 12 };
const TASK_LIMIT = 100;

/**
 * 待办: the tasks of the actor's region and role, nearest due date first, with days left or
 * overdue — the next step of each open case the role can take, plus the deadlines owned by the
 * role (plan publication, system entry, member changes…). Supervisors also get overdue counts
 * by subordinate region.
 */
export async function getWorkbench(db: Db, actor: Actor, today: string) {
  authorize(actor, 'workbench:read');
  const scope = scopePattern(actor);
  const role = `%,${actor.role},%`;
  const [caseTasks, deadlineTasks, totals] = await Promise.all([
    db
      .selectFrom('workflow_case as c')
      .leftJoin('region as r', 'r.code', 'c.region_code')
      .select([
        'c.id', 'c.kind', 'c.household_id', 'c.region_code', 'r.name as region_name', 'c.state', 'c.due_on', 'c.green_channel', 'c.lead_on',
        sql<string | null>`(select m.name from member m where m.household_id = c.household_id and m.relation = 'head' order by m.id limit 1)`.as('head_name'),
      ])
      .where('c.outcome', 'is', null)
      .where('c.region_code', 'like', scope)
      .where(sql<boolean>`',' || c.next_roles || ',' like ${role}`)
      .orderBy(sql`c.due_on asc nulls last`)
      .orderBy('c.id')
      .limit(TASK_LIMIT)
      .execute(),
    db
      .selectFrom('deadline as d')
      .leftJoin('region as r', 'r.code', 'd.region_code')
      .select(['d.id', 'd.kind', 'd.case_id', 'd.household_id', 'd.region_code', 'r.name as region_name', 'd.due_on', 'd.clause',
        sql<string | null>`(select m.name from member m where m.household_id = d.household_id and m.relation = 'head' order by m.id limit 1)`.as('head_name'),
      ])
      .where('d.closed_on', 'is', null)
      .where('d.responsible_role', '=', actor.role)
      .where('d.region_code', 'like', scope)
      .orderBy('d.due_on')
      .orderBy('d.id')
      .limit(TASK_LIMIT)
      .execute(),
    db
      .selectFrom('deadline')
      .select([
        sql<number>`count(*) filter (where due_on < ${today}::date)`.as('overdue'),
        sql<number>`count(*) filter (where due_on >= ${today}::date and due_on <= ${today}::date + 3)`.as('due_soon'),
      ])
      .where('closed_on', 'is', null)
      .where('region_code', 'like', scope)
      .executeTakeFirstOrThrow(),
  ]);

  const tasks = [
    ...caseTasks.map((c) => ({
      type: 'case' as const,
      caseId: c.id,
      householdId: c.household_id,
      headName: c.head_name,
      regionCode: c.region_code,
      regionName: c.region_name,
      title: `${CASE_KIND_NAMES[c.kind as CaseKind]}：${stateName(c.kind as CaseKind, c.state)}${c.green_channel ? '（绿色通道）' : ''}`,
      dueOn: c.due_on,
    })),
    ...deadlineTasks.map((d) => ({
      type: 'deadline' as const,
      deadlineId: d.id,
      caseId: d.case_id,
      householdId: d.household_id,
      headName: d.head_name,
      regionCode: d.region_code,
      regionName: d.region_name,
      title: `${DEADLINE_RULES[d.kind as DeadlineKind]?.label ?? d.kind}（${d.clause}）`,
      dueOn: d.due_on as string | null,
    })),
  ]
    .sort((a, b) => (a.dueOn ?? '9999') .localeCompare(b.dueOn ?? '9999'))
    .slice(0, TASK_LIMIT)
    .map((t) => ({
      ...t,
      status: t.dueOn ? deadlineStatus(t.dueOn, today) : 'open',
      daysLeftText: t.dueOn ? daysLeftText(t.dueOn, today) : '无时限',
    }));

  const run = await lastSchedulerRun(db, 'deadlines');
  return {
    today,
    tasks,
    totals: { overdue: Number(totals.overdue), dueSoon: Number(totals.due_soon) },
    overdueByRegion: SUPERVISORS.includes(actor.role) ? await overdueByRegion(db, actor, today) : [],
    scheduler: run ? { lastSuccessAt: run.last_success_at, ranFor: run.ran_for } : null,
  };
}

/** Overdue deadlines counted by the actor's direct subordinate regions. */
async function overdueByRegion(db: Db, actor: Actor, today: string) {
  const len = CHILD_PREFIX[regionLevel(actor.regionCode)];
  if (!len) return [];
  const child = sql<string>`rpad(substr(d.region_code, 1, ${sql.lit(len)}), 12, '0')`;
  const rows = await db
    .selectFrom('deadline as d')
    .select([child.as('code'), (eb) => eb.fn.countAll<number>().as('overdue')])
    .where('d.closed_on', 'is', null)
    .where('d.due_on', '<', today)
    .where('d.region_code', 'like', `${subtreePrefix(actor.regionCode)}%`)
    .groupBy(child)
    .execute();
  if (rows.length === 0) return [];
  const names = await db.selectFrom('region').select(['code', 'name']).where('code', 'in', rows.map((r) => r.code)).execute();
  const nameOf = new Map(names.map((n) => [n.code, n.name]));
  return rows
    .map((r) => ({ regionCode: r.code, regionName: nameOf.get(r.code) ?? r.code, overdue: Number(r.overdue) }))
    .sort((a, b) => b.overdue - a.overdue || a.regionCode.localeCompare(b.regionCode));
}
