import { birthDateView, maskBankAccount, maskIdNumber, maskPhone, MASKED_HEALTH } from '../../domain/masking.ts';
import type { HouseholdInput } from '../../domain/household.ts';
import type { HouseholdRow, MemberRow } from '../../store/households.ts';
import { NOBODY, seesHealthRecord, viewText, type Viewer } from '../privacy.ts';

/**
 * API shapes of the registry. Sensitive fields are masked here, on the server, as the viewer
 * may see them (SEC-3): the birth date with the ID number (its 8 hidden digits), free text by
 * the same rules.
 */
export function memberView(m: MemberRow, viewer: Viewer) {
  const reveal = viewer.identifiers;
  return {
    id: m.id,
    householdId: m.household_id,
    name: m.name,
    idNumber: reveal ? m.id_number : maskIdNumber(m.id_number),
    relation: m.relation,
    sex: m.sex,
    ...birthDateView(m.birth_date, reveal),
    registration: m.registration,
    urbanGuarantees: m.urban_guarantees,
    livesTogether: m.lives_together,
    laborAbility: m.labor_ability,
    health: seesHealthRecord(viewer) ? m.health : MASKED_HEALTH,
    disabilityGrade: seesHealthRecord(viewer) ? m.disability_grade : null,
    schooling: m.schooling,
    employment: m.employment,
    phone: m.phone == null ? null : reveal ? m.phone : maskPhone(m.phone),
    bankAccount: m.bank_account == null ? null : reveal ? m.bank_account : maskBankAccount(m.bank_account),
    supportNote: viewText(viewer, m.support_note),
    version: m.version,
  };
}

export function householdView(h: HouseholdRow, viewer: Viewer) {
  return {
    id: h.id,
    countyCode: h.county_code,
    regionCode: h.region_code,
    registrationRegionCode: h.registration_region_code,
    residenceRegionCode: h.residence_region_code,
    responsibilityBasis: h.responsibility_basis,
    responsibilityReason: viewText(viewer, h.responsibility_reason),
    villageGroup: viewText(viewer, h.village_group),
    address: viewText(viewer, h.address),
    formerlyPoor: h.formerly_poor,
    povertyExitYear: h.poverty_exit_year,
    dibaoSince: h.dibao_since,
    tekunSince: h.tekun_since,
    relocatedSince: h.relocated_since,
    fallbackSince: h.fallback_since,
    fallbackBasis: h.fallback_basis,
    disabledHouseholdSince: h.disabled_household_since,
    monitoringStatus: h.monitoring_status,
    monitoringCategory: h.monitoring_category,
    identifiedOn: h.identified_on,
    eliminatedOn: h.eliminated_on,
    version: h.version,
  };
}

/** What an audit entry keeps of a member: masked, so the audit log is no copy of sensitive data. */
export const memberAuditView = (m: MemberRow) => memberView(m, NOBODY);
/** What an audit entry keeps of a household: its free text masked likewise. */
export const householdAuditView = (h: HouseholdRow) => householdView(h, NOBODY);

/** Column names (camelCase API) → table columns, for the fields a household edit may set. */
export const HOUSEHOLD_COLUMNS = {
  regionCode: 'region_code', registrationRegionCode: 'registration_region_code', residenceRegionCode: 'residence_region_code',
  responsibilityBasis: 'responsibility_basis', responsibilityReason: 'responsibility_reason', villageGroup: 'village_group',
  address: 'address', formerlyPoor: 'formerly_poor', povertyExitYear: 'poverty_exit_year', dibaoSince: 'dibao_since',
  tekunSince: 'tekun_since', relocatedSince: 'relocated_since', disabledHouseholdSince: 'disabled_household_since',
  fallbackSince: 'fallback_since', fallbackBasis: 'fallback_basis',
} as const;

export const MEMBER_COLUMNS = {
  name: 'name', idNumber: 'id_number', relation: 'relation', sex: 'sex', birthDate: 'birth_date', registration: 'registration',
  urbanGuarantees: 'urban_guarantees', livesTogether: 'lives_together', laborAbility: 'labor_ability', health: 'health',
  disabilityGrade: 'disability_grade', schooling: 'schooling', employment: 'employment', phone: 'phone',
  bankAccount: 'bank_account', supportNote: 'support_note',
} as const;

export function toColumns<M extends Record<string, string>>(input: Record<string, unknown>, map: M): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(map)) if (input[k] !== undefined) out[col] = input[k];
  return out;
}

/** A new household's columns: what the input leaves out takes the form's default. */
export function newHouseholdColumns(h: Partial<HouseholdInput>): Record<string, unknown> {
  return {
    region_code: h.regionCode,
    registration_region_code: h.registrationRegionCode ?? h.regionCode,
    residence_region_code: h.residenceRegionCode ?? null,
    responsibility_basis: h.responsibilityBasis ?? 'registration',
    responsibility_reason: h.responsibilityReason ?? null,
    village_group: h.villageGroup ?? null,
    address: h.address ?? null,
    formerly_poor: h.formerlyPoor ?? false,
    poverty_exit_year: h.povertyExitYear ?? null,
    dibao_since: h.dibaoSince ?? null,
    tekun_since: h.tekunSince ?? null,
    relocated_since: h.relocatedSince ?? null,
    disabled_household_since: h.disabledHouseholdSince ?? null,
    fallback_since: h.fallbackSince ?? null,
    fallback_basis: h.fallbackBasis ?? null,
  };
}
