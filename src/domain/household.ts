import { chinaDate } from './clock.ts';
import { idNumberFacts, idNumberProblem } from './id-number.ts';
import { isRegionCode, regionLevel } from './region-code.ts';
import { Check, type FieldError } from './validation.ts';

/** Household registry vocabulary (REG-1…REG-4). */
export const RELATIONS = ['head', 'spouse', 'child', 'child_in_law', 'grandchild', 'parent', 'grandparent', 'sibling', 'other'] as const;
export const RELATION_NAMES: Record<string, string> = {
  head: '户主', spouse: '配偶', child: '子女', child_in_law: '儿媳/女婿', grandchild: '孙子女',
  parent: '父母', grandparent: '祖父母', sibling: '兄弟姐妹', other: '其他',
};
export const REGISTRATIONS = ['rural', 'urban', 'collective'] as const;
export const LABOR_ABILITIES = ['full', 'weak', 'none'] as const;
export const HEALTH_STATES = ['healthy', 'chronic', 'serious', 'disabled'] as const;
export const SCHOOLING = ['none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'college', 'graduated', 'dropout'] as const;
export const RESPONSIBILITY_BASES = ['registration', 'residence', 'relocation'] as const;
export const MONITORING_STATUSES = ['none', 'monitored', 'eliminated'] as const;

export interface MemberInput {
  name: string;
  idNumber: string;
  relation: string;
  sex?: 'male' | 'female';
  birthDate?: string;
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
}

export interface HouseholdInput {
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
  disabledHouseholdSince: string | null;
  fallbackSince: string | null;
  fallbackBasis: string | null;
}

const HOUSEHOLD_FIELDS = [
  'regionCode', 'registrationRegionCode', 'residenceRegionCode', 'responsibilityBasis', 'responsibilityReason',
  'villageGroup', 'address', 'formerlyPoor', 'povertyExitYear', 'dibaoSince', 'tekunSince', 'relocatedSince',
  'disabledHouseholdSince', 'fallbackSince', 'fallbackBasis',
];
/** Q35: scattered 特困, or a whole household without labour on full / top-tier dibao. */
export const FALLBACK_BASES = ['tekun_scattered', 'no_labor_full_dibao'] as const;
const MEMBER_FIELDS = [
  'name', 'idNumber', 'relation', 'sex', 'birthDate', 'registration', 'urbanGuarantees', 'livesTogether',
  'laborAbility', 'health', 'disabilityGrade', 'schooling', 'employment', 'phone', 'bankAccount', 'supportNote',
];

function villageCode(c: Check, path: string, v: unknown, required: boolean): string | null {
  const s = c.string(path, v, { required, max: 12 });
  if (s === null) return null;
  if (!isRegionCode(s)) return c.fail(path, '区划代码应为12位数字'), null;
  if (regionLevel(s) !== 5) return c.fail(path, '应为村级（12位）区划代码'), null;
  return s;
}

/** Validates a household (without members). `partial` accepts a subset for edits. */
export function checkHousehold(c: Check, base: string, raw: unknown, partial = false): Partial<HouseholdInput> {
  const o = c.object(base, raw, HOUSEHOLD_FIELDS.concat(partial ? ['version', 'reason'] : []));
  if (!o) return {};
  const out: Partial<HouseholdInput> = {};
  const has = (k: string) => !partial || k in o;
  const p = (k: string) => (base ? `${base}.${k}` : k);
  if (has('regionCode')) out.regionCode = villageCode(c, p('regionCode'), o.regionCode, true) ?? undefined;
  if (has('registrationRegionCode'))
    out.registrationRegionCode = villageCode(c, p('registrationRegionCode'), o.registrationRegionCode ?? o.regionCode, false) ?? out.regionCode;
  if (has('residenceRegionCode')) out.residenceRegionCode = villageCode(c, p('residenceRegionCode'), o.residenceRegionCode, false);
  if (has('responsibilityBasis'))
    out.responsibilityBasis = c.oneOf(p('responsibilityBasis'), o.responsibilityBasis ?? 'registration', RESPONSIBILITY_BASES) ?? undefined;
  if (has('responsibilityReason')) out.responsibilityReason = c.string(p('responsibilityReason'), o.responsibilityReason, { max: 500 });
  if (out.responsibilityBasis && out.responsibilityBasis !== 'registration' && !out.responsibilityReason && has('responsibilityReason'))
    c.fail(p('responsibilityReason'), '由常住地或迁入地负责时须填写原因（Q19）');
  if (has('villageGroup')) out.villageGroup = c.string(p('villageGroup'), o.villageGroup, { max: 50 });
  if (has('address')) out.address = c.string(p('address'), o.address, { max: 200 });
  if (has('formerlyPoor')) out.formerlyPoor = c.boolean(p('formerlyPoor'), o.formerlyPoor ?? false) ?? false;
  if (has('povertyExitYear')) {
    out.povertyExitYear = c.integer(p('povertyExitYear'), o.povertyExitYear, { min: 2013, max: 2020 });
    if (out.povertyExitYear !== null && out.formerlyPoor === false) c.fail(p('povertyExitYear'), '一般农户不应填写脱贫年度');
  }
  for (const k of ['dibaoSince', 'tekunSince', 'relocatedSince', 'disabledHouseholdSince', 'fallbackSince'] as const)
    if (has(k)) out[k] = c.date(p(k), o[k]);
  if (has('fallbackBasis')) out.fallbackBasis = o.fallbackBasis == null ? null : c.oneOf(p('fallbackBasis'), o.fallbackBasis, FALLBACK_BASES);
  if ((has('fallbackSince') || has('fallbackBasis')) && !partial && !out.fallbackSince !== !out.fallbackBasis)
    c.fail(p('fallbackBasis'), '整户无劳动能力兜底保障户须同时填写认定日期与依据（Q35）');
  return out;
}

export function checkMember(c: Check, base: string, raw: unknown, partial = false): Partial<MemberInput> {
  const o = c.object(base, raw, MEMBER_FIELDS.concat(partial ? ['version', 'reason'] : []));
  if (!o) return {};
  const out: Partial<MemberInput> = {};
  const has = (k: string) => !partial || k in o;
  const p = (k: string) => (base ? `${base}.${k}` : k);
  if (has('name')) out.name = c.string(p('name'), o.name, { required: true, max: 50 }) ?? undefined;
  if (has('idNumber')) {
    const id = c.string(p('idNumber'), o.idNumber, { required: true, max: 18 });
    if (id !== null) {
      const problem = idNumberProblem(id);
      if (problem) c.fail(p('idNumber'), problem);
      else {
        out.idNumber = id.toUpperCase();
        const facts = idNumberFacts(out.idNumber);
        if (facts.birthDate > chinaDate(new Date())) c.fail(p('idNumber'), `身份证号中的出生日期 ${facts.birthDate} 晚于今天`);
        const birth = o.birthDate === undefined || o.birthDate === null ? facts.birthDate : c.date(p('birthDate'), o.birthDate);
        if (birth && birth !== facts.birthDate) c.fail(p('birthDate'), `出生日期与身份证号不一致（身份证号为 ${facts.birthDate}）`);
        const sex = o.sex === undefined || o.sex === null ? facts.sex : c.oneOf(p('sex'), o.sex, ['male', 'female'] as const);
        if (sex && sex !== facts.sex) c.fail(p('sex'), '性别与身份证号不一致');
        out.birthDate = facts.birthDate;
        out.sex = facts.sex;
      }
    }
  }
  if (has('relation')) out.relation = c.oneOf(p('relation'), o.relation, RELATIONS) ?? undefined;
  if (has('registration')) out.registration = c.oneOf(p('registration'), o.registration ?? 'rural', REGISTRATIONS) ?? undefined;
  if (has('urbanGuarantees')) out.urbanGuarantees = c.boolean(p('urbanGuarantees'), o.urbanGuarantees ?? false) ?? false;
  if (has('livesTogether')) out.livesTogether = c.boolean(p('livesTogether'), o.livesTogether ?? true) ?? true;
  if (has('laborAbility')) out.laborAbility = c.oneOf(p('laborAbility'), o.laborAbility, LABOR_ABILITIES) ?? undefined;
  if (has('health')) out.health = c.oneOf(p('health'), o.health ?? 'healthy', HEALTH_STATES) ?? undefined;
  if (has('disabilityGrade')) out.disabilityGrade = c.integer(p('disabilityGrade'), o.disabilityGrade, { min: 1, max: 4 });
  if ((has('health') || has('disabilityGrade')) && out.health !== undefined) {
    if (out.health === 'disabled' && out.disabilityGrade == null) c.fail(p('disabilityGrade'), '残疾人员须填写残疾等级（1-4级）');
    if (out.health !== 'disabled' && out.disabilityGrade != null) c.fail(p('disabilityGrade'), '仅残疾人员填写残疾等级');
  }
  if (has('schooling')) out.schooling = o.schooling == null ? null : c.oneOf(p('schooling'), o.schooling, SCHOOLING);
  if (has('employment')) out.employment = c.string(p('employment'), o.employment, { max: 100 });
  if (has('phone')) {
    out.phone = c.string(p('phone'), o.phone, { max: 20 });
    if (out.phone && !/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(out.phone)) c.fail(p('phone'), '电话号码格式不正确');
  }
  if (has('bankAccount')) {
    out.bankAccount = c.string(p('bankAccount'), o.bankAccount, { max: 30 });
    if (out.bankAccount) {
      out.bankAccount = out.bankAccount.replace(/\s+/g, '');
      if (!/^\d{12,19}$/.test(out.bankAccount)) c.fail(p('bankAccount'), '银行账号应为12-19位数字');
    }
  }
  if (has('supportNote')) out.supportNote = c.string(p('supportNote'), o.supportNote, { max: 1000 });
  return out;
}

export type { FieldError };
