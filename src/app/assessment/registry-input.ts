import type { AssessmentInput, Measure } from '../../policy/types.ts';
import type { AssessedMember } from '../../store/household-bundle.ts';
import type { HouseholdRow } from '../../store/households.ts';

/** The records of one household the assessment reads, as stored. */
export interface HouseholdRecords {
  household: HouseholdRow;
  members: AssessedMember[];
  /** Members who left by a natural decrease (inactive, with `left_on`), REG-5. */
  formerMembers?: AssessedMember[];
  incomes: Record<string, any>[];
  claims: Record<string, any>[];
  expenses: Record<string, any>[];
  risks: Record<string, any>[];
  /** Assistance measures (elimination only reads them). */
  measures?: { type: string; developmental: boolean; status: string; planned_start: string; period_end: string | null }[];
}

export interface RegistryInputOptions {
  kind: 'identification' | 'elimination';
  asOf: string;
  naturalElimination?: boolean;
  /** What-if override of the dated threshold (yuan). */
  monitoringThreshold?: number;
}

const GUARANTEE_RISKS = new Set(['housing_safety', 'drinking_water', 'compulsory_education', 'basic_medical']);
const yuan = (fen: number) => fen / 100;

/**
 * Builds the contract input of one household from the registry (INC-1…3, IDN-3, REG-4).
 * Members are referred to as `m<id>`; an income of a member no longer in the household is left
 * out. For elimination, "three guarantees and drinking water secured" is read as: no
 * unresolved risk of those four types is recorded (docs/policy-engine.md).
 */
export function registryInput(r: HouseholdRecords, o: RegistryInputOptions): AssessmentInput {
  // The household as of `asOf` (REG-5): joined by then (or since registration) and not yet left.
  const members = [...r.members, ...(r.formerMembers ?? [])]
    .filter((m) => (!m.joined_on || m.joined_on <= o.asOf) && (!m.left_on || m.left_on > o.asOf))
    .sort((a, b) => a.id - b.id);
  const memberIds = new Set(members.map((m) => m.id));
  const household: AssessmentInput['household'] = {
    formerlyPoor: r.household.formerly_poor,
    wholeHouseholdNoLaborFallback: !!r.household.fallback_since && r.household.fallback_since <= o.asOf,
    members: members.map((m) => ({
      id: `m${m.id}`,
      birthDate: m.birth_date,
      registration: m.registration as 'rural',
      urbanGuarantees: m.urban_guarantees,
      livesTogether: m.lives_together,
      laborAbility: m.labor_ability as 'full',
    })),
    incomes: r.incomes
      .filter((i) => i.member_id == null || memberIds.has(i.member_id))
      .map((i) => ({
        type: i.type, amount: yuan(i.amount_fen), from: i.from_month, to: i.to_month,
        ...(i.member_id != null ? { memberId: `m${i.member_id}` } : {}),
      })),
    claims: r.claims.map((c) => ({ type: c.type, amount: yuan(c.amount_fen), month: c.month, status: c.status })),
    expenses: r.expenses.map((e) => ({ type: e.type, amount: yuan(e.amount_fen), month: e.month })),
    risks: r.risks
      .filter((k) => !k.found_on || k.found_on <= o.asOf)
      .map((k) => ({
        type: k.type, selfResolvable: k.self_resolvable, incomeDrop: k.income_drop,
        resolved: k.resolved && (!k.resolved_on || k.resolved_on <= o.asOf),
      })),
  };
  const input: AssessmentInput = {
    kind: o.kind,
    asOf: o.asOf,
    ...(o.monitoringThreshold !== undefined ? { parameters: { monitoringThreshold: o.monitoringThreshold } } : {}),
    household,
  } as AssessmentInput;
  if (o.kind === 'elimination') {
    Object.assign(input, {
      identifiedOn: r.household.identified_on,
      category: r.household.monitoring_category,
      naturalElimination: !!o.naturalElimination,
      guaranteesSecured: !household.risks!.some((k) => GUARANTEE_RISKS.has(k.type) && !k.resolved),
      measures: (r.measures ?? []).map((m) => ({
        type: m.type, developmental: m.developmental, status: m.status as Measure['status'], from: m.planned_start.slice(0, 7), to: m.period_end?.slice(0, 7) ?? null,
      })),
    });
  }
  return input;
}
