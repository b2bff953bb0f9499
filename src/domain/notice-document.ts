/**
 * Printable village notices (村内公示) and county announcements (县级公告) of monitoring-object
 * identification and risk elimination (PRC-4, PRC-5, PRC-8, ELM-4; guide Q41, Q42, Q46, Q47).
 *
 * A document is built by the caller from the case records and carries only what may be made
 * public: the head's name, village group, category, household size and dates. It has no field
 * for ID numbers, phone numbers, bank accounts, health or income (Q47). As defence in depth,
 * `assertPublishable` refuses a document when any of its text (a name, a group, the contact…)
 * carries something that looks like such data, and `composeNotice` checks its own output again.
 *
 * The Chinese text of the document is written here once; the HTML and XLSX renderers only lay
 * out the `NoticeContent` this module composes. Pure code: no database, no clock.
 */
import { CATEGORY_NAMES } from '../policy/labels.ts';
import { isValidDate } from '../policy/calendar.ts';
import { valueAt } from '../policy/parameters.ts';
import { CATEGORIES } from '../policy/types.ts';
import type { FieldError } from './validation.ts';
import { daysBetween } from './deadlines.ts';
import { maskedMatch, scanSensitive, type SensitiveKind, type SensitiveMatch } from './free-text.ts';

export type NoticeCategory = 'unstable_out_of_poverty' | 'marginal_at_risk' | 'sudden_severe_hardship';

export interface NoticeEntry {
  headName: string;
  villageGroup: string | null;
  category: NoticeCategory | null;
  formerlyPoor: boolean;
  memberCount: number;
  /**
   * The day the case began: for identification the day the risk lead was found (application,
   * cadre screening or department warning, Q42); for elimination the day the check began.
   */
  leadOn?: string | null;
  /**
   * The day of the decision the document makes public: the democratic appraisal for a village
   * notice; the county approval for an announcement (= identification date, Q45).
   */
  decidedOn?: string | null;
  /** Township and village (e.g. "贡江镇 长征村"), for a county announcement listing several villages. */
  villageName?: string | null;
}

export interface NoticeDocument {
  type: 'village_notice' | 'county_announcement'; // 村内公示 / 县级公告
  caseKind: 'identification' | 'elimination'; // 监测对象识别 / 风险消除
  /** Village full name for a notice ("于都县 贡江镇 某某村"), county for an announcement. */
  regionName: string;
  /** e.g. "某某村村民委员会" / "于都县防止返贫监测帮扶工作领导小组". */
  issuer: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** Notice period, both days included (at least 5 days, Q42); null for an announcement. */
  period: { startOn: string; endOn: string } | null;
  entries: NoticeEntry[];
  /** Where objections go: an office line such as "0797-6221234", or 12317. Never a mobile number. */
  objectionContact: { unit: string; phone: string; address?: string | null };
}

// ---------------------------------------------------------------------------------------------
// Sensitive data (Q47): the scanner is shared with the redaction of free text (free-text.ts).

export { findSensitive, HEALTH_WORDS, scanSensitive, type SensitiveKind, type SensitiveMatch } from './free-text.ts';

export const SENSITIVE_KIND_NAMES: Record<SensitiveKind, string> = {
  id_number: '身份证号码',
  mobile: '手机号码',
  bank_account: '银行账号（12位以上数字）',
  health: '健康状况用语',
};

/**
 * What an error may show of a match: digits masked as elsewhere (SEC-3); a health word only by
 * where it stands, since whoever prints (any role that reads cases) may not be one that sees health.
 */
const shown = (m: SensitiveMatch) =>
  `${SENSITIVE_KIND_NAMES[m.kind]}${m.kind === 'health' ? `（第${[...m.text].length > 1 ? `${m.index + 1}–${m.index + m.text.length}` : m.index + 1}字）` : `“${maskedMatch(m)}”`}`;

// ---------------------------------------------------------------------------------------------
// Validation

/** A document that must not be published; `errors` name each field by JSON path, in Chinese. */
export class NoticeDocumentError extends Error {
  override name = 'NoticeDocumentError';
  constructor(readonly errors: FieldError[]) {
    super(`公示公告不能生成：${errors.map((e) => `${e.path}：${e.message}`).join('；')}`);
  }
}

const FIELD_NAMES: Record<string, string> = {
  type: '文书类型', caseKind: '事项', regionName: '地区名称', issuer: '发布单位', issuedOn: '发布日期',
  period: '公示期', 'period.startOn': '公示开始日期', 'period.endOn': '公示结束日期', entries: '名单',
  'objectionContact.unit': '异议受理单位', 'objectionContact.phone': '异议受理电话', 'objectionContact.address': '异议受理地址',
  headName: '户主姓名', villageGroup: '村民小组', villageName: '所在村', category: '监测类别', formerlyPoor: '户类型',
  memberCount: '家庭人口', leadOn: '发现风险日期', decidedOn: '决定日期',
};

/** "entries[2].headName" → "第3户户主姓名"; a path not listed is named as it is. */
function fieldName(path: string): string {
  const entry = /^entries\[(\d+)\]\.(.+)$/.exec(path);
  if (entry) return `第${Number(entry[1]) + 1}户${FIELD_NAMES[entry[2]!] ?? entry[2]}`;
  return FIELD_NAMES[path] ?? path;
}

/** Every string and number of the value, with its JSON path, including fields the type does not declare. */
function* leaves(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (typeof value === 'number' || typeof value === 'bigint') yield [path, String(value)];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* leaves(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* leaves(v, path ? `${path}.${k}` : k);
}

function sensitiveErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  for (const [path, text] of leaves(value, '')) {
    const found = scanSensitive(text);
    if (found.length)
      errors.push({
        path,
        message: `${fieldName(path)}含有${found.map(shown).join('、')}，公示公告不得公开身份证件号码、手机号、银行账号、健康状况等敏感信息`,
      });
  }
  return errors;
}

/** Days of a period with both ends included. */
export const periodDays = (p: { startOn: string; endOn: string }) => daysBetween(p.startOn, p.endOn) + 1;

function structureErrors(doc: NoticeDocument): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message: `${fieldName(path)}${message}` });
  const text = (path: string, v: unknown) => {
    if (typeof v !== 'string' || !v.trim()) fail(path, '必填');
  };
  const date = (path: string, v: unknown, required: boolean) => {
    if (v == null || v === '') return required ? fail(path, '必填') : undefined;
    if (typeof v !== 'string' || !isValidDate(v)) fail(path, '应为有效日期（YYYY-MM-DD）');
  };
  if (doc.type !== 'village_notice' && doc.type !== 'county_announcement') fail('type', '应为 village_notice 或 county_announcement');
  if (doc.caseKind !== 'identification' && doc.caseKind !== 'elimination') fail('caseKind', '应为 identification 或 elimination');
  text('regionName', doc.regionName);
  text('issuer', doc.issuer);
  date('issuedOn', doc.issuedOn, true);
  text('objectionContact.unit', doc.objectionContact?.unit);
  text('objectionContact.phone', doc.objectionContact?.phone);
  if (doc.type === 'village_notice') {
    if (!doc.period) fail('period', '必填：村内公示须写明公示期（Q42）');
    else {
      date('period.startOn', doc.period.startOn, true);
      date('period.endOn', doc.period.endOn, true);
      if (isValidDate(doc.period.startOn) && isValidDate(doc.period.endOn)) {
        const min = valueAt('village_notice_min_days', doc.period.startOn);
        if (periodDays(doc.period) < min) fail('period', `不少于${min}天（含首尾两日，Q42），现为${periodDays(doc.period)}天`);
      }
    }
  } else if (doc.type === 'county_announcement' && doc.period != null)
    fail('period', '应为空：公示只在村内开展一次，县级公告不再设公示期（Q41）');
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) fail('entries', '不能为空');
  else
    doc.entries.forEach((e, i) => {
      const p = `entries[${i}]`;
      text(`${p}.headName`, e.headName);
      if (e.category != null && !(CATEGORIES as readonly string[]).includes(e.category)) fail(`${p}.category`, `取值应为 ${CATEGORIES.join(' / ')} 之一`);
      if (doc.caseKind === 'identification' && e.category == null) fail(`${p}.category`, '必填：识别监测对象须确定监测类别');
      if (typeof e.formerlyPoor !== 'boolean') fail(`${p}.formerlyPoor`, '应为 true 或 false');
      if (!Number.isInteger(e.memberCount) || e.memberCount < 1) fail(`${p}.memberCount`, '应为正整数');
      date(`${p}.leadOn`, e.leadOn, false);
      date(`${p}.decidedOn`, e.decidedOn, false);
    });
  return errors;
}

/**
 * Throws `NoticeDocumentError` (Chinese, naming each field) when the document is incomplete or
 * any of its text or numbers, declared fields or not, carries an ID number, a mobile number, a
 * bank account or a health word (Q47): e.g. a head's name holding an ID number, or a contact
 * phone that is a mobile number.
 */
export function assertPublishable(doc: NoticeDocument): void {
  const errors = [...structureErrors(doc), ...sensitiveErrors(doc)];
  if (errors.length) throw new NoticeDocumentError(errors);
}

// ---------------------------------------------------------------------------------------------
// The text of the document

export interface NoticeContent {
  /** e.g. "防止返贫监测对象识别公示". */
  title: string;
  regionName: string;
  paragraphs: string[];
  columns: string[];
  /** One row an entry; 序号 and 家庭人口 are numbers. */
  rows: (string | number)[][];
  /** e.g. "合计：12户，41人". */
  total: string;
  issuer: string;
  /** e.g. "2023年5月1日". */
  issuedOn: string;
}

/** "2023-05-01" → "2023年5月1日". */
export const chineseDate = (iso: string) => `${+iso.slice(0, 4)}年${+iso.slice(5, 7)}月${+iso.slice(8, 10)}日`;

const TITLES = {
  village_notice: { identification: '防止返贫监测对象识别公示', elimination: '防止返贫监测对象风险消除公示' },
  county_announcement: { identification: '防止返贫监测对象识别公告', elimination: '防止返贫监测对象风险消除公告' },
} as const;

export const noticeTitle = (doc: Pick<NoticeDocument, 'type' | 'caseKind'>) => TITLES[doc.type][doc.caseKind];

function paragraphs(doc: NoticeDocument, households: string): string[] {
  const c = doc.objectionContact;
  const contact = `${c.unit}反映，联系电话：${c.phone}${c.address ? `，地址：${c.address}` : ''}。`;
  const basis = '根据防止返贫动态监测和帮扶工作有关规定，';
  if (doc.type === 'village_notice') {
    const p = doc.period!;
    return [
      doc.caseKind === 'identification'
        ? `${basis}经农户申报、干部排查或部门预警发现风险线索，并经乡村入户核实、农户授权承诺和民主评议，拟将以下${households}识别为防止返贫监测对象，现予以公示。`
        : `${basis}经乡村入户核实和民主评议，以下${households}返贫致贫风险已稳定消除，拟标注为风险消除，现予以公示。`,
      `公示期：${chineseDate(p.startOn)}至${chineseDate(p.endOn)}（共${periodDays(p)}天）。`,
      '本公示只在本村内开展一次，乡（镇）、县不再重复公示。公示期满无异议的，报县级审核批准后予以公告。',
      `公示期内如有异议，请向${contact}`,
    ];
  }
  return [
    doc.caseKind === 'identification'
      ? `${basis}经乡村入户核实、农户授权承诺、民主评议和村内公示，并经县级审核批准，以下${households}识别为防止返贫监测对象，现予以公告。`
      : `${basis}经乡村入户核实、民主评议和村内公示，并经县级审核批准，以下${households}标注为风险消除，现予以公告。`,
    '以上农户已在所在村公示，公示期满无异议。公示只在村内开展一次，乡（镇）、县不再重复公示。',
    ...(doc.caseKind === 'elimination' ? ['标注风险消除后仍继续跟踪监测，如再次出现返贫致贫风险，将按程序重新识别为监测对象。'] : []),
    `如对公告内容有异议，请向${contact}`,
  ];
}

function dateColumns(doc: NoticeDocument): { key: 'leadOn' | 'decidedOn'; label: string }[] {
  const decided = doc.type === 'village_notice' ? '民主评议日期' : doc.caseKind === 'identification' ? '认定日期' : '风险消除日期';
  const cols = [
    { key: 'leadOn' as const, label: doc.caseKind === 'identification' ? '发现风险日期' : '启动核实日期' },
    { key: 'decidedOn' as const, label: decided },
  ];
  return cols.filter((c) => doc.entries.some((e) => e[c.key]));
}

/**
 * The whole text of the document, laid out by the renderers. Asserts the document publishable,
 * then checks the composed text itself with `findSensitive` so no wording of ours can leak either.
 */
export function composeNotice(doc: NoticeDocument): NoticeContent {
  assertPublishable(doc);
  const people = doc.entries.reduce((n, e) => n + e.memberCount, 0);
  const withVillage = doc.entries.some((e) => e.villageName);
  const dates = dateColumns(doc);
  const dash = (v: string | null | undefined) => (v ? v : '—');
  const content: NoticeContent = {
    title: noticeTitle(doc),
    regionName: doc.regionName,
    paragraphs: paragraphs(doc, `${doc.entries.length}户${people}人`),
    columns: ['序号', '户主姓名', ...(withVillage ? ['所在村'] : []), '村民小组', '户类型', '监测类别', '家庭人口', ...dates.map((d) => d.label)],
    rows: doc.entries.map((e, i) => [
      i + 1,
      e.headName,
      ...(withVillage ? [dash(e.villageName)] : []),
      dash(e.villageGroup),
      e.formerlyPoor ? '脱贫户' : '一般农户',
      e.category ? CATEGORY_NAMES[e.category] : '—',
      e.memberCount,
      ...dates.map((d) => dash(e[d.key])),
    ]),
    total: `合计：${doc.entries.length}户，${people}人`,
    issuer: doc.issuer,
    issuedOn: chineseDate(doc.issuedOn),
  };
  const leaked = sensitiveErrors(content);
  if (leaked.length) throw new NoticeDocumentError(leaked);
  return content;
}
