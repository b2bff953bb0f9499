/**
 * Household self-report (WRN-5, Q22 申报小程序, Q52): the rules of the public page, pure code
 * (the web imports this file too).
 *
 * - What a household may report: the difficulty types (codes are the risk types of the policy,
 *   so a cadre can carry them over), who it is (the head's name and ID number), how to reach it
 *   and which village.
 * - The reference code (申报编号) it keeps: 10 characters from an alphabet without look-alikes
 *   (no 0/O, 1/I), drawn from 50 random bits, so it cannot be guessed or enumerated.
 * - What the status page shows: one of four public statuses (已受理 / 核实中 / 认定程序中 /
 *   结果), the result only 已纳入监测 or 经核实未纳入. A just-opened case of a registered household
 *   and an unregistered report look the same (已受理), and a case that was already running when the
 *   report came shows no intermediate step, so the page cannot be used to learn who is registered.
 * - The proof of work that stands in for a captcha: SHA-256(`challenge:nonce`) must start with
 *   the challenge's number of zero bits.
 * - The per-IP and per-ID-number limits of the public routes.
 */
import { idNumberProblem } from './id-number.ts';
import { Check, type FieldError } from './validation.ts';

// ---- what a household reports ----

/** Difficulty types (困难类型) offered on the form; the codes are policy risk types (src/policy/types.ts RISK_TYPES). */
export const DIFFICULTY_TYPES = {
  illness: '因病',
  disability: '因残',
  education: '因学',
  disaster: '因灾',
  accident: '因意外事故',
  employment: '因失业/务工中断',
  industry: '因产业失败',
  labor_shortage: '缺劳动力',
  housing_safety: '住房安全',
  drinking_water: '饮水安全',
  compulsory_education: '子女失学辍学',
  other: '其他',
} as const;
export type DifficultyType = keyof typeof DIFFICULTY_TYPES;
export const DIFFICULTY_CODES = Object.keys(DIFFICULTY_TYPES) as DifficultyType[];

export const difficultyNames = (codes: readonly string[]) => codes.map((c) => DIFFICULTY_TYPES[c as DifficultyType] ?? c);

/** The authorization commitment each member signs (承诺授权书, Q22). */
export const COMMITMENT_TEXT =
  '本人承诺：所提供的本人及家庭情况真实可靠，如有虚假，愿承担相应责任。' +
  '本人授权有关部门和机构依法依规查询、核对本人及家庭的收入、财产、支出等信息，用于防止返贫动态监测和帮扶的数据比对。';
/** Stored with each signature in the audit log, so a later change of the wording is told apart. */
export const COMMITMENT_VERSION = 'Q22-2023-1';

export const MAX_DESCRIPTION = 500;
export const MAX_CONSENT_MEMBERS = 20;

/** Mobile (11 digits) or a landline with its area code. */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

// ---- the reference code ----

/** 32 characters: digits 2–9 and A–Z without I and O. 256 is a multiple of 32, so a byte & 31 is unbiased. */
export const REF_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REF_CODE_LENGTH = 10;
const REF_CODE = new RegExp(`^[${REF_CODE_ALPHABET}]{${REF_CODE_LENGTH}}$`);

/** A reference code from at least 10 random bytes (5 bits each: 50 bits, about 10^15 codes). */
export function makeRefCode(random: ArrayLike<number>): string {
  if (random.length < REF_CODE_LENGTH) throw new Error('makeRefCode: 需要至少10个随机字节');
  let s = '';
  for (let i = 0; i < REF_CODE_LENGTH; i++) s += REF_CODE_ALPHABET[random[i]! & 31];
  return s;
}

/** What a household types: spaces and hyphens left out, lower case taken as upper case. */
export function normalizeRefCode(v: string): string {
  return v.replace(/[\s-]/g, '').toUpperCase();
}

export function isRefCode(v: string): boolean {
  return REF_CODE.test(v);
}

// ---- proof of work ----

/** Default difficulty in leading zero bits (about 65,000 hashes: a second or two on a phone). */
export const DEFAULT_POW_BITS = 16;
export const MAX_POW_BITS = 28;
/** A challenge is valid this long after it was issued. */
export const CHALLENGE_TTL_MS = 10 * 60_000;

/** `<id>.<expires ms>.<bits>.<signature>`: id 16 random bytes and signature (HMAC-SHA256) in base64url. */
const CHALLENGE = /^([A-Za-z0-9_-]{22})\.(\d{13})\.(\d{1,2})\.([A-Za-z0-9_-]{43})$/;
const NONCE = /^[0-9A-Za-z]{1,32}$/;

export interface Challenge {
  id: string;
  expiresAt: number;
  bits: number;
  signature: string;
}

/** The signed part of a challenge. */
export const challengeBody = (c: Pick<Challenge, 'id' | 'expiresAt' | 'bits'>) => `${c.id}.${c.expiresAt}.${c.bits}`;
export const challengeToken = (c: Challenge) => `${challengeBody(c)}.${c.signature}`;

export function parseChallenge(token: string): Challenge | null {
  const m = CHALLENGE.exec(token);
  if (!m) return null;
  const bits = Number(m[3]);
  if (bits > MAX_POW_BITS) return null;
  return { id: m[1]!, expiresAt: Number(m[2]), bits, signature: m[4]! };
}

/** The text whose SHA-256 must start with `bits` zero bits. */
export const powMessage = (challenge: string, nonce: string) => `${challenge}:${nonce}`;

export function leadingZeroBits(hash: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < hash.length; i++) {
    const b = hash[i]!;
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

export const solves = (hash: ArrayLike<number>, bits: number) => leadingZeroBits(hash) >= bits;

/** JIANBANG_POW_BITS: a whole number 0–28; anything else is a configuration error. */
export function powBitsFrom(env: string | undefined): number {
  if (env === undefined || env.trim() === '') return DEFAULT_POW_BITS;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0 || n > MAX_POW_BITS) throw new Error(`JIANBANG_POW_BITS 应为 0 至 ${MAX_POW_BITS} 的整数（当前为 ${env}）`);
  return n;
}

// ---- rate limits ----

export interface RateLimit {
  limit: number;
  windowSeconds: number;
  message: string;
}

/** Counted atomically in SQL per key (public_throttle); what a family needs stays far below them. */
export const PUBLIC_LIMITS = {
  reportPerIp: { limit: 10, windowSeconds: 3600, message: '提交过于频繁：同一网络每小时最多提交10次申报，请稍后再试' },
  reportPerIdNumber: { limit: 3, windowSeconds: 86_400, message: '同一户主身份证号每天最多申报3次，请明天再试或联系村委会' },
  statusPerIp: { limit: 30, windowSeconds: 3600, message: '查询过于频繁：同一网络每小时最多查询30次，请稍后再试' },
  consentPerIp: { limit: 20, windowSeconds: 3600, message: '提交过于频繁：同一网络每小时最多提交20次承诺授权，请稍后再试' },
} as const satisfies Record<string, RateLimit>;

// ---- what the status page shows ----

export const PUBLIC_STATUSES = ['received', 'verifying', 'in_procedure', 'result'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export const PUBLIC_STATUS_NAMES: Record<Exclude<PublicStatus, 'result'>, string> = {
  received: '已受理',
  verifying: '核实中',
  in_procedure: '认定程序中',
};
export const RESULT_NAMES = { included: '已纳入监测', not_included: '经核实未纳入' } as const;

export const REPORT_STATES = ['received', 'case_opened', 'task_opened', 'rejected'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const REPORT_STATE_NAMES: Record<ReportState, string> = {
  received: '待处理（未匹配到登记农户）',
  case_opened: '已启动识别程序',
  task_opened: '已生成核实任务（监测对象）',
  rejected: '不予受理',
};

export interface ReportFacts {
  state: ReportState;
  /** The identification case the report is linked to. `fromReport`: opened from this report (not one already running). */
  case: { state: string; fromReport: boolean } | null;
  /** The verification task of a monitoring object's report, and the case it opened if any. */
  task: { state: string } | null;
  /** The household is a monitoring object now. */
  householdMonitored: boolean;
}

const INCLUDED = new Set(['approved', 'announced', 'entered']);
const NOT_INCLUDED = new Set(['rejected', 'not_identified', 'green_exit']);
const VERIFYING = new Set(['verified']);
const IN_PROCEDURE = new Set(['appraised', 'in_notice', 'noticed', 'township_reviewed']);

/**
 * The public status of a report. Rules that keep registration undisclosed:
 * a case still at 线索待核实 (opened the moment a registered head reports) shows 已受理, like a
 * report nobody could match yet; a case that was running before the report shows 已受理 until its
 * result; a verification task of a monitoring object shows 已受理 until it is closed.
 */
export function publicStatus(f: ReportFacts): { status: PublicStatus; statusName: string } {
  const result = (included: boolean) => ({ status: 'result' as const, statusName: included ? RESULT_NAMES.included : RESULT_NAMES.not_included });
  const plain = (s: Exclude<PublicStatus, 'result'>) => ({ status: s, statusName: PUBLIC_STATUS_NAMES[s] });
  if (f.state === 'rejected') return result(false);
  if (f.state === 'received') return plain('received');
  if (f.case) {
    if (INCLUDED.has(f.case.state)) return result(true);
    if (NOT_INCLUDED.has(f.case.state)) return result(false);
    if (!f.case.fromReport) return plain('received');
    if (VERIFYING.has(f.case.state)) return plain('verifying');
    if (IN_PROCEDURE.has(f.case.state)) return plain('in_procedure');
    return plain('received');
  }
  if (f.task) return f.task.state === 'open' ? plain('received') : result(f.householdMonitored);
  return plain('received');
}

// ---- the public forms ----

export interface ProofFields {
  challenge: string;
  nonce: string;
}

export interface SelfReportInput extends ProofFields {
  headName: string;
  headIdNumber: string;
  phone: string;
  villageCode: string;
  difficulties: DifficultyType[];
  description: string | null;
}

export interface StatusInput extends ProofFields {
  refCode: string;
  headIdNumber: string;
}

export interface ConsentInput extends StatusInput {
  members: { name: string; idNumber: string }[];
}

function proof(c: Check, o: Record<string, unknown>): ProofFields {
  const problem = '人机验证信息无效，请刷新页面后重新提交';
  const challenge = c.string('challenge', o.challenge, { required: true, max: 200 });
  if (challenge && !parseChallenge(challenge)) c.fail('challenge', problem);
  const nonce = c.string('nonce', o.nonce, { required: true, max: 32 });
  if (nonce && !NONCE.test(nonce)) c.fail('nonce', problem);
  return { challenge: challenge ?? '', nonce: nonce ?? '' };
}

function idNumber(c: Check, path: string, v: unknown, what = '身份证号'): string {
  const s = c.string(path, v, { required: true, max: 18 + 2 });
  if (s === null) return '';
  const problem = idNumberProblem(s);
  if (problem) c.fail(path, problem.replace(/^身份证号/, what));
  return s.toUpperCase();
}

function personName(c: Check, path: string, v: unknown): string {
  const s = c.string(path, v, { required: true, max: 30 });
  if (s && /[\d@#$%^&*<>{}[\]\\/]/.test(s)) c.fail(path, '姓名不能包含数字或特殊符号');
  return s ?? '';
}

function refCode(c: Check, v: unknown): string {
  const s = c.string('refCode', v, { required: true, max: 20 });
  if (s === null) return '';
  const code = normalizeRefCode(s);
  if (!isRefCode(code)) c.fail('refCode', `申报编号应为${REF_CODE_LENGTH}位字母和数字（不含 0、1、I、O），请核对`);
  return code;
}

/** The report form: every problem at once, each with its field path. */
export function checkSelfReport(raw: unknown): { input: SelfReportInput | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['challenge', 'nonce', 'headName', 'headIdNumber', 'phone', 'villageCode', 'difficulties', 'description']);
  if (!o) return { input: null, errors: c.errors };
  const headName = personName(c, 'headName', o.headName);
  const headIdNumber = idNumber(c, 'headIdNumber', o.headIdNumber, '户主身份证号');
  const phone = c.string('phone', o.phone, { required: true, max: 20 });
  if (phone && !PHONE.test(phone)) c.fail('phone', '联系电话应为11位手机号或带区号的固定电话');
  const villageCode = c.string('villageCode', o.villageCode, { required: true, max: 12 });
  if (villageCode && !/^\d{12}$/.test(villageCode)) c.fail('villageCode', '请选择所在村（12位区划代码）');
  else if (villageCode && villageCode.endsWith('000')) c.fail('villageCode', '请选择到村（社区）一级');
  const difficulties: DifficultyType[] = [];
  if (o.difficulties === undefined || o.difficulties === null) c.fail('difficulties', '请至少选择一项困难类型');
  else if (!Array.isArray(o.difficulties)) c.fail('difficulties', '应为困难类型的列表');
  else if (o.difficulties.length === 0) c.fail('difficulties', '请至少选择一项困难类型');
  else if (o.difficulties.length > DIFFICULTY_CODES.length) c.fail('difficulties', `最多${DIFFICULTY_CODES.length}项`);
  else
    o.difficulties.forEach((d, i) => {
      if (typeof d !== 'string' || !(d in DIFFICULTY_TYPES)) c.fail(`difficulties[${i}]`, `困难类型应为 ${DIFFICULTY_CODES.join(' / ')} 之一`);
      else if (difficulties.includes(d as DifficultyType)) c.fail(`difficulties[${i}]`, `“${DIFFICULTY_TYPES[d as DifficultyType]}”重复选择`);
      else difficulties.push(d as DifficultyType);
    });
  const description = c.string('description', o.description, { max: MAX_DESCRIPTION });
  if (difficulties.includes('other') && !description) c.fail('description', '选择“其他”时请简要说明遇到的困难');
  const p = proof(c, o);
  if (!c.ok) return { input: null, errors: c.errors };
  return { input: { ...p, headName, headIdNumber, phone: phone!, villageCode: villageCode!, difficulties, description }, errors: [] };
}

export function checkStatusRequest(raw: unknown): { input: StatusInput | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['challenge', 'nonce', 'refCode', 'headIdNumber']);
  if (!o) return { input: null, errors: c.errors };
  const code = refCode(c, o.refCode);
  const head = idNumber(c, 'headIdNumber', o.headIdNumber, '户主身份证号');
  const p = proof(c, o);
  if (!c.ok) return { input: null, errors: c.errors };
  return { input: { ...p, refCode: code, headIdNumber: head }, errors: [] };
}

export function checkConsents(raw: unknown): { input: ConsentInput | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['challenge', 'nonce', 'refCode', 'headIdNumber', 'members']);
  if (!o) return { input: null, errors: c.errors };
  const code = refCode(c, o.refCode);
  const head = idNumber(c, 'headIdNumber', o.headIdNumber, '户主身份证号');
  const members: { name: string; idNumber: string }[] = [];
  if (o.members === undefined || o.members === null) c.fail('members', '请至少填写一位家庭成员');
  else if (!Array.isArray(o.members)) c.fail('members', '应为家庭成员列表');
  else if (o.members.length === 0) c.fail('members', '请至少填写一位家庭成员');
  else if (o.members.length > MAX_CONSENT_MEMBERS) c.fail('members', `一次最多${MAX_CONSENT_MEMBERS}位家庭成员`);
  else
    o.members.forEach((m, i) => {
      const path = `members[${i}]`;
      const mo = c.object(path, m, ['name', 'idNumber', 'consent']);
      if (!mo) return;
      const name = personName(c, `${path}.name`, mo.name);
      const id = idNumber(c, `${path}.idNumber`, mo.idNumber);
      if (mo.consent !== true) c.fail(`${path}.consent`, '须本人阅读并勾选同意承诺授权书');
      const first = members.findIndex((x) => x.idNumber === id);
      if (id && first >= 0) c.fail(`${path}.idNumber`, `与第${first + 1}位成员的身份证号相同`);
      members.push({ name, idNumber: id });
    });
  const p = proof(c, o);
  if (!c.ok) return { input: null, errors: c.errors };
  return { input: { ...p, refCode: code, headIdNumber: head, members }, errors: [] };
}
