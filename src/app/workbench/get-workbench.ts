import { sql } from 'kysely';
import { CASE_KIND_NAMES, stateName } from '../../domain/case-machines.ts';
import { DEADLINE_RULES, daysLeftText, deadlineStatus, type DeadlineKind } from '../../domain/deadlines.ts';
import type { CaseKind } from '../../domain/workflow.ts';
import { lastSchedulerRun } from '../../store/deadlines.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can, scopePattern } from '../authz.ts';

const SUPERVISORS = ['township', 'county', 'city', 'province', 'national'];
/** The nearest tasks; the totals and the case list give the rest. */
const TASK_LIMIT = 50;
/**
 * Roles that own some kind of deadline themselves (the rest follow the case's next step); a
 * 12317 ticket's deadline belongs to its assignee's level and climbs to the province when overdue.
 */
const DEADLINE_OWNERS = new Set<string>([...Object.values(DEADLINE_RULES).map((r) => r.responsibleRole), 'township', 'city', 'province']);

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
  const [caseTasks, deadlineTasks, totals, run] = await Promise.all([
    // Supervisors take no case step; their work is the overdue counts.
    !can(actor, 'case:step') ? [] : db
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
    !DEADLINE_OWNERS.has(actor.role) ? [] : db
      .selectFrom('deadline as d')
      .leftJoin('region as r', 'r.code', 'd.region_code')
      .select(['d.id', 'd.kind', 'd.case_id', 'd.household_id', 'd.region_code', 'r.name as region_name', 'd.due_on', 'd.clause', 'd.subject_type', 'd.subject_id',
        sql<string | null>`(select m.name from member m where m.household_id = d.household_id and m.relation = 'head' order by m.id limit 1)`.as('head_name'),
      ])
      .where('d.closed_on', 'is', null)
      .where('d.responsible_role', '=', actor.role)
      .where('d.region_code', 'like', scope)
      .orderBy('d.due_on')
      .orderBy('d.id')
      .limit(TASK_LIMIT)
      .execute(),
    db.selectFrom('deadline_summary').selectAll().where('region_code', '=', actor.regionCode).executeTakeFirst(),
    lastSchedulerRun(db, 'deadlines'),
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
      kind: d.kind,
      caseId: d.case_id,
      // A verification task (WRN-1) opens its own page; the rest open the case or household.
      taskId: d.subject_type === 'verification_task' ? Number(d.subject_id) : undefined,
      householdId: d.household_id,
      headName: d.head_name,
      regionCode: d.region_code,
      regionName: d.region_name,
      title: `${DEADLINE_RULES[d.kind as DeadlineKind]?.label ?? d.kind}（${d.clause}）`,
      dueOn: d.due_on as string | null,
    })),
  ]
    // Leads first for those who verify them (Q43: at once), then by due date.
    .sort((a, b) => Number(isLead(b)) - Number(isLead(a)) || (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))
    .slice(0, TASK_LIMIT)
    .map((t) => ({
      ...t,
      status: t.dueOn ? deadlineStatus(t.dueOn, today) : 'open',
      daysLeftText: t.dueOn ? daysLeftText(t.dueOn, today) : '无时限',
    }));

  return {
    today,
    tasks,
    // Counts as of the scheduler's last run (an aggregate, not a scan per page view).
    totals: { overdue: totals?.overdue ?? 0, dueSoon: totals?.due_soon ?? 0, open: totals?.open_total ?? 0, computedFor: totals?.computed_for ?? null },
    overdueByRegion: SUPERVISORS.includes(actor.role) ? await overdueByRegion(db, actor) : [],
    department: actor.role === 'department' ? await departmentWork(db, actor, today) : null,
    scheduler: run ? { lastSuccessAt: run.last_success_at, ranFor: run.ran_for } : null,
  };
}

const isLead = (t: { type: string; taskId?: number }) => t.type === 'deadline' && t.taskId !== undefined;

/**
 * A department's worklist (WRN-1, AST-5): what became of its warnings, and the planned measures
 * of its kind to carry out, due on their planned start.
 */
async function departmentWork(db: Db, actor: Actor, today: string) {
  const kind = actor.departmentKind;
  const [warnings, measures] = await Promise.all([
    db.selectFrom('department_warning').where('department_kind', '=', kind ?? '').where('region_code', 'like', scopePattern(actor))
      .select([
        sql<string>`count(*)`.as('received'), sql<string>`count(*) filter (where outcome = 'task')`.as('task'),
        sql<string>`count(*) filter (where outcome = 'merged')`.as('merged'), sql<string>`count(*) filter (where outcome = 'unknown')`.as('unknown'),
      ]).executeTakeFirstOrThrow(),
    db.selectFrom('measure as m').innerJoin('household as h', 'h.id', 'm.household_id').leftJoin('region as r', 'r.code', 'h.region_code')
      .select(['m.id', 'm.household_id', 'm.type', 'm.description', 'm.planned_start', 'h.region_code', 'r.name as region_name'])
      .where('m.department_kind', '=', kind ?? '').where('m.status', '=', 'planned').where('h.region_code', 'like', scopePattern(actor))
      .orderBy('m.planned_start').orderBy('m.id').limit(TASK_LIMIT).execute(),
  ]);
  return {
    warnings: { received: Number(warnings.received), tasks: Number(warnings.task), merged: Number(warnings.merged), unknown: Number(warnings.unknown) },
    measures: measures.map((m) => ({
      measureId: Number(m.id), householdId: m.household_id, regionCode: m.region_code, regionName: m.region_name, type: m.type,
      description: m.description, dueOn: m.planned_start, status: deadlineStatus(m.planned_start, today), daysLeftText: daysLeftText(m.planned_start, today),
    })),
  };
}

/** Overdue deadlines counted by the actor's direct subordinate regions (from the scheduler's summary). */
async function overdueByRegion(db: Db, actor: Actor) {
  const rows = await db
    .selectFrom('region as r')
    .innerJoin('deadline_summary as s', 's.region_code', 'r.code')
    .select(['r.code', 'r.name', 's.overdue', 's.due_soon'])
    .where('r.parent_code', '=', actor.regionCode)
    .where('s.overdue', '>', 0)
    .execute();
  return rows
    .map((r) => ({ regionCode: r.code, regionName: r.name, overdue: r.overdue, dueSoon: r.due_soon }))
    .sort((a, b) => b.overdue - a.overdue || a.regionCode.localeCompare(b.regionCode));
}
