/**
 * Jianbang's data in the national layout (DAT-4): the cells of one household row and of its
 * member rows, as the viewer may see them (SEC-3), keyed by the spec's fields. The export writes
 * them; the reconciliation compares the national file's cells with the same values, so both
 * directions read one mapping.
 */
import { birthDateView, maskIdNumber, maskPhone, MASKED_HEALTH } from '../../domain/masking.ts';
import { MEASURE_CATALOGUE, type MeasureType } from '../../domain/measures.ts';
import { NATIONAL_HOUSEHOLD_SHEET, NATIONAL_MEMBER_SHEET, riskCell } from '../../domain/sheets/national.ts';
import { exportValue, type ColumnSpec } from '../../domain/sheets/spec.ts';
import type { NationalHouseholdRow, nationalMembers } from '../../store/reconciliation.ts';
import { seesHealthRecord, viewText, type Viewer } from '../privacy.ts';

type MemberRow = Awaited<ReturnType<typeof nationalMembers>>[number];

const split = (s: string | null) => (s ? s.split(',').filter(Boolean) : []);

/** Measure type codes → 帮扶措施 cell (catalogue order, each once). */
export function measureCell(types: Iterable<string>): string {
  const present = new Set(types);
  return (Object.keys(MEASURE_CATALOGUE) as MeasureType[]).filter((t) => present.has(t)).map((t) => MEASURE_CATALOGUE[t].name).join('、');
}

/** The assessment's per-capita income (yuan) with two decimals, or null when none is stored. */
export function incomeValue(text: string | null): number | null {
  if (text === null || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : null;
}

/** Household part: field → value (text, number or date text), sensitive numbers full only for `viewer.identifiers`. */
export function householdCells(h: NationalHouseholdRow, viewer: Viewer): Record<string, string | number | null> {
  const full = viewer.identifiers;
  return {
    province: h.province_name,
    city: h.city_name,
    county: h.county_name,
    township: h.township_name,
    village: h.village_name,
    householdNo: String(h.id),
    headName: h.head_name,
    headIdNumber: h.head_id_number == null ? null : full ? h.head_id_number : maskIdNumber(h.head_id_number),
    size: h.member_count,
    phone: h.head_phone == null ? null : full ? h.head_phone : maskPhone(h.head_phone),
    formerlyPoor: String(h.formerly_poor),
    category: h.monitoring_category,
    identifiedOn: h.identified_on,
    enteredOn: h.entered_on,
    risks: riskCell(split(h.risk_types)),
    eliminated: h.monitoring_status === 'eliminated' ? 'true' : 'false',
    eliminatedOn: h.eliminated_on,
    measures: measureCell(split(h.measure_types)),
    perCapitaIncome: incomeValue(h.per_capita_income),
  };
}

/** Member part: field → value. */
export function memberCells(m: MemberRow, h: NationalHouseholdRow, viewer: Viewer): Record<string, string | number | null> {
  const full = viewer.identifiers;
  const health = seesHealthRecord(viewer);
  const birth = birthDateView(m.birth_date, full);
  return {
    householdNo: String(h.id),
    headIdNumber: h.head_id_number == null ? null : full ? h.head_id_number : maskIdNumber(h.head_id_number),
    name: m.name,
    idNumber: full ? m.id_number : maskIdNumber(m.id_number),
    relation: m.relation,
    sex: m.sex,
    // Masked, the birth date is its year only (the 8 digits the masked ID number hides).
    birthDate: birth.birthDate ?? `${birth.birthYear}年`,
    health: health ? m.health : MASKED_HEALTH,
    disabilityGrade: health ? m.disability_grade : null,
    laborAbility: m.labor_ability,
    schooling: m.schooling,
    employment: viewText(viewer, m.employment),
  };
}

/** A cell as the sheet writes it: enum and boolean labels, '' for nothing. */
export function sheetValue(col: ColumnSpec, v: string | number | null): string | number {
  if (v === null || v === undefined) return '';
  if (col.type === 'boolean') return v === 'true' ? '是' : '否';
  if (col.type === 'enum') return String(exportValue(col, v));
  return v;
}

export const householdRowValues = (h: NationalHouseholdRow, viewer: Viewer) => {
  const cells = householdCells(h, viewer);
  return NATIONAL_HOUSEHOLD_SHEET.columns.map((c) => sheetValue(c, cells[c.field] ?? null));
};

export const memberRowValues = (m: MemberRow, h: NationalHouseholdRow, viewer: Viewer) => {
  const cells = memberCells(m, h, viewer);
  return NATIONAL_MEMBER_SHEET.columns.map((c) => sheetValue(c, cells[c.field] ?? null));
};
