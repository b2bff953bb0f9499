import {
  departmentName, END_RULE_NAMES, MEASURE_CATALOGUE, MEASURE_STATUS_NAMES, nextStatuses, type MeasureStatus, type MeasureType,
} from '../../domain/measures.ts';
import { DEPARTMENT_KINDS } from '../../domain/roles.ts';
import type { Check } from '../../domain/validation.ts';
import { findMeasure, type MeasureRow, type PlanRow } from '../../store/assistance.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can, scopePattern } from '../authz.ts';
import { forbidden, notFound, unprocessable } from '../errors.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { viewerOf, viewText, type Viewer } from '../privacy.ts';

/**
 * API shapes of plans and measures (AST), and the checks shared by the assistance use cases.
 * Notes, descriptions and reasons are free text, shown as the viewer may see them (SEC-3).
 */

export function planView(p: PlanRow, viewer: Viewer) {
  return {
    id: p.id,
    householdId: p.household_id,
    caseId: p.case_id,
    proposedOn: p.proposed_on,
    publishedOn: p.published_on,
    developmentDeclinedReason: viewText(viewer, p.development_declined_reason),
    note: viewText(viewer, p.note),
    version: p.version,
  };
}

/** May the actor change this measure? Departments only their own kind (AST-5). */
export function canUpdateMeasure(actor: Actor, m: { department_kind: string | null }, regionCode: string): boolean {
  if (!can(actor, 'measure:write', regionCode)) return false;
  return actor.role !== 'department' || m.department_kind === actor.departmentKind;
}

export function measureView(m: MeasureRow, actor: Actor, regionCode: string) {
  const entry = MEASURE_CATALOGUE[m.type as MeasureType];
  const status = m.status as MeasureStatus;
  const canUpdate = canUpdateMeasure(actor, m, regionCode);
  const viewer = viewerOf(actor, regionCode);
  return {
    id: m.id,
    planId: m.plan_id,
    householdId: m.household_id,
    type: m.type,
    typeName: entry?.name ?? m.type,
    departmentKind: m.department_kind,
    departmentName: departmentName(m.department_kind),
    developmental: m.developmental,
    fallback: entry?.fallback ?? false,
    form: m.form,
    description: viewText(viewer, m.description),
    plannedStart: m.planned_start,
    periodEnd: m.period_end,
    endRule: entry?.endRule ?? 'fixed',
    endRuleName: END_RULE_NAMES[entry?.endRule ?? 'fixed'],
    status,
    statusName: MEASURE_STATUS_NAMES[status],
    startedOn: m.started_on,
    implementedOn: m.implemented_on,
    endedOn: m.ended_on,
    suspendedOn: m.suspended_on,
    suspendedReason: viewText(viewer, m.suspended_reason),
    version: m.version,
    canUpdate,
    nextStatuses: canUpdate ? nextStatuses(status) : [],
  };
}

/**
 * The household a plan is written for: `plan:write` in its village's subtree, and a monitoring
 * object (monitored or eliminated) or a household with an open identification case — measures
 * are proposed with the village's list, before county approval (Q27).
 */
export async function plannableHousehold(db: Db, actor: Actor, householdId: number) {
  authorize(actor, 'plan:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'plan:write', h.region_code);
  if (h.monitoring_status === 'none') {
    const open = await db
      .selectFrom('workflow_case')
      .select('id')
      .where('household_id', '=', householdId)
      .where('kind', '=', 'identification')
      .where('outcome', 'is', null)
      .executeTakeFirst();
    if (!open)
      throw unprocessable('', '该户不是监测对象，也没有正在办理的识别认定，不能制定帮扶计划（Q23：识别为监测对象后落实帮扶措施；Q27：随拟纳入名单同步上报）');
  }
  return h;
}

/** A measure within the actor's subtree: 403 when it exists elsewhere, 404 when it does not exist. */
export async function loadScopedMeasure(db: Db, actor: Actor, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound('帮扶措施不存在');
  const m = await findMeasure(db, id, scopePattern(actor));
  if (m) return m;
  if (await findMeasure(db, id)) throw forbidden('该帮扶措施不在您的管辖区域内');
  throw notFound('帮扶措施不存在');
}

/**
 * The department filter of measure lists: a department user sees its own kind only (asking for
 * another is 403); others may filter by kind, or `none` for measures of no line department.
 */
export function departmentFilter(actor: Actor, c: Check, raw: unknown): string | null | undefined {
  if (actor.role === 'department') {
    if (raw && raw !== actor.departmentKind) throw forbidden('行业部门只能查看本部门负责的帮扶措施');
    return actor.departmentKind;
  }
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'none') return null;
  return c.oneOf('departmentKind', raw, DEPARTMENT_KINDS) ?? undefined;
}
