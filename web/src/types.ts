/** API shapes used by the UI (mirrors src/app/** views; the server's own types where they exist). */
import type { getHousehold } from '../../src/app/households/get-household.ts';
import type { householdView, memberView } from '../../src/app/households/views.ts';
import type { assessHousehold } from '../../src/app/assessment/assess-household.ts';

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: string;
  roleName: string;
  departmentKind: string | null;
  departmentKindName: string | null;
  regionCode: string;
  regionName: string | null;
  regionLevel: number | null;
  mustChangePassword: boolean;
}

export interface RegionNode {
  code: string;
  name: string;
  level: number;
  hasChildren: boolean;
}

export interface HouseholdListItem {
  id: number;
  regionCode: string;
  regionName: string;
  villageGroup: string | null;
  headName: string | null;
  headIdNumber: string | null;
  memberCount: number;
  formerlyPoor: boolean;
  monitoringStatus: string;
  monitoringCategory: string | null;
  identifiedOn: string | null;
  dibao: boolean;
  tekun: boolean;
  version: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The registry's views, as the server builds them (src/app/households/views.ts). Masked fields
 * come masked: `birthDate` is null beside a masked ID number (`birthYear` is always given).
 */
export type Member = ReturnType<typeof memberView>;
export type Household = ReturnType<typeof householdView>;
export type HouseholdDetail = Awaited<ReturnType<typeof getHousehold>>;

/** One stored record of a household (src/domain/household-records.ts `recordView`); amounts in yuan. */
interface RecordBase {
  id: number;
  type: string;
  note: string | null;
  version: number;
  voided: boolean;
  voidReason: string | null;
}

export interface IncomeRecord extends RecordBase {
  amount: number;
  from: string;
  to: string;
  memberId: number | null;
}

export interface ClaimRecord extends RecordBase {
  amount: number;
  month: string;
  status: string;
}

export interface ExpenseRecord extends RecordBase {
  amount: number;
  month: string;
}

export interface RiskRecord extends RecordBase {
  selfResolvable: boolean;
  incomeDrop: boolean;
  resolved: boolean;
  foundOn: string | null;
  resolvedOn: string | null;
}

/** GET /households/:id/records (voided records included, flagged). */
export interface HouseholdRecords {
  incomes: IncomeRecord[];
  claims: ClaimRecord[];
  expenses: ExpenseRecord[];
  risks: RiskRecord[];
}
export type RecordKind = keyof HouseholdRecords;
export type AnyRecord = IncomeRecord | ClaimRecord | ExpenseRecord | RiskRecord;

/** The assessment contract (/work/shared/spec/assessment-contract.md): the engine's own types. */
export type {
  AssessmentInput, AssessmentResult, EliminationCheck as AssessmentCheck, Reason as AssessmentReason,
} from '../../src/policy/types.ts';

/**
 * GET /households/:id/assessment?explain=true: the contract input the registry built (members are
 * `m<member id>`, birth dates as years), the result, and the window's income by type, paid claims
 * and compliant expenditure (yuan) as assess() counted them.
 */
export type AssessmentExplanation = Awaited<ReturnType<typeof assessHousehold>>;
