import { PARAMETERS_USED } from '../../policy/assess.ts';
import { defaultParameters } from '../../policy/parameters.ts';
import { ENGINE_VERSION } from '../../policy/version.ts';
import type { AssessmentResult } from '../../policy/types.ts';
import type { AssessmentSummary, CaseKind } from '../../domain/workflow.ts';
import type { CaseRow } from '../../store/cases.ts';
import type { HouseholdRow } from '../../store/households.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import { assessRegistered } from '../assessment/assess-household.ts';

/** The dated parameter values in force on `asOf`, with their clauses: stored beside each snapshot. */
function parametersUsed(asOf: string) {
  const p = defaultParameters();
  return Object.fromEntries(
    PARAMETERS_USED.map((name) => {
      const e = p.entryAt(name, asOf);
      return [name, e ? { value: e.value, from: e.from, reference: e.reference } : null];
    }),
  );
}

/** Assesses the household from the registry as of `asOf` (the contract engine, Q7–Q18, Q30–Q37). */
export function assessForCase(db: Db, h: HouseholdRow, kind: CaseKind, asOf: string) {
  return assessRegistered(db, h, { kind, asOf });
}

/** Stores the assessment a step relied on, with the engine version and parameters used (PRC-2). */
export async function storeCaseAssessment(
  trx: Tx,
  c: CaseRow,
  stage: 'verification' | 'county_approval',
  asOf: string,
  a: { input: unknown; result: AssessmentResult },
) {
  await trx
    .insertInto('case_assessment')
    .values({
      case_id: c.id,
      county_code: c.county_code,
      stage,
      as_of: asOf,
      engine_version: ENGINE_VERSION,
      parameters: JSON.stringify(parametersUsed(asOf)),
      input: JSON.stringify(a.input),
      result: JSON.stringify(a.result),
    })
    .execute();
}

export function summarise(r: AssessmentResult): AssessmentSummary {
  return {
    recommendation: r.recommendation,
    category: r.category,
    eligible: r.eligible,
    checks: r.checks.map((k) => ({ rule: k.rule, passed: k.passed, clause: k.clause, message: k.message })),
    reasons: r.reasons.map((k) => ({ rule: k.rule, clause: k.clause, message: k.message })),
  };
}
