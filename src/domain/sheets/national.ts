/**
 * The national 防止返贫监测对象信息采集表 (DAT-4): the layout the county uploads to the national
 * monitoring system and the national system's export that Jianbang reconciles against. We do not
 * hold the official form file; the columns and their order are reconstructed from the guide
 * (Q2, Q3, Q13, Q15, Q19, Q24, Q45, Q46) and REQUIREMENTS — see docs/data-exchange.md
 * 「全国系统交换（DAT-4）」 for the reading and the field each column maps to.
 *
 * Household part first (户信息: where, who, category, dates, risks, measures, income), then the
 * member part (家庭成员), the way the national form orders them.
 */
import { CATEGORY_NAMES, RISK_NAMES } from '../../policy/labels.ts';
import { CATEGORIES, RISK_TYPES } from '../../policy/types.ts';
import { HEAD_ID_HEADER, HOUSEHOLD_KIND_NAMES, MEMBERS_SHEET } from './registry.ts';
import type { ColumnSpec, SheetSpec } from './spec.ts';

/** Q45: a monitoring object is entered into the national system within 10 days of county approval. */
export const ENTRY_DAYS = 10;

export const NATIONAL_HEADERS = {
  province: '省',
  city: '市',
  county: '县',
  township: '乡（镇）',
  village: '村',
  householdNo: '户编号',
  headName: '户主姓名',
  headId: HEAD_ID_HEADER,
  size: '家庭人口数',
  phone: '联系电话',
  kind: '户类型',
  category: '监测对象类别',
  identifiedOn: '识别（纳入）时间',
  enteredOn: '录入时间',
  risks: '风险类型',
  eliminated: '风险是否消除',
  eliminatedOn: '风险消除时间',
  measures: '帮扶措施',
  income: '家庭年人均纯收入（元）',
} as const;

const H = NATIONAL_HEADERS;

export const NATIONAL_HOUSEHOLD_SHEET: SheetSpec = {
  key: 'national-households',
  name: '监测对象户信息',
  title: '防止返贫监测对象信息采集表（户信息）',
  identity: '以户主身份证号与监帮中的监测对象户对应（比对用盲索引，不解密全部记录）。',
  columns: [
    { header: H.province, field: 'province', type: 'text', required: false, max: 50, example: '江西省', rule: '省级区划名称', width: 10 },
    { header: H.city, field: 'city', type: 'text', required: false, max: 50, example: '赣州市', rule: '市级区划名称', width: 10 },
    { header: H.county, field: 'county', type: 'text', required: true, max: 50, example: '于都县', rule: '县级区划名称；对账时须在本人辖区内', width: 10 },
    { header: H.township, field: 'township', type: 'text', required: false, max: 50, example: '贡江镇', rule: '乡镇名称', width: 12 },
    { header: H.village, field: 'village', type: 'text', required: false, max: 50, example: '长征村', rule: '行政村名称（负责村，Q19）', clause: 'Q19', width: 12 },
    { header: H.householdNo, field: 'householdNo', type: 'text', required: false, max: 40, example: '1024', rule: '户编号：监帮导出时为监帮户编号，全国系统导出时为全国系统户编号（对账不以此匹配）', width: 12 },
    { header: H.headName, field: 'headName', type: 'text', required: true, max: 50, example: '张三', rule: '户主姓名', width: 10 },
    { header: H.headId, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '18位居民身份证号（GB 11643）；对账以此匹配农户', sensitive: 'idNumber', width: 21 },
    { header: H.size, field: 'size', type: 'integer', required: false, example: '4', rule: '共同生活的家庭成员人数（Q15）', clause: 'Q15', width: 8 },
    { header: H.phone, field: 'phone', type: 'text', required: false, max: 20, example: '13800138000', rule: '户主联系电话', sensitive: 'phone', width: 14 },
    { header: H.kind, field: 'formerlyPoor', type: 'enum', required: false, values: ['true', 'false'], labels: HOUSEHOLD_KIND_NAMES, example: '一般农户', rule: '脱贫户或一般农户', clause: 'Q2', width: 10 },
    { header: H.category, field: 'category', type: 'enum', required: true, values: CATEGORIES, labels: CATEGORY_NAMES, example: '边缘易致贫户', rule: '脱贫不稳定户、边缘易致贫户或突发严重困难户', clause: 'Q2、Q3', width: 14 },
    { header: H.identifiedOn, field: 'identifiedOn', type: 'date', required: true, example: '2024-03-05', rule: '常态化识别的以县级批准时间为准；经“绿色通道”纳入的以录入绿色通道的时间为准', clause: 'Q45', width: 14 },
    { header: H.enteredOn, field: 'enteredOn', type: 'date', required: false, example: '2024-03-12', rule: '录入全国防止返贫监测信息系统的日期；应在县级批准后10天内', clause: 'Q45', width: 14 },
    { header: H.risks, field: 'risks', type: 'text', required: false, max: 200, example: '因病、因学', rule: `返贫致贫风险，多项用“、”分隔：${RISK_TYPES.map((t) => RISK_NAMES[t]).join('、')}`, width: 16 },
    { header: H.eliminated, field: 'eliminated', type: 'boolean', required: false, example: '否', rule: '是/否：是否已按程序标注风险消除', clause: 'Q46', width: 10 },
    { header: H.eliminatedOn, field: 'eliminatedOn', type: 'date', required: false, example: '', rule: '县级批准风险消除的日期', clause: 'Q46', width: 14 },
    { header: H.measures, field: 'measures', type: 'text', required: false, max: 500, example: '产业帮扶、公益性岗位', rule: '已落实的帮扶措施，多项用“、”分隔', clause: 'Q24', width: 24 },
    { header: H.income, field: 'perCapitaIncome', type: 'money', required: false, example: '6800.00', rule: '家庭年人均纯收入（元，两位小数），取最近一次评估的结果', clause: 'Q13', width: 14 },
  ],
  notes: [
    '本表按指南与需求还原全国信息采集表的户信息部分（未取得官方模板文件）。',
    '识别时间以县级批准时间为准，批准后10天内完成系统录入（Q45）。',
  ],
};

/** A member column as the registry's member sheet declares it (same codes, labels, sensitivity), renamed where the national form words it so. */
function registryMember(field: string, over: Partial<ColumnSpec> = {}): ColumnSpec {
  const c = MEMBERS_SHEET.columns.find((x) => x.field === field);
  if (!c) throw new Error(`成员表没有字段 ${field}`);
  return { ...c, ...over };
}

export const NATIONAL_MEMBER_SHEET: SheetSpec = {
  key: 'national-members',
  name: '家庭成员信息',
  title: '防止返贫监测对象信息采集表（家庭成员）',
  identity: '以户主身份证号归户，以证件号码识别成员。',
  columns: [
    { header: H.householdNo, field: 'householdNo', type: 'text', required: false, max: 40, example: '1024', rule: '与户信息表的户编号一致', width: 12 },
    { header: H.headId, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '成员所在户的户主身份证号', sensitive: 'idNumber', width: 21 },
    registryMember('name'),
    registryMember('idNumber', { header: '证件号码', rule: '18位居民身份证号（GB 11643）' }),
    registryMember('relation'),
    registryMember('sex', { rule: '与身份证号一致' }),
    registryMember('birthDate', { rule: '与身份证号一致' }),
    registryMember('health', { rule: '健康、长期慢性病、大病或残疾' }),
    registryMember('disabilityGrade'),
    registryMember('laborAbility', { required: false, rule: '劳动技能/劳动能力：有劳动能力、弱劳力/半劳力或无劳动能力', clause: 'Q24' }),
    registryMember('schooling', { header: '在校生状况' }),
    registryMember('employment', { header: '务工状况' }),
  ],
};

export const NATIONAL_SHEETS = [NATIONAL_HOUSEHOLD_SHEET, NATIONAL_MEMBER_SHEET] as const;

const RISK_BY_NAME = new Map<string, string>(RISK_TYPES.map((t) => [RISK_NAMES[t], t]));

/**
 * 风险类型 cell → risk type codes in the fixed order of IDN-3 (so 因学、因病 and 因病、因学 are the
 * same), or the names not recognised. Separators: 、，, ； ; / and spaces.
 */
export function parseRiskNames(text: string): { types: string[] } | { unknown: string[] } {
  const names = text.split(/[、，,；;/\s]+/).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !RISK_BY_NAME.has(n) && !RISK_BY_NAME.has(`因${n}`));
  if (unknown.length) return { unknown };
  const present = new Set(names.map((n) => RISK_BY_NAME.get(n) ?? RISK_BY_NAME.get(`因${n}`)!));
  return { types: RISK_TYPES.filter((t) => present.has(t)) };
}

/** Risk type codes → the 风险类型 cell (IDN-3 order, each once). */
export function riskCell(types: Iterable<string>): string {
  const present = new Set(types);
  return RISK_TYPES.filter((t) => present.has(t)).map((t) => RISK_NAMES[t]).join('、');
}

/** Days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export type EntryCheck =
  | { overdue: false }
  | { overdue: true; days: number; reason: string };

/**
 * Q45: entry into the national system is due within ENTRY_DAYS of the identification date (the
 * county approval; for the green channel the entry into it). Entered late, or not entered while
 * more than ENTRY_DAYS have passed, is overdue.
 */
export function entryCheck(identifiedOn: string | null, enteredOn: string | null, today: string): EntryCheck {
  if (!identifiedOn) return { overdue: false };
  if (enteredOn) {
    const days = daysBetween(identifiedOn, enteredOn);
    return days > ENTRY_DAYS
      ? { overdue: true, days, reason: `识别（纳入）时间 ${identifiedOn}，录入时间 ${enteredOn}，相隔 ${days} 天，超过批准后 ${ENTRY_DAYS} 天内录入的要求（Q45）` }
      : { overdue: false };
  }
  const days = daysBetween(identifiedOn, today);
  return days > ENTRY_DAYS
    ? { overdue: true, days, reason: `识别（纳入）时间 ${identifiedOn}，至今 ${days} 天仍未录入全国系统，超过批准后 ${ENTRY_DAYS} 天内录入的要求（Q45）` }
    : { overdue: false };
}

/** What a reconciliation item says (DAT-4). */
export const RECONCILIATION_KINDS = ['only_in_national', 'only_in_jianbang', 'field_differs', 'entry_overdue'] as const;
export type ReconciliationKind = (typeof RECONCILIATION_KINDS)[number];
export const RECONCILIATION_KIND_NAMES: Record<ReconciliationKind, string> = {
  only_in_national: '仅全国系统有',
  only_in_jianbang: '仅监帮有',
  field_differs: '字段不一致',
  entry_overdue: '录入超期（Q45）',
};
