import { viewerOf, viewText } from '../privacy.ts';
import { planChecks, type MeasureStatus, type MeasureType } from '../../domain/measures.ts';
import { householdMeasures, householdPlans, publicationDeadline } from '../../store/assistance.ts';
import { householdMembers } from '../../store/households.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can } from '../authz.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { measureView, planView } from './views.ts';

/**
 * A household's current plan (the latest), all its measures (of earlier plans too: Q28 measures
 * run on), the plan-publication deadline and the AST-1/AST-3/Q8 checks.
 */
export async function getHouseholdPlan(db: Db, actor: Actor, householdId: number) {
  authorize(actor, 'measure:read');
  const h = await loadScopedHousehold(db, actor, householdId);
  const [plans, measures, members] = await Promise.all([householdPlans(db, householdId), householdMeasures(db, householdId), householdMembers(db, householdId)]);
  const plan = plans.at(-1) ?? null;
  const deadline = plan?.case_id ? await publicationDeadline(db, plan.case_id) : undefined;
  const viewer = viewerOf(actor, h.region_code);
  return {
    householdId,
    monitoringStatus: h.monitoring_status,
    identifiedOn: h.identified_on,
    plan: plan && {
      ...planView(plan, viewer),
      publicationDeadline: deadline ? { dueOn: deadline.due_on, closedOn: deadline.closed_on, status: deadline.status, clause: deadline.clause } : null,
    },
    plans: plans.map((p) => planView(p, viewer)),
    measures: measures.map((m) => measureView(m, actor, h.region_code)),
    checks: planChecks({
      identifiedOn: h.identified_on,
      // The checks quote the reason: the same free text, seen the same way.
      developmentDeclinedReason: viewText(viewer, plan?.development_declined_reason ?? null),
      members: members.map((m) => ({ laborAbility: m.labor_ability, livesTogether: m.lives_together, registration: m.registration, urbanGuarantees: m.urban_guarantees })),
      measures: measures.map((m) => ({ type: m.type as MeasureType, developmental: m.developmental, status: m.status as MeasureStatus, endedOn: m.ended_on })),
    }),
    canWritePlan: can(actor, 'plan:write', h.region_code),
  };
}
