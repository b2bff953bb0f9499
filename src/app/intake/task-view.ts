import { daysLeftText, deadlineStatus } from '../../domain/deadlines.ts';
import { LEAD_SOURCE_NAMES, type LeadSource } from '../../domain/identification-case.ts';
import { DEPARTMENT_KIND_NAMES, type DepartmentKind } from '../../domain/roles.ts';
import { NO_RISK_REASONS, TASK_OUTCOME_NAMES, TASK_OUTCOMES, TASK_STATE_NAMES, type TaskState } from '../../domain/verification-task.ts';
import { WARNING_CHANNEL_NAMES, WARNING_TYPE_NAMES } from '../../domain/warnings.ts';
import { findTaskWithNames, warningsOfTask, type listTasks } from '../../store/verification-tasks.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { can } from '../authz.ts';

type ListRow = Awaited<ReturnType<typeof listTasks>>['rows'][number];

/** A task as lists show it: no free text, the head's name (the cadre visits the household). */
export function taskListItem(t: ListRow, today: string) {
  const open = t.state === 'open';
  return {
    id: Number(t.id), householdId: t.household_id, headName: t.head_name, regionCode: t.region_code, regionName: t.region_name,
    source: t.source, sourceName: LEAD_SOURCE_NAMES[t.source as LeadSource] ?? t.source, warningType: t.warning_type,
    typeName: t.warning_type ? (WARNING_TYPE_NAMES[t.warning_type] ?? t.warning_type) : null,
    departmentKind: t.department_kind, departmentName: t.department_kind ? DEPARTMENT_KIND_NAMES[t.department_kind as DepartmentKind] : null,
    monitored: t.monitored, leadOn: t.lead_on, dueOn: t.due_on, state: t.state, stateName: TASK_STATE_NAMES[t.state as TaskState],
    warningCount: t.warning_count, caseId: t.case_id, ticketId: t.ticket_id, closedOn: t.closed_on, version: t.version,
    status: open ? deadlineStatus(t.due_on, today) : 'closed', daysLeftText: open ? daysLeftText(t.due_on, today) : '已办结',
  };
}

/**
 * A task in full. What the warning said and what the visit found are personal data (free text,
 * often about illness): those who verify and decide see them; supervisors see the figures.
 */
export async function taskView(db: Db, actor: Actor, id: number, today: string) {
  const t = (await findTaskWithNames(db, id))!;
  const personal = can(actor, 'household:read_health');
  const warnings = await warningsOfTask(db, id);
  const canResolve = can(actor, 'task:resolve', t.region_code) && t.state === 'open';
  return {
    ...taskListItem(t, today),
    summary: personal ? t.summary : null,
    visitedOn: t.visited_on, visitors: t.visitors, findings: personal ? t.findings : null,
    reasonCode: t.reason_code, reasonName: t.reason_code ? NO_RISK_REASONS[t.reason_code as keyof typeof NO_RISK_REASONS] : null,
    reason: personal ? t.reason : null, riskRecordId: t.risk_record_id,
    warnings: warnings.map((w) => ({
      id: Number(w.id), departmentKind: w.department_kind, departmentName: DEPARTMENT_KIND_NAMES[w.department_kind as DepartmentKind] ?? w.department_kind,
      type: w.type, typeName: WARNING_TYPE_NAMES[w.type] ?? w.type, channel: w.channel, channelName: WARNING_CHANNEL_NAMES[w.channel],
      warnedOn: w.warned_on, detail: personal ? w.detail : null, sourceRef: w.source_ref, outcome: w.outcome, receivedAt: w.received_at,
    })),
    // What the visit may conclude (the domain check refuses the rest with its reason).
    outcomes: canResolve ? TASK_OUTCOMES.filter((o) => (t.monitored ? o !== 'risk_found' : o !== 'already_monitored')).map((o) => ({ code: o, name: TASK_OUTCOME_NAMES[o] })) : [],
    noRiskReasons: Object.entries(NO_RISK_REASONS)
      .filter(([k]) => !(k === 'already_dibao' && (t.source === 'dibao_application' || t.source === 'tekun_application')))
      .map(([code, name]) => ({ code, name })),
  };
}
