import dayjs, { type Dayjs } from 'dayjs';
import type { FormInstance } from 'antd';
import { ApiError, errorPathToName, type FieldError } from './api.ts';

export const HOUSEHOLD_DATE_FIELDS = ['dibaoSince', 'tekunSince', 'relocatedSince', 'disabledHouseholdSince'] as const;

/** Labels of API field names, for error summaries. */
export const FIELD_LABELS: Record<string, string> = {
  regionCode: '负责村', registrationRegionCode: '户籍地', residenceRegionCode: '常住地', responsibilityBasis: '责任认定依据',
  responsibilityReason: '由常住地/迁入地负责的原因', villageGroup: '村民小组', address: '住址', formerlyPoor: '户类型',
  povertyExitYear: '脱贫年度', dibaoSince: '农村低保起始日期', tekunSince: '分散供养特困起始日期', relocatedSince: '易地搬迁日期',
  disabledHouseholdSince: '残疾人家庭认定日期', name: '姓名', idNumber: '身份证号', relation: '与户主关系', sex: '性别',
  birthDate: '出生日期', registration: '户籍类型', urbanGuarantees: '享受城镇低保或职工养老', livesTogether: '共同生活',
  laborAbility: '劳动能力', health: '健康状况', disabilityGrade: '残疾等级', schooling: '在校情况', employment: '务工就业情况',
  phone: '联系电话', bankAccount: '银行账号', supportNote: '赡养抚养情况', version: '版本', members: '家庭成员', household: '农户信息',
};

/** `members[1].idNumber` → 第2名成员 · 身份证号 */
export function describePath(path: string): string {
  if (!path) return '';
  const name = errorPathToName(path);
  const parts: string[] = [];
  for (let i = 0; i < name.length; i++) {
    const p = name[i]!;
    if (p === 'members' && typeof name[i + 1] === 'number') {
      parts.push(`第${(name[i + 1] as number) + 1}名成员`);
      i++;
    } else if (p === 'household' && name.length > 1) continue;
    else parts.push(FIELD_LABELS[String(p)] ?? String(p));
  }
  return parts.join(' · ');
}

/**
 * Puts each server error under its form field (`errors[].path` → antd name path). Returns the
 * errors that match no field on the form, for a summary.
 */
export function applyServerErrors(form: FormInstance, errors: FieldError[], prefix: (string | number)[] = []): FieldError[] {
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const unmatched: FieldError[] = [];
  for (const e of errors) {
    const name = [...prefix, ...errorPathToName(e.path)];
    const key = JSON.stringify(name);
    if (e.path && registered.has(key)) {
      const entry = byField.get(key) ?? { name, errors: [] };
      entry.errors.push(e.message);
      byField.set(key, entry);
    } else unmatched.push(e);
  }
  form.setFields([...byField.values()].map((f) => ({ name: f.name as any, errors: f.errors })));
  return unmatched;
}

/**
 * What a failed submit shows: a 400's errors go under the fields they name (the rest is returned
 * for an alert), any other error is returned as it is.
 */
export function submitProblems(form: FormInstance, e: unknown): FieldError[] {
  if (e instanceof ApiError && e.status === 400) return applyServerErrors(form, e.errors);
  return e instanceof ApiError ? e.errors : [{ path: '', message: String(e) }];
}

export const toIsoDate = (v: unknown): string | null => (v && dayjs.isDayjs(v) ? v.format('YYYY-MM-DD') : null);
export const fromIsoDate = (v: string | null | undefined): Dayjs | null => (v ? dayjs(v) : null);
export const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export interface HouseholdFormValues {
  regionCode?: string;
  villageGroup?: string;
  address?: string;
  formerlyPoor: boolean;
  povertyExitYear?: number | null;
  dibaoSince?: Dayjs | null;
  tekunSince?: Dayjs | null;
  relocatedSince?: Dayjs | null;
  disabledHouseholdSince?: Dayjs | null;
  responsibilityBasis: string;
  responsibilityReason?: string;
}

export function householdPayload(v: HouseholdFormValues) {
  return {
    regionCode: v.regionCode ?? null,
    villageGroup: textOrNull(v.villageGroup),
    address: textOrNull(v.address),
    formerlyPoor: !!v.formerlyPoor,
    povertyExitYear: v.formerlyPoor && v.povertyExitYear ? v.povertyExitYear : null,
    dibaoSince: toIsoDate(v.dibaoSince),
    tekunSince: toIsoDate(v.tekunSince),
    relocatedSince: toIsoDate(v.relocatedSince),
    disabledHouseholdSince: toIsoDate(v.disabledHouseholdSince),
    responsibilityBasis: v.responsibilityBasis ?? 'registration',
    responsibilityReason: v.responsibilityBasis && v.responsibilityBasis !== 'registration' ? textOrNull(v.responsibilityReason) : null,
  };
}

export function householdFormValues(h: {
  regionCode: string; villageGroup: string | null; address: string | null; formerlyPoor: boolean; povertyExitYear: number | null;
  dibaoSince: string | null; tekunSince: string | null; relocatedSince: string | null; disabledHouseholdSince: string | null;
  responsibilityBasis: string; responsibilityReason: string | null;
}): HouseholdFormValues {
  return {
    regionCode: h.regionCode,
    villageGroup: h.villageGroup ?? undefined,
    address: h.address ?? undefined,
    formerlyPoor: h.formerlyPoor,
    povertyExitYear: h.povertyExitYear,
    dibaoSince: fromIsoDate(h.dibaoSince),
    tekunSince: fromIsoDate(h.tekunSince),
    relocatedSince: fromIsoDate(h.relocatedSince),
    disabledHouseholdSince: fromIsoDate(h.disabledHouseholdSince),
    responsibilityBasis: h.responsibilityBasis,
    responsibilityReason: h.responsibilityReason ?? undefined,
  };
}

export interface MemberFormValues {
  name?: string;
  idNumber?: string;
  relation?: string;
  registration: string;
  urbanGuarantees: boolean;
  livesTogether: boolean;
  laborAbility?: string;
  health: string;
  disabilityGrade?: number | null;
  schooling?: string | null;
  employment?: string;
  phone?: string;
  bankAccount?: string;
  supportNote?: string;
}

export const newMember = (relation: string): MemberFormValues => ({
  relation, registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'full', health: 'healthy', schooling: null,
});

export function memberPayload(v: MemberFormValues) {
  return {
    name: textOrNull(v.name),
    idNumber: textOrNull(v.idNumber)?.toUpperCase() ?? null,
    relation: v.relation ?? null,
    registration: v.registration ?? 'rural',
    urbanGuarantees: !!v.urbanGuarantees,
    livesTogether: v.livesTogether !== false,
    laborAbility: v.laborAbility ?? null,
    health: v.health ?? 'healthy',
    disabilityGrade: v.health === 'disabled' ? (v.disabilityGrade ?? null) : null,
    schooling: v.schooling ?? null,
    employment: textOrNull(v.employment),
    phone: textOrNull(v.phone),
    bankAccount: textOrNull(v.bankAccount)?.replace(/\s+/g, '') ?? null,
    supportNote: textOrNull(v.supportNote),
  };
}

/** Birth date and sex as the server will derive them from an ID number (a hint only). */
export function idNumberHint(id: unknown): string | null {
  if (typeof id !== 'string' || !/^\d{17}[\dXx]$/.test(id)) return null;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const d = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== birth) return null;
  return `出生日期 ${birth}，性别 ${Number(id[16]) % 2 === 1 ? '男' : '女'}（由身份证号自动识别）`;
}
