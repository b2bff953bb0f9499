/** API shapes used by the UI (mirrors src/app/** views). */

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

export interface Member {
  id: number;
  householdId: number;
  name: string;
  idNumber: string;
  relation: string;
  sex: 'male' | 'female';
  birthDate: string;
  registration: string;
  urbanGuarantees: boolean;
  livesTogether: boolean;
  laborAbility: string;
  health: string;
  disabilityGrade: number | null;
  schooling: string | null;
  employment: string | null;
  phone: string | null;
  bankAccount: string | null;
  supportNote: string | null;
  version: number;
}

export interface Household {
  id: number;
  countyCode: string;
  regionCode: string;
  registrationRegionCode: string;
  residenceRegionCode: string | null;
  responsibilityBasis: string;
  responsibilityReason: string | null;
  villageGroup: string | null;
  address: string | null;
  formerlyPoor: boolean;
  povertyExitYear: number | null;
  dibaoSince: string | null;
  tekunSince: string | null;
  relocatedSince: string | null;
  fallbackSince: string | null;
  fallbackBasis: string | null;
  disabledHouseholdSince: string | null;
  monitoringStatus: string;
  monitoringCategory: string | null;
  identifiedOn: string | null;
  eliminatedOn: string | null;
  version: number;
}

export interface HouseholdDetail extends Household {
  regionPath: { code: string; name: string; level: number }[];
  members: Member[];
  sensitiveRevealed: boolean;
  canRevealSensitive: boolean;
  canEdit: boolean;
}

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
import type { AssessmentInput, AssessmentResult } from '../../src/policy/types.ts';
import type { IncomeComponents } from '../../src/policy/explain.ts';
export type {
  AssessmentInput, AssessmentResult, EliminationCheck as AssessmentCheck, Reason as AssessmentReason,
} from '../../src/policy/types.ts';

/** GET /households/:id/assessment?explain=true */
export interface AssessmentExplanation {
  /** The contract input the registry built (members are `m<member id>`). */
  input: AssessmentInput;
  result: AssessmentResult;
  /** Window income by type, paid claims and compliant expenditure (yuan), as assess() counted them. */
  components: IncomeComponents;
}
