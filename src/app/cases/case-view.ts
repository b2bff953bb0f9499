import { CASE_KIND_NAMES, machineFor, stateName } from '../../domain/case-machines.ts';
import { DEADLINE_RULES, daysLeftText, deadlineStatus, type DeadlineKind } from '../../domain/deadlines.ts';
import { LEAD_SOURCE_NAMES } from '../../domain/identification-case.ts';
import { availableSteps, transitionOf, type CaseKind } from '../../domain/workflow.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import type { AssessmentInput } from '../../policy/types.ts';
import { caseAssessments, caseConsents, caseDeadlines, caseNotifications, caseSteps, type CaseRow } from '../../store/cases.ts';
import { findHousehold, householdMembers } from '../../store/households.ts';
import { regionPath } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { can } from '../authz.ts';
import { viewerOf, viewJson, viewText, type Viewer } from '../privacy.ts';
import { countedMemberIds } from './case-facts.ts';

/** Deadline as shown to users: due date, days left or overdue, clause. */
export function deadlineView(d: { id: number; kind: string; clause: string; opened_on: string; due_on: string; closed_on: string | null }, today: string) {
  return {
    id: d.id,
    kind: d.kind,
    label: DEADLINE_RULES[d.kind as DeadlineKind]?.label ?? d.kind,
    clause: d.clause,
    openedOn: d.opened_on,
    dueOn: d.due_on,
    closedOn: d.closed_on,
    status: deadlineStatus(d.due_on, today, d.closed_on),
    daysLeftText: d.closed_on ? '已办结' : daysLeftText(d.due_on, today),
  };
}

/** A case's own fields; its free text (lead note, ticket reference, reasons) as the viewer may see it. */
export function caseSummary(c: CaseRow, viewer: Viewer) {
  const kind = c.kind as CaseKind;
  return {
    id: c.id,
    kind,
    kindName: CASE_KIND_NAMES[kind],
    householdId: c.household_id,
    regionCode: c.region_code,
    source: c.source,
    sourceName: LEAD_SOURCE_NAMES[c.source as keyof typeof LEAD_SOURCE_NAMES] ?? c.source,
    sourceRef: viewText(viewer, c.source_ref),
    leadOn: c.lead_on,
    leadNote: viewText(viewer, c.lead_note),
    state: c.state,
    stateName: stateName(kind, c.state),
    greenChannel: c.green_channel,
    greenEnteredOn: c.green_entered_on,
    category: c.category,
    categoryName: c.category ? CATEGORY_NAMES[c.category as keyof typeof CATEGORY_NAMES] : null,
    decidedOn: c.decided_on,
    outcome: c.outcome,
    outcomeReason: viewText(viewer, c.outcome_reason),
    previousCaseId: c.previous_case_id,
    version: c.version,
  };
}

/**
 * The case page: timeline (who, when, what), consents, stored assessments, deadlines, next steps.
 * Every free text in it (step data, findings, notes, notifications) as the actor may see it (SEC-3).
 */
export async function caseView(db: Db, actor: Actor, c: CaseRow, today: string) {
  const kind = c.kind as CaseKind;
  const machine = machineFor(kind);
  const [h, members, steps, consents, assessments, deadlines, notifications, path, comparisons] = await Promise.all([
    findHousehold(db, c.household_id),
    householdMembers(db, c.household_id),
    caseSteps(db, c.id),
    caseConsents(db, c.id),
    caseAssessments(db, c.id),
    caseDeadlines(db, c.id),
    caseNotifications(db, c.id),
    regionPath(db, c.region_code),
    db.selectFrom('data_comparison').selectAll().where('case_id', '=', c.id).orderBy('id').execute(),
  ]);
  const verification = assessments.filter((a) => a.stage === 'verification').at(-1);
  const counted = new Set(countedMemberIds(verification?.input as AssessmentInput | undefined));
  const signed = new Map(consents.map((k) => [Number(k.member_id), k]));
  const nameOf = new Map(members.map((m) => [m.id, m.name]));
  const canStep = can(actor, 'case:step', c.region_code);
  const viewer = viewerOf(actor, c.region_code);
  return {
    ...caseSummary(c, viewer),
    household: {
      id: h!.id,
      headName: members.find((m) => m.relation === 'head')?.name ?? null,
      villageGroup: viewText(viewer, h!.village_group),
      regionPath: path.map((r) => r.name).join(' '),
      formerlyPoor: h!.formerly_poor,
      monitoringStatus: h!.monitoring_status,
      monitoringCategory: h!.monitoring_category,
      identifiedOn: h!.identified_on,
      eliminatedOn: h!.eliminated_on,
      fallback: !!h!.fallback_since,
    },
    steps: steps.map((s) => ({
      id: s.id,
      action: s.action,
      label: transitionOf(machine, s.action)?.label ?? s.action,
      fromState: stateName(kind, s.from_state),
      toState: stateName(kind, s.to_state),
      occurredOn: s.occurred_on,
      actorName: s.actor_name,
      actorRole: s.actor_role,
      reason: viewText(viewer, s.reason),
      data: viewJson(viewer, s.data),
      recordedAt: s.recorded_at,
    })),
    consents: members
      .filter((m) => counted.has(m.id) || signed.has(m.id))
      .map((m) => {
        const k = signed.get(m.id);
        return {
          memberId: m.id,
          name: m.name,
          counted: counted.has(m.id),
          signedOn: k?.signed_on ?? null,
          delegateName: k?.delegate_member_id ? nameOf.get(Number(k.delegate_member_id)) ?? null : null,
          delegationNote: viewText(viewer, k?.delegation_note ?? null),
        };
      }),
    assessments: assessments.map((a) => ({
      stage: a.stage, asOf: a.as_of, engineVersion: a.engine_version, parameters: a.parameters, result: a.result,
    })),
    deadlines: deadlines.map((d) => deadlineView(d, today)),
    comparisons: comparisons.map((k) => ({
      id: k.id, requestedOn: k.requested_on, status: k.status, result: k.result, findings: viewText(viewer, k.findings),
      completedOn: k.completed_on, reliesOnId: k.relies_on_id, version: k.version,
    })),
    notifications: notifications.map((n) => ({ event: n.event, channel: n.channel, content: viewText(viewer, n.content), notifiedOn: n.notified_on })),
    availableSteps: canStep && !c.outcome ? availableSteps(machine, c.state, actor.role) : [],
  };
}
