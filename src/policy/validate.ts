/**
 * The one validator of assessment input, shared by the library, the CLI and the HTTP API, so all
 * three reject the same input with the same `errors`: one entry per bad field, at the path
 * where the field is or belongs (`household.members[1].birthDate`), messages in Chinese.
 */
import { PARAMETERS_USED, assess } from './assess.ts';
import { isDateShaped, isMonthShaped, isValidDate, isValidMonth } from './calendar.ts';
import { isCountedMember, NO_COUNTED_MEMBER_MESSAGE } from './household.ts';
import { hasAtMostTwoDecimals, MAX_AMOUNT_YUAN } from './money.ts';
import { defaultParameters, type ParameterSet } from './parameters.ts';
import { hasThresholdOn, missingThresholdMessage } from './threshold.ts';
import {
  AssessmentInputError,
  ASSESSMENT_KINDS,
  CATEGORIES,
  CLAIM_STATUSES,
  CLAIM_TYPES,
  EXPENSE_TYPES,
  INCOME_TYPES,
  LABOR_ABILITIES,
  MEASURE_STATUSES,
  REGISTRATIONS,
  RISK_TYPES,
  type AssessmentInput,
  type AssessmentResult,
  type Claim,
  type Expense,
  type Household,
  type Income,
  type Measure,
  type Member,
  type ParameterOverrides,
  type Risk,
  type ValidationError,
} from './types.ts';

export type ValidationResult = { ok: true; value: AssessmentInput } | { ok: false; errors: ValidationError[] };

export const MESSAGES = {
  required: '缺少必填字段',
  requiredNull: '缺少必填字段（值为 null）',
  unknown: '未知字段（可能是拼写错误）',
  eliminationOnly: '该字段仅用于风险消除评估（kind 为 "elimination"），识别评估不应提供',
  object: '应为对象',
  array: '应为数组',
  boolean: '应为布尔值（true 或 false）',
  string: '应为字符串',
  emptyString: '不能为空字符串',
  number: '应为数字（金额以元为单位）',
  dateFormat: '日期格式应为 YYYY-MM-DD',
  monthFormat: '月份格式应为 YYYY-MM',
  negative: '金额不能为负数',
  decimals: '金额最多两位小数',
  tooLarge: `金额超出允许范围（不超过 ${MAX_AMOUNT_YUAN} 元）`,
  noMember: '至少需要一名家庭成员',
  noCountedMember: NO_COUNTED_MEMBER_MESSAGE,
} as const;

const INVALID: unique symbol = Symbol('invalid');
type Invalid = typeof INVALID;
type Parser<T> = (e: Errors, value: unknown, path: string) => T | Invalid;

class Errors {
  readonly list: ValidationError[] = [];
  add(path: string, message: string): Invalid {
    this.list.push({ path, message });
    return INVALID;
  }
}

const at = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- field parsers ----

const bool: Parser<boolean> = (e, v, path) => (typeof v === 'boolean' ? v : e.add(path, MESSAGES.boolean));

const nonEmptyString: Parser<string> = (e, v, path) => {
  if (typeof v !== 'string') return e.add(path, MESSAGES.string);
  return v.trim() === '' ? e.add(path, MESSAGES.emptyString) : v;
};

const date: Parser<string> = (e, v, path) => {
  if (typeof v !== 'string' || !isDateShaped(v)) return e.add(path, MESSAGES.dateFormat);
  return isValidDate(v) ? v : e.add(path, `日期不存在：${v}`);
};

const month: Parser<string> = (e, v, path) => {
  if (typeof v !== 'string' || !isMonthShaped(v)) return e.add(path, MESSAGES.monthFormat);
  return isValidMonth(v) ? v : e.add(path, `月份不存在：${v}`);
};

/** Yuan: ≥ 0, at most 2 decimals. */
const amount: Parser<number> = (e, v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return e.add(path, MESSAGES.number);
  if (v < 0) return e.add(path, MESSAGES.negative);
  if (v > MAX_AMOUNT_YUAN) return e.add(path, MESSAGES.tooLarge);
  return hasAtMostTwoDecimals(v) ? v : e.add(path, MESSAGES.decimals);
};

function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  const allowed = new Set<string>(values);
  return (e, v, path) => {
    if (typeof v !== 'string') return e.add(path, `${MESSAGES.string}，取值应为以下之一：${values.join('、')}`);
    return allowed.has(v) ? (v as T) : e.add(path, `取值“${v}”无效，应为以下之一：${values.join('、')}`);
  };
}

// Code lists of the contract, built once.
const kindCode = oneOf(ASSESSMENT_KINDS);
const categoryCode = oneOf(CATEGORIES);
const claimStatusCode = oneOf(CLAIM_STATUSES);
const claimTypeCode = oneOf(CLAIM_TYPES);
const expenseTypeCode = oneOf(EXPENSE_TYPES);
const incomeTypeCode = oneOf(INCOME_TYPES);
const laborAbilityCode = oneOf(LABOR_ABILITIES);
const measureStatusCode = oneOf(MEASURE_STATUSES);
const registrationCode = oneOf(REGISTRATIONS);
const riskTypeCode = oneOf(RISK_TYPES);

// ---- structure ----

/** Edit distance, to suggest the field a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3; // suggest only close matches
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best ? `${MESSAGES.unknown}，是否应为“${best}”？` : MESSAGES.unknown;
}

/** Checks that `v` is an object and reports every key it does not know, each at its own path. */
function object(e: Errors, v: unknown, path: string, known: readonly string[]): Record<string, unknown> | Invalid {
  if (!isPlainObject(v)) return e.add(path, MESSAGES.object);
  for (const key of Object.keys(v)) if (!known.includes(key)) e.add(at(path, key), unknownFieldMessage(key, known));
  return v;
}

function required<T>(e: Errors, o: Record<string, unknown>, key: string, path: string, parse: Parser<T>): T | Invalid {
  const v = o[key];
  if (v === undefined) return e.add(at(path, key), MESSAGES.required);
  if (v === null) return e.add(at(path, key), MESSAGES.requiredNull);
  return parse(e, v, at(path, key));
}

/** Absent or null → undefined (the caller applies the default). */
function optional<T>(e: Errors, o: Record<string, unknown>, key: string, path: string, parse: Parser<T>): T | undefined | Invalid {
  const v = o[key];
  return v === undefined || v === null ? undefined : parse(e, v, at(path, key));
}

function list<T>(item: Parser<T>): Parser<T[]> {
  return (e, v, path) => {
    if (!Array.isArray(v)) return e.add(path, MESSAGES.array);
    const out: T[] = [];
    let ok = true;
    for (let i = 0; i < v.length; i++) {
      const parsed = item(e, v[i], `${path}[${i}]`);
      if (parsed === INVALID) ok = false;
      else out.push(parsed);
    }
    return ok ? out : INVALID;
  };
}

const valid = (...values: unknown[]): boolean => !values.includes(INVALID);

// ---- the contract's entities ----

const MEMBER_KEYS = ['id', 'birthDate', 'registration', 'urbanGuarantees', 'livesTogether', 'laborAbility'] as const;

/** Members are parsed one by one so that cross-checks can use the valid ones. */
interface ParsedMember {
  id: string | Invalid;
  /** Counted (Q15, Q17, Q18), or undefined when the fields deciding it are invalid. */
  counted: boolean | undefined;
  member: Member | Invalid;
}

function parseMember(e: Errors, v: unknown, path: string): ParsedMember {
  const o = object(e, v, path, MEMBER_KEYS);
  if (o === INVALID) return { id: INVALID, counted: undefined, member: INVALID };
  const id = required(e, o, 'id', path, nonEmptyString);
  const birthDate = required(e, o, 'birthDate', path, date);
  const registration = required(e, o, 'registration', path, registrationCode);
  const urbanGuarantees = required(e, o, 'urbanGuarantees', path, bool);
  const livesTogether = required(e, o, 'livesTogether', path, bool);
  const laborAbility = required(e, o, 'laborAbility', path, laborAbilityCode);
  const counted =
    registration !== INVALID && urbanGuarantees !== INVALID && livesTogether !== INVALID
      ? isCountedMember({ registration, urbanGuarantees, livesTogether })
      : undefined;
  if (!valid(id, birthDate, registration, urbanGuarantees, livesTogether, laborAbility)) return { id, counted, member: INVALID };
  return {
    id,
    counted,
    member: { id, birthDate, registration, urbanGuarantees, livesTogether, laborAbility } as Member,
  };
}

function toNotBeforeFrom(e: Errors, from: string | undefined | Invalid, to: string | undefined | Invalid, path: string): boolean {
  if (typeof from === 'string' && typeof to === 'string' && to < from) {
    e.add(at(path, 'to'), `结束月份 ${to} 早于开始月份 ${from}`);
    return false;
  }
  return true;
}

function incomeParser(memberIds: ReadonlySet<string> | null): Parser<Income> {
  return (e, v, path) => {
    const o = object(e, v, path, ['type', 'amount', 'from', 'to', 'memberId']);
    if (o === INVALID) return INVALID;
    const type = required(e, o, 'type', path, incomeTypeCode);
    const amt = required(e, o, 'amount', path, amount);
    const from = required(e, o, 'from', path, month);
    const to = required(e, o, 'to', path, month);
    let memberId = optional(e, o, 'memberId', path, nonEmptyString);
    if (typeof memberId === 'string' && memberIds && !memberIds.has(memberId)) {
      memberId = e.add(at(path, 'memberId'), `家庭成员中没有编号为“${memberId}”的成员`);
    }
    const ordered = toNotBeforeFrom(e, from, to, path);
    if (!ordered || !valid(type, amt, from, to, memberId)) return INVALID;
    return { type, amount: amt, from, to, ...(memberId !== undefined ? { memberId } : {}) } as Income;
  };
}

const claim: Parser<Claim> = (e, v, path) => {
  const o = object(e, v, path, ['type', 'amount', 'month', 'status']);
  if (o === INVALID) return INVALID;
  const type = required(e, o, 'type', path, claimTypeCode);
  const amt = required(e, o, 'amount', path, amount);
  const m = required(e, o, 'month', path, month);
  const status = required(e, o, 'status', path, claimStatusCode);
  return valid(type, amt, m, status) ? ({ type, amount: amt, month: m, status } as Claim) : INVALID;
};

const expense: Parser<Expense> = (e, v, path) => {
  const o = object(e, v, path, ['type', 'amount', 'month']);
  if (o === INVALID) return INVALID;
  const type = required(e, o, 'type', path, expenseTypeCode);
  const amt = required(e, o, 'amount', path, amount);
  const m = required(e, o, 'month', path, month);
  return valid(type, amt, m) ? ({ type, amount: amt, month: m } as Expense) : INVALID;
};

const risk: Parser<Risk> = (e, v, path) => {
  const o = object(e, v, path, ['type', 'selfResolvable', 'incomeDrop', 'resolved']);
  if (o === INVALID) return INVALID;
  const type = required(e, o, 'type', path, riskTypeCode);
  const selfResolvable = required(e, o, 'selfResolvable', path, bool);
  const incomeDrop = optional(e, o, 'incomeDrop', path, bool);
  const resolved = optional(e, o, 'resolved', path, bool);
  if (!valid(type, selfResolvable, incomeDrop, resolved)) return INVALID;
  return { type, selfResolvable, incomeDrop: incomeDrop ?? false, resolved: resolved ?? false } as Risk;
};

const measure: Parser<Measure> = (e, v, path) => {
  const o = object(e, v, path, ['type', 'developmental', 'status', 'from', 'to']);
  if (o === INVALID) return INVALID;
  const type = required(e, o, 'type', path, nonEmptyString);
  const developmental = required(e, o, 'developmental', path, bool);
  const status = required(e, o, 'status', path, measureStatusCode);
  const from = optional(e, o, 'from', path, month);
  const to = optional(e, o, 'to', path, month);
  const ordered = toNotBeforeFrom(e, from, to, path);
  if (!ordered || !valid(type, developmental, status, from, to)) return INVALID;
  return {
    type,
    developmental,
    status,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  } as Measure;
};

const HOUSEHOLD_KEYS = ['formerlyPoor', 'wholeHouseholdNoLaborFallback', 'members', 'incomes', 'claims', 'expenses', 'risks'] as const;

const household: Parser<Household> = (e, v, path) => {
  const o = object(e, v, path, HOUSEHOLD_KEYS);
  if (o === INVALID) return INVALID;
  const formerlyPoor = required(e, o, 'formerlyPoor', path, bool);
  const fallback = optional(e, o, 'wholeHouseholdNoLaborFallback', path, bool);

  // Members first: incomes refer to them.
  const membersPath = at(path, 'members');
  let members: Member[] | Invalid = INVALID;
  let memberIds: Set<string> | null = null;
  if (o.members === undefined || o.members === null) {
    e.add(membersPath, o.members === null ? MESSAGES.requiredNull : MESSAGES.required);
  } else if (!Array.isArray(o.members)) {
    e.add(membersPath, MESSAGES.array);
  } else if (o.members.length === 0) {
    e.add(membersPath, MESSAGES.noMember);
  } else {
    const parsed = o.members.map((m, i) => parseMember(e, m, `${membersPath}[${i}]`));
    memberIds = new Set();
    const firstIndex = new Map<string, number>();
    let duplicates = false;
    parsed.forEach((p, i) => {
      if (p.id === INVALID) return;
      const first = firstIndex.get(p.id);
      if (first === undefined) {
        firstIndex.set(p.id, i);
        memberIds!.add(p.id);
      } else {
        duplicates = true;
        e.add(`${membersPath}[${i}].id`, `成员编号“${p.id}”重复（与 ${membersPath}[${first}].id 相同）`);
      }
    });
    // Q15, Q17, Q18: only when every member's status is known can "nobody counts" be said.
    if (parsed.every((p) => p.counted === false)) e.add(membersPath, MESSAGES.noCountedMember);
    const all = parsed.map((p) => p.member);
    if (!duplicates && valid(...all) && parsed.some((p) => p.counted)) members = all as Member[];
  }

  const incomes = optional(e, o, 'incomes', path, list(incomeParser(memberIds)));
  const claims = optional(e, o, 'claims', path, list(claim));
  const expenses = optional(e, o, 'expenses', path, list(expense));
  const risks = optional(e, o, 'risks', path, list(risk));
  if (!valid(formerlyPoor, fallback, members, incomes, claims, expenses, risks)) return INVALID;
  return {
    formerlyPoor,
    wholeHouseholdNoLaborFallback: fallback ?? false,
    members,
    incomes: incomes ?? [],
    claims: claims ?? [],
    expenses: expenses ?? [],
    risks: risks ?? [],
  } as Household;
};

const overrides: Parser<ParameterOverrides> = (e, v, path) => {
  const o = object(e, v, path, ['monitoringThreshold']);
  if (o === INVALID) return INVALID;
  const monitoringThreshold = optional(e, o, 'monitoringThreshold', path, amount);
  if (monitoringThreshold === INVALID) return INVALID;
  return monitoringThreshold === undefined ? {} : { monitoringThreshold };
};

const COMMON_KEYS = ['kind', 'asOf', 'parameters', 'household'] as const;
const ELIMINATION_KEYS = ['identifiedOn', 'category', 'naturalElimination', 'guaranteesSecured', 'measures'] as const;
const ALL_KEYS: readonly string[] = [...COMMON_KEYS, ...ELIMINATION_KEYS];

function assessmentInput(e: Errors, raw: unknown, parameters: ParameterSet): AssessmentInput | Invalid {
  if (!isPlainObject(raw)) return e.add('', '评估输入应为 JSON 对象');
  const kind = required(e, raw, 'kind', '', kindCode);
  for (const key of Object.keys(raw)) {
    if (!ALL_KEYS.includes(key)) e.add(key, unknownFieldMessage(key, ALL_KEYS));
    else if (kind === 'identification' && (ELIMINATION_KEYS as readonly string[]).includes(key)) e.add(key, MESSAGES.eliminationOnly);
  }
  const asOf = required(e, raw, 'asOf', '', date);
  const params = optional(e, raw, 'parameters', '', overrides);
  const hh = required(e, raw, 'household', '', household);

  if (typeof asOf === 'string' && params !== INVALID) {
    if (!hasThresholdOn(asOf, params, parameters)) {
      e.add('asOf', missingThresholdMessage(parameters));
    } else {
      const missing = PARAMETERS_USED.filter((n) => n !== 'monitoring_threshold' && !parameters.entryAt(n, asOf));
      if (missing.length > 0) e.add('asOf', `评估日期早于参数 ${missing.join('、')} 的首个生效日期`);
    }
  }

  if (kind === 'identification') {
    if (!valid(asOf, params, hh)) return INVALID;
    return { kind, asOf, ...(params !== undefined ? { parameters: params } : {}), household: hh } as AssessmentInput;
  }
  // Elimination — or an invalid kind, where the elimination fields are checked only if present.
  const need = kind === 'elimination' ? required : optional;
  const identifiedOn = need(e, raw, 'identifiedOn', '', date);
  const category = need(e, raw, 'category', '', categoryCode);
  const natural = optional(e, raw, 'naturalElimination', '', bool);
  const guaranteesSecured = need(e, raw, 'guaranteesSecured', '', bool);
  const measures = optional(e, raw, 'measures', '', list(measure));
  if (kind === INVALID || !valid(asOf, params, hh, identifiedOn, category, natural, guaranteesSecured, measures)) return INVALID;
  return {
    kind,
    asOf,
    ...(params !== undefined ? { parameters: params } : {}),
    household: hh,
    identifiedOn,
    category,
    naturalElimination: natural ?? false,
    guaranteesSecured,
    measures: measures ?? [],
  } as AssessmentInput;
}

/**
 * Validates raw input (parsed JSON) against the contract. On success `value` is the input with
 * defaults filled in. `parameters` decides which dates have a threshold (default: shipped files).
 */
export function validateAssessmentInput(raw: unknown, parameters: ParameterSet = defaultParameters()): ValidationResult {
  const e = new Errors();
  const value = assessmentInput(e, raw, parameters);
  if (e.list.length > 0 || value === INVALID) return { ok: false, errors: e.list };
  return { ok: true, value };
}

export type AssessOutcome = { ok: true; value: AssessmentResult } | { ok: false; errors: ValidationError[] };

/** Validate, then assess: what the CLI and the HTTP route do. */
export function assessOrErrors(raw: unknown, parameters: ParameterSet = defaultParameters()): AssessOutcome {
  const checked = validateAssessmentInput(raw, parameters);
  if (!checked.ok) return checked;
  try {
    return { ok: true, value: assess(checked.value, parameters) };
  } catch (err) {
    if (err instanceof AssessmentInputError) return { ok: false, errors: err.errors };
    throw err;
  }
}
