/**
 * Personal data inside free text (SEC-3, Q47): one scanner for the numbers and words that
 * identify a person or state their health, used both to refuse a public notice
 * (`notice-document.ts`) and to redact what a role may not see in notes, findings and reasons
 * (`redactText`, views through `src/app/privacy.ts`). Pure code.
 *
 * Numbers are found however they are typed: ASCII, full-width, circled (①…⑳, ⓪, ❶…), parenthesised
 * (⑴…), any other Unicode decimal digit, Chinese numerals (一三九…), and split into groups by
 * spaces, dots, hyphens or middle dots (`3607.3119.8001.0112.34`, `139 1234 5678`). Dates,
 * office lines (0797-6221234), 12317 and small counts are not matched.
 */
import { maskBankAccount, maskIdNumber, maskPhone, MASKED_HEALTH } from './masking.ts';

export type SensitiveKind = 'id_number' | 'mobile' | 'bank_account' | 'health';

export interface SensitiveMatch {
  kind: SensitiveKind;
  /** The text as it stands in the input. */
  text: string;
  /** UTF-16 offset of `text` in the input. */
  index: number;
  /** Numbers only: the digits (and a final X) without separators, in ASCII. */
  digits?: string;
}

/**
 * Words that state or imply a person's health or disability. Compounds such as 残疾 and 慢性病
 * are listed so they are reported whole. A single character is listed only where it is (nearly)
 * never part of a personal name or of ordinary wording (病, 患, 癌, 残, 瘫, 盲, 聋, 哑, 症);
 * otherwise only the compound is listed (精神 but not 精, 智力 but not 智, 健康状况 but not 健康,
 * which is a given name). 残 also covers 伤残, 残障 and 一级残; 病 covers 大病, 糖尿病 and
 * 白血病; 症 covers 尿毒症. Illnesses whose name holds none of these are listed by name.
 */
export const HEALTH_WORDS: readonly string[] = [
  // state of health in general
  '健康状况', '身体状况', '疾病', '疾患', '重病', '慢性病', '病', '患', '癌', '肿瘤', '症', '痴呆', '抑郁',
  // illnesses by name (those the single characters above do not catch)
  '乙肝', '丙肝', '肝炎', '肝硬化', '高血压', '糖尿病', '尿毒症', '白血病', '肺结核', '结核', '脑梗', '脑出血', '脑溢血',
  '中风', '心梗', '心衰', '肾衰', '偏瘫', '精神分裂', '癫痫', '帕金森', '阿尔茨海默', '艾滋', 'HIV', 'AIDS', '哮喘', '肺气肿',
  '风湿', '红斑狼疮', '白内障', '青光眼', '贫血', '甲亢', '骨折', '截肢', '植物人', '失智', '唐氏', '孤独症', '自闭',
  // disability, its kinds and grades (残疾等级)
  '残疾', '残', '失能', '失明', '失聪', '瘫', '盲', '聋', '哑', '智障', '障碍',
  '精神', '智力', '肢体', '视力', '听力', '言语', '等级',
  // care and treatment
  '住院', '透析', '化疗', '放疗', '手术', '服药', '康复', '受伤', '工伤',
];

/**
 * Ordinary wording that holds a health character or word (隐患 is a hazard, 会议精神 the spirit of
 * a meeting, 安全等级 a house's safety grade): read as a whole and not reported, so a note about
 * a house's hazards is not redacted as illness.
 */
const NOT_HEALTH: readonly string[] = [
  '隐患', '后患', '防患', '患难', '对症', '症结', '盲目', '盲区', '扫盲',
  '精神文明', '精神面貌', '会议精神', '文件精神', '讲话精神', '指示精神',
  '安全等级', '危房等级', '房屋等级', '鉴定等级',
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Alternatives longest first; a Latin word (HIV) only as a whole word, not inside "archive". */
const longestFirst = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => (/^[A-Za-z]+$/.test(w) ? `(?<![A-Za-z])${w}(?![A-Za-z])` : escapeRegExp(w)))
    .join('|');
/** At each position the longer wording wins: 隐患 (not health) before 患, 慢性病 before 病. */
const WORDS = new RegExp(`(?<ordinary>${longestFirst(NOT_HEALTH)})|(?<health>${longestFirst(HEALTH_WORDS)})`, 'giu');

// ---------------------------------------------------------------------------------------------
// Digits however they are written

const CHINESE_DIGITS: Record<string, string> = {
  '〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9',
  '壹': '1', '贰': '2', '貳': '2', '叁': '3', '參': '3', '肆': '4', '伍': '5', '陆': '6', '陸': '6', '柒': '7', '捌': '8', '玖': '9',
  '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9',
};

/** Enclosed numbers (one character for a number up to 50): first code point of a block and the number it starts at. */
const ENCLOSED: [from: number, to: number, first: number][] = [
  [0x2460, 0x2473, 1], // ①…⑳
  [0x2474, 0x2487, 1], // ⑴…⒇
  [0x2488, 0x249b, 1], // ⒈…⒛
  [0x24ea, 0x24ea, 0], // ⓪
  [0x24eb, 0x24f4, 11], // ⓫…⓴
  [0x24f5, 0x24fe, 1], // ⓵…⓾
  [0x24ff, 0x24ff, 0], // ⓿
  [0x2776, 0x277f, 1], // ❶…❿
  [0x2780, 0x2789, 1], // ➀…➉
  [0x278a, 0x2793, 1], // ➊…➓
  [0x2080, 0x2089, 0], // ₀…₉
  [0x3251, 0x325f, 21], // ㉑…㉟
  [0x32b1, 0x32bf, 36], // ㊱…㊿
  [0x1f100, 0x1f100, 0], // 🄀
  [0x1f101, 0x1f10a, 0], // 🄁…🄊 (0, 1 … 9 with comma)
];

const DECIMAL = /^\p{Nd}$/u;

/** The value of a Unicode decimal digit: its distance from the first digit of its run of digits, mod 10. */
function decimalValue(cp: number): string {
  let first = cp;
  while (first > 0 && cp - first < 60 && DECIMAL.test(String.fromCodePoint(first - 1))) first--;
  return String((cp - first) % 10);
}

/** The digits a character stands for ("10" for ⑩), "X" for the ID check character, or null. */
function digitsOf(ch: string): string | null {
  if (ch >= '0' && ch <= '9') return ch;
  if (ch === 'X' || ch === 'x' || ch === 'Ｘ' || ch === 'ｘ' || ch === '×') return 'X';
  const chinese = CHINESE_DIGITS[ch];
  if (chinese) return chinese;
  const cp = ch.codePointAt(0)!;
  for (const [from, to, first] of ENCLOSED) if (cp >= from && cp <= to) return String(first + cp - from);
  return DECIMAL.test(ch) ? decimalValue(cp) : null;
}

/** What may stand between the groups of one number: spaces, dots, hyphens, dashes, middle dots (not a line break). */
const SEPARATOR = /^[ \t\u00A0.\-_·•・‧∙⋅．－‐‑‒–—―−﹣\u3000]$/u;
const MAX_SEPARATOR = 3;

interface Group {
  digits: string;
  start: number;
  end: number;
  /** The separator before this group (empty for the first of a chain). */
  before: string;
}

/** Chains of digit groups: digits, joined by at most 3 separator characters; an X ends a chain. */
function digitChains(text: string): Group[][] {
  const chains: Group[][] = [];
  let chain: Group[] = [];
  let group: Group | null = null;
  let gap = '';
  const endChain = () => {
    if (group) chain.push(group);
    if (chain.length) chains.push(chain);
    chain = [];
    group = null;
    gap = '';
  };
  for (let i = 0; i < text.length; ) {
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    const d = digitsOf(ch);
    if (d === 'X') {
      // The check character closes an ID number, after its last digit (and any separator).
      const last = group ?? chain.at(-1);
      if (last) {
        last.digits += 'X';
        last.end = i + ch.length;
      }
      endChain();
    } else if (d !== null) {
      if (!group) {
        group = { digits: '', start: i, end: i, before: gap };
        gap = '';
      }
      group.digits += d;
      group.end = i + ch.length;
    } else if (SEPARATOR.test(ch) && (group || chain.length)) {
      if (group) chain.push(group);
      group = null;
      gap += ch;
      if (gap.length > MAX_SEPARATOR) endChain();
    } else endChain();
    i += ch.length;
  }
  endChain();
  return chains;
}

const isDate = (groups: Group[]) =>
  groups.length === 3 &&
  groups[0]!.digits.length === 4 &&
  groups.slice(1).every((g) => g.digits.length <= 2 && !/\s/.test(g.before) && g.before === groups[1]!.before) &&
  +groups[1]!.digits >= 1 && +groups[1]!.digits <= 12 && +groups[2]!.digits >= 1 && +groups[2]!.digits <= 31;

/** A chain without the dates that stand between spaces on their own ("5 2023-05-01 2023-05-05" is a count and two dates). */
function withoutDates(groups: Group[]): Group[][] {
  const parts: Group[][] = [];
  for (const g of groups) {
    if (parts.length === 0 || /\s/.test(g.before)) parts.push([]);
    parts.at(-1)!.push(g);
  }
  const out: Group[][] = [[]];
  for (const part of parts) {
    if (isDate(part)) out.push([]);
    else out.at(-1)!.push(...part);
  }
  return out.filter((p) => p.length > 0);
}

const MOBILE = /^1[3-9][0-9]{9}$/;
const ID_NUMBER = /^[0-9]{17}[0-9X]$/;

/** The digits of groups `from`…`to` as one match. */
function match(kind: SensitiveKind, groups: Group[], from: number, to: number, text: string): SensitiveMatch {
  const digits = groups.slice(from, to + 1).map((g) => g.digits).join('');
  return { kind, text: text.slice(groups[from]!.start, groups[to]!.end), index: groups[from]!.start, digits };
}

/** How many groups from `i` on make digits that pass `test` (0 when none do). */
function span(groups: Group[], i: number, test: (digits: string) => boolean): number {
  let digits = '';
  for (let j = i; j < groups.length; j++) if (test((digits += groups[j]!.digits))) return j - i + 1;
  return 0;
}

/**
 * Mobiles (11 digits, 1[3-9]…, after an optional 86 / 0086) and, where none starts, the longest
 * run of 12 or more digits from there (a bank account, or an old 15-digit ID number). Office
 * lines are skipped.
 */
function phonesAndAccounts(groups: Group[], text: string): SensitiveMatch[] {
  const out: SensitiveMatch[] = [];
  for (let i = 0; i < groups.length; ) {
    const mobile = span(groups, i, (d) => MOBILE.test(d));
    const prefix = groups[i]!.digits;
    const afterPrefix = (prefix === '86' || prefix === '0086') && i + 1 < groups.length ? span(groups, i + 1, (d) => MOBILE.test(d)) : 0;
    const all = groups.slice(i).map((g) => g.digits).join('').replace('X', '');
    // An office line: area code 0xx(x), then 7 or 8 digits (0797-62212345); no card or ID number starts with 0.
    const landline = /^0[0-9]{2,3}$/.test(prefix) ? span(groups, i + 1, (d) => d.length === 7 || d.length === 8) : 0;
    if (landline) i += landline + 1;
    else if (mobile) out.push(match('mobile', groups, i, (i += mobile) - 1, text));
    else if (afterPrefix) out.push(match('mobile', groups, i + 1, (i += afterPrefix + 1) - 1, text));
    else if (all.length >= 12) out.push(match('bank_account', groups, i, (i = groups.length) - 1, text));
    else i++;
  }
  return out;
}

/**
 * The numbers of one chain: ID numbers first (the groups from one group on that make 17 digits
 * and a digit or X, however they are split, dates inside included), then in what is left, apart
 * from dates standing on their own, mobiles and accounts.
 */
function numbersOf(chain: Group[], text: string): SensitiveMatch[] {
  const out: SensitiveMatch[] = [];
  let rest: Group[] = [];
  const flush = () => {
    for (const part of withoutDates(rest)) out.push(...phonesAndAccounts(part, text));
    rest = [];
  };
  for (let i = 0; i < chain.length; ) {
    const id = span(chain, i, (d) => ID_NUMBER.test(d));
    if (!id) {
      rest.push(chain[i++]!);
      continue;
    }
    flush();
    out.push(match('id_number', chain, i, i + id - 1, text));
    i += id;
  }
  flush();
  return out;
}

/** Every piece of `text` that looks like an ID number, mobile, bank account or health word, in order. */
export function scanSensitive(text: string): SensitiveMatch[] {
  const out: SensitiveMatch[] = [];
  for (const chain of digitChains(text)) out.push(...numbersOf(chain, text));
  for (const m of text.matchAll(WORDS)) if (m.groups!.health) out.push({ kind: 'health', text: m[0], index: m.index });
  return out.sort((a, b) => a.index - b.index);
}

/** The text of every match, in order (see `scanSensitive`). */
export function findSensitive(text: string): string[] {
  return scanSensitive(text).map((m) => m.text);
}

/** A number as the structured fields show it masked (SEC-3); a health word as `***`. */
export function maskedMatch(m: SensitiveMatch): string {
  if (m.kind === 'id_number') return maskIdNumber(m.digits!);
  if (m.kind === 'mobile') return maskPhone(m.digits!);
  if (m.kind === 'bank_account') return maskBankAccount(m.digits!);
  return MASKED_HEALTH;
}

// ---------------------------------------------------------------------------------------------
// Redaction

/** What a reader may see of the personal data in a text. */
export interface TextAccess {
  /** Whole ID numbers, mobiles and bank accounts. */
  identifiers: boolean;
  /** Health and illness wording. */
  health: boolean;
}

/** Nothing personal: the audit log's payloads and any reader with no access. */
export const NO_ACCESS: TextAccess = { identifiers: false, health: false };

/**
 * The text as the reader may see it: numbers masked like the structured fields when
 * identifiers are not visible, health wording replaced by `***` when health is not.
 */
export function redactText(text: string, access: TextAccess): string;
export function redactText(text: string | null, access: TextAccess): string | null;
export function redactText(text: string | null | undefined, access: TextAccess): string | null | undefined;
export function redactText(text: string | null | undefined, access: TextAccess): string | null | undefined {
  if (!text || (access.identifiers && access.health)) return text;
  let out = '';
  let from = 0;
  for (const m of scanSensitive(text)) {
    if (m.kind === 'health' ? access.health : access.identifiers) continue;
    out += text.slice(from, m.index) + maskedMatch(m);
    from = m.index + m.text.length;
  }
  return out + text.slice(from);
}

/**
 * Every string leaf of a JSON value redacted (step data, audit payloads); `keep(key, value)`
 * names the leaves that are structured codes and stay as they are.
 */
export function redactLeaves<T>(value: T, access: TextAccess, keep: (key: string, value: string) => boolean = () => false): T {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return keep(key, v) ? v : redactText(v, access);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object' && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, '') as T;
}
