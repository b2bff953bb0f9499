/**
 * The public assessment contract (`/work/shared/spec/assessment-contract.md`) as types.
 * Code lists are arrays so the validator and the types cannot drift apart.
 */

export const ASSESSMENT_KINDS = ['identification', 'elimination'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

export const REGISTRATIONS = ['rural', 'urban', 'collective'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

export const LABOR_ABILITIES = ['full', 'weak', 'none'] as const;
export type LaborAbility = (typeof LABOR_ABILITIES)[number];

/** Q13: the four kinds of income and the production and operating costs deducted from them. */
export const INCOME_TYPES = ['wage', 'business', 'transfer', 'property', 'business_cost'] as const;
export type IncomeType = (typeof INCOME_TYPES)[number];

/** Q13: household claims, kept apart from income. */
export const CLAIM_TYPES = ['commercial_insurance', 'third_party'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

export const CLAIM_STATUSES = ['paid', 'pending'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Q13: compliant self-paid expenditure (合规自付支出). */
export const COMPLIANT_EXPENSE_TYPES = ['medical_out_of_pocket', 'tuition', 'accommodation', 'disaster', 'accident'] as const;
/** Q13: other medical or education spending is recorded but not counted. */
export const OTHER_EXPENSE_TYPES = ['other_medical', 'other_education', 'other'] as const;
export const EXPENSE_TYPES = [...COMPLIANT_EXPENSE_TYPES, ...OTHER_EXPENSE_TYPES] as const;
export type ExpenseType = (typeof EXPENSE_TYPES)[number];

/** IDN-3 */
export const RISK_TYPES = [
  'illness',
  'disability',
  'education',
  'disaster',
  'accident',
  'employment',
  'industry',
  'labor_shortage',
  'housing_safety',
  'drinking_water',
  'compulsory_education',
  'basic_medical',
  'other',
] as const;
export type RiskType = (typeof RISK_TYPES)[number];

/** Q2, Q3 */
export const CATEGORIES = ['unstable_out_of_poverty', 'marginal_at_risk', 'sudden_severe_hardship'] as const;
export type Category = (typeof CATEGORIES)[number];

export const MEASURE_STATUSES = ['planned', 'implementing', 'implemented', 'ended', 'suspended'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

export interface Member {
  id: string;
  birthDate: string;
  registration: Registration;
  /** Enjoys urban dibao or employee basic pension (Q17, Q18). */
  urbanGuarantees: boolean;
  /** Shares living, income and expenses with the household (Q15). */
  livesTogether: boolean;
  laborAbility: LaborAbility;
}

export interface Income {
  type: IncomeType;
  amount: number;
  /** `YYYY-MM`, inclusive. */
  from: string;
  /** `YYYY-MM`, inclusive, not before `from`. */
  to: string;
  /** The member who earns it; absent = the household's. */
  memberId?: string;
}

export interface Claim {
  type: ClaimType;
  amount: number;
  month: string;
  status: ClaimStatus;
}

export interface Expense {
  type: ExpenseType;
  amount: number;
  month: string;
}

export interface Risk {
  type: RiskType;
  /** The household can resolve it by its own means (Q7, Q16). */
  selfResolvable: boolean;
  /** The risk came with a sharp drop of income (收入大幅缩减, Q3). Default false. */
  incomeDrop?: boolean;
  /** Default false. */
  resolved?: boolean;
}

export interface Measure {
  /** A code from the project's measure catalogue. */
  type: string;
  /** Development-type assistance (开发式帮扶, Q25). */
  developmental: boolean;
  status: MeasureStatus;
  from?: string | null;
  to?: string | null;
}

export interface Household {
  /** 脱贫户; false = 一般农户. */
  formerlyPoor: boolean;
  /** 整户无劳动能力兜底保障户 (Q35). Default false. */
  wholeHouseholdNoLaborFallback?: boolean;
  members: Member[];
  incomes?: Income[];
  claims?: Claim[];
  expenses?: Expense[];
  risks?: Risk[];
}

/** What-if overrides of dated parameters. */
export interface ParameterOverrides {
  monitoringThreshold?: number;
}

interface AssessmentInputBase {
  /** Assessment date `YYYY-MM-DD`; its month is M. */
  asOf: string;
  parameters?: ParameterOverrides;
  household: Household;
}

export interface IdentificationInput extends AssessmentInputBase {
  kind: 'identification';
}

export interface EliminationInput extends AssessmentInputBase {
  kind: 'elimination';
  identifiedOn: string;
  category: Category;
  /** 风险自然消除 (Q32). Default false. */
  naturalElimination?: boolean;
  /** Three guarantees and drinking water confirmed by the departments' standards (Q33). */
  guaranteesSecured: boolean;
  measures?: Measure[];
}

export type AssessmentInput = IdentificationInput | EliminationInput;

/** One step of the explanation: which rule fired, which clause it implements, the figures. */
export interface Reason {
  rule: string;
  clause: string;
  message: string;
}

/** A formula's answer with the reasons it used (OpenFisca-style trace). */
export interface Traced<T> {
  value: T;
  reasons: Reason[];
}

export type Recommendation = 'identify' | 'track' | 'review' | 'exclude';

export const ELIMINATION_CHECKS = [
  'not_fallback_household',
  'minimum_duration',
  'income_above_threshold',
  'risks_resolved',
  'guarantees_secured',
  'substantive_measures',
  'developmental_measure',
] as const;
export type EliminationCheckRule = (typeof ELIMINATION_CHECKS)[number];

export interface EliminationCheck {
  rule: EliminationCheckRule;
  passed: boolean;
  clause: string;
  message: string;
}

export type Flag = 'pending_claim_follow_up';

export interface AssessmentResult {
  kind: AssessmentKind;
  window: { from: string; to: string };
  countedMembers: number;
  netIncome: number;
  perCapitaNetIncome: number;
  compliantExpenditure: number;
  perCapitaIncomeAfterExpenditure: number;
  threshold: number;
  withinRange: boolean;
  /** Identification only; null for elimination. */
  recommendation: Recommendation | null;
  /** Only with `identify`. */
  category: Category | null;
  /** Elimination only; null for identification. */
  eligible: boolean | null;
  /** Elimination only; empty for identification. */
  checks: EliminationCheck[];
  /** Elimination only, `YYYY-MM`. */
  earliestMonth: string | null;
  flags: Flag[];
  warnings: string[];
  reasons: Reason[];
}

export interface ValidationError {
  path: string;
  message: string;
}

/** Input that breaks the contract; `errors` has one entry per bad field. */
export class AssessmentInputError extends Error {
  override name = 'AssessmentInputError';
  readonly errors: ValidationError[];
  constructor(errors: ValidationError[]) {
    super(errors.map((e) => `${e.path || '（根）'}：${e.message}`).join('；'));
    this.errors = errors;
  }
}
