/**
 * assess(): one household, one date → identify it as a monitoring object or not, or may its
 * risk be eliminated. Pure: no I/O, parameters come in as an argument. The computation follows
 * the contract's steps; each step is a named formula in its own module.
 */
import { monthIndex } from './calendar.ts';
import { eliminationDecision } from './elimination.ts';
import { countedMembers, NO_COUNTED_MEMBER_MESSAGE } from './household.ts';
import { identificationDecision, withinRange } from './identification.ts';
import { compliantExpenditure, incomeWindow, netIncome, paidClaims, pendingClaimFollowUp, windowLabel } from './income.ts';
import { fenToYuan } from './money.ts';
import { defaultParameters, type ParameterName, type ParameterSet } from './parameters.ts';
import { hasThresholdOn, missingThresholdMessage, monitoringThreshold, thresholdWarnings } from './threshold.ts';
import {
  AssessmentInputError,
  type AssessmentInput,
  type AssessmentResult,
  type Category,
  type EliminationCheck,
  type Flag,
  type Reason,
  type Recommendation,
} from './types.ts';

const NONE: readonly never[] = [];

/** Parameters assess() reads on the assessment date (the threshold may be overridden instead). */
export const PARAMETERS_USED: readonly ParameterName[] = [
  'monitoring_threshold',
  'monitoring_threshold_deadline',
  'income_window_months',
  'income_stability_months',
  'elimination_min_assistance_months',
  'elimination_natural_min_months',
];

/**
 * Assesses a validated input (see `validateAssessmentInput`). Throws `AssessmentInputError` for
 * the contract's input errors it meets (no counted member, no threshold on the date).
 */
export function assess(input: AssessmentInput, parameters: ParameterSet = defaultParameters()): AssessmentResult {
  const { asOf, household } = input;
  const assessmentMonth = monthIndex(asOf);

  // 1. Counted members (Q15, Q17, Q18)
  const members = countedMembers(household.members);
  const count = members.value.count;
  if (count === 0) {
    throw new AssessmentInputError([{ path: 'household.members', message: NO_COUNTED_MEMBER_MESSAGE }]);
  }

  // 2. Window (Q10, INC-4), and for elimination the recent half-year (Q32)
  const window = incomeWindow(assessmentMonth, parameters.valueAt('income_window_months', asOf));
  const elimination = input.kind === 'elimination';
  const recent = elimination ? incomeWindow(assessmentMonth, parameters.valueAt('income_stability_months', asOf)) : null;

  // 3–5. Pro-rated net income, paid claims and compliant expenditure (Q13, Q14, INC-1…INC-4)
  const incomes = household.incomes ?? NONE;
  const claims = household.claims ?? NONE;
  const net = netIncome(incomes, members.value.uncountedIds, window, recent);
  const expenditure = compliantExpenditure(household.expenses ?? NONE, window);
  const afterExpenditure = net.window.copy().addExact(paidClaims(claims, window)).addExact(expenditure, -1);
  const perCapitaNetIncomeFen = net.window.roundedFen(count);
  const perCapitaIncomeAfterExpenditureFen = afterExpenditure.roundedFen(count);

  // 6–7. Threshold (Q10, INC-5) and the range
  if (!hasThresholdOn(asOf, input.parameters, parameters)) {
    throw new AssessmentInputError([{ path: 'asOf', message: missingThresholdMessage(parameters) }]);
  }
  const threshold = monitoringThreshold(asOf, input.parameters, parameters);
  const thresholdFen = threshold.value;
  const overridden = input.parameters?.monitoringThreshold !== undefined;
  const within = withinRange(perCapitaNetIncomeFen, thresholdFen);

  const pending = pendingClaimFollowUp(claims);
  const flags: Flag[] = pending.value ? ['pending_claim_follow_up'] : [];

  let recommendation: Recommendation | null = null;
  let category: Category | null = null;
  let eligible: boolean | null = null;
  let checks: EliminationCheck[] = [];
  let earliestMonth: string | null = null;
  let decisionReasons: Reason[];

  if (input.kind === 'identification') {
    const decision = identificationDecision({
      formerlyPoor: household.formerlyPoor,
      risks: household.risks ?? NONE,
      perCapitaNetIncomeFen,
      perCapitaIncomeAfterExpenditureFen,
      thresholdFen,
      withinRange: within,
    });
    recommendation = decision.value.recommendation;
    category = decision.value.category;
    decisionReasons = decision.reasons;
  } else {
    const decision = eliminationDecision({
      assessmentMonth,
      identifiedMonth: monthIndex(input.identifiedOn),
      naturalElimination: input.naturalElimination === true,
      wholeHouseholdNoLaborFallback: household.wholeHouseholdNoLaborFallback === true,
      guaranteesSecured: input.guaranteesSecured,
      risks: household.risks ?? NONE,
      measures: input.measures ?? NONE,
      anyFullLabor: members.value.anyFullLabor,
      window,
      perCapitaNetIncomeFen,
      recent: recent!,
      recentPerCapitaNetIncomeFen: net.recent!.roundedFen(count),
      thresholdFen,
      minAssistanceMonths: parameters.valueAt('elimination_min_assistance_months', asOf),
      naturalMinMonths: parameters.valueAt('elimination_natural_min_months', asOf),
    });
    eligible = decision.value.eligible;
    checks = decision.value.checks;
    earliestMonth = decision.value.earliestMonth;
    decisionReasons = decision.reasons;
  }

  // The decision first; then the facts behind the figures that a reader would otherwise miss.
  const reasons =
    threshold.reasons.length + members.reasons.length + pending.reasons.length === 0
      ? decisionReasons
      : [...decisionReasons, ...threshold.reasons, ...members.reasons, ...pending.reasons];

  // Key order is the contract's output example.
  return {
    kind: input.kind,
    window: windowLabel(window),
    countedMembers: count,
    netIncome: fenToYuan(net.window.roundedFen()),
    perCapitaNetIncome: fenToYuan(perCapitaNetIncomeFen),
    compliantExpenditure: fenToYuan(expenditure.roundedFen()),
    perCapitaIncomeAfterExpenditure: fenToYuan(perCapitaIncomeAfterExpenditureFen),
    threshold: fenToYuan(thresholdFen),
    withinRange: within,
    recommendation,
    category,
    eligible,
    checks,
    earliestMonth,
    flags,
    warnings: thresholdWarnings(asOf, thresholdFen, overridden, parameters),
    reasons,
  };
}
