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
