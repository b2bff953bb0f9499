import { assessOrErrors } from '../../policy/validate.ts';
import { incomeComponents } from '../../policy/explain.ts';
import { isIsoDate } from '../../domain/validation.ts';
import { loadHouseholdBundles } from '../../store/household-bundle.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid, unprocessable } from '../errors.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { registryInput, type RegistryInputOptions } from './registry-input.ts';
import type { HouseholdRow } from '../../store/households.ts';
import type { AssessmentInput, AssessmentResult } from '../../policy/types.ts';
import { birthDateView } from '../../domain/masking.ts';

export interface HouseholdAssessmentQuery {
  asOf?: string;
  kind?: string;
  naturalElimination?: string;
}

/**
 * Assesses a registered household as of a date from its records; stores nothing. Returns the
 * contract result, and the input it was built from so the page can show where figures came from
 * (members' birth dates as years: the ID number beside them is masked, SEC-3).
 */
export async function assessHousehold(db: Db, actor: Actor, id: number, q: HouseholdAssessmentQuery, today: string) {
  authorize(actor, 'assessment:run');
  const h = await loadScopedHousehold(db, actor, id);
  const asOf = q.asOf ?? today;
  const kind = (q.kind ?? 'identification') as 'identification' | 'elimination';
  const errors = [];
  if (!isIsoDate(asOf)) errors.push({ path: 'asOf', message: '日期格式应为 YYYY-MM-DD' });
  if (!['identification', 'elimination'].includes(kind)) errors.push({ path: 'kind', message: '取值应为 identification / elimination 之一' });
  if (errors.length) throw invalid(errors);
  if (kind === 'elimination' && (!h.identified_on || !h.monitoring_category))
    throw unprocessable('kind', '该户不是监测对象，没有识别日期与类别，不能做风险消除评估');
  const { input, result } = await assessRegistered(db, h, { kind, asOf, naturalElimination: q.naturalElimination === 'true' });
  return { input: explainedInput(input), result, components: incomeComponents(input) };
}

/**
 * The contract engine on a household's registry records as of a date (Q7–Q18, Q30–Q37), for the
 * household page and for the assessments cases store.
 */
export async function assessRegistered(db: Db, h: HouseholdRow, o: Omit<RegistryInputOptions, 'monitoringThreshold'>) {
  const [bundle] = await loadHouseholdBundles(db, [h]);
  const input = registryInput(bundle!, o);
  const outcome = assessOrErrors(input);
  // The registry can hold what the contract refuses (e.g. no member counted under Q15/Q17/Q18).
  if (!outcome.ok) throw new AppError(422, outcome.errors);
  return { input, result: outcome.value as AssessmentResult };
}

/** The engine's input as the explanation shows it: every member's birth date reduced to the year. */
function explainedInput(input: AssessmentInput) {
  const members = input.household.members.map(({ birthDate, ...m }) => ({ ...m, ...birthDateView(birthDate, false) }));
  return { ...input, household: { ...input.household, members } };
}
