import { CLAIM_STATUSES, CLAIM_TYPES, EXPENSE_TYPES, INCOME_TYPES, RISK_TYPES } from '../policy/types.ts';
import { hasAtMostTwoDecimals, yuanToFen } from './money.ts';
import type { Check } from './validation.ts';

/**
 * The records the rules engine reads from the registry (INC-1…3, IDN-3): income over month
 * ranges by type (optionally per member), claims, expenditure by type, and risks.
 */
export const RECORD_KINDS = ['incomes', 'claims', 'expenses', 'risks'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export const RECORD_TABLES = {
  incomes: 'income_record', claims: 'claim_record', expenses: 'expense_record', risks: 'risk_record',
} as const;
export const RECORD_KIND_NAMES: Record<RecordKind, string> = { incomes: '收入', claims: '家庭理赔', expenses: '支出', risks: '风险' };

function month(c: Check, path: string, v: unknown): string | null {
  if (v === undefined || v === null || v === '') return c.fail(path, '必填'), null;
  if (typeof v !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) return c.fail(path, '月份格式应为 YYYY-MM'), null;
  return v;
}

function amountFen(c: Check, path: string, v: unknown): number | null {
  if (v === undefined || v === null || v === '') return c.fail(path, '必填'), null;
  if (typeof v !== 'number' || !Number.isFinite(v)) return c.fail(path, '金额应为数字（元）'), null;
  if (v < 0) return c.fail(path, '金额不能为负数'), null;
  if (!hasAtMostTwoDecimals(v)) return c.fail(path, '金额最多两位小数'), null;
  if (v > 1e10) return c.fail(path, '金额过大'), null;
  return yuanToFen(v);
}

const FIELDS: Record<RecordKind, string[]> = {
  incomes: ['type', 'amount', 'from', 'to', 'memberId', 'note'],
  claims: ['type', 'amount', 'month', 'status', 'note'],
  expenses: ['type', 'amount', 'month', 'note'],
  risks: ['type', 'selfResolvable', 'incomeDrop', 'resolved', 'foundOn', 'resolvedOn', 'note'],
};

/**
 * Validates a record body and maps it to table columns. `partial` is an edit: only the fields
 * given are checked (plus `version` and `reason`).
 */
export function checkRecord(kind: RecordKind, c: Check, raw: unknown, partial = false): Record<string, unknown> {
  const o = c.object('', raw, FIELDS[kind].concat(partial ? ['version', 'reason'] : []));
  if (!o) return {};
  const has = (k: string) => !partial || k in o;
  const out: Record<string, unknown> = {};
  const set = (col: string, v: unknown) => {
    if (v !== null && v !== undefined) out[col] = v;
  };
  if (has('note')) out.note = c.string('note', o.note, { max: 500 });
  if (kind === 'incomes') {
    if (has('type')) set('type', c.oneOf('type', o.type, INCOME_TYPES));
    if (has('amount')) set('amount_fen', amountFen(c, 'amount', o.amount));
    if (has('from')) set('from_month', month(c, 'from', o.from));
    if (has('to')) set('to_month', month(c, 'to', o.to));
    if (out.from_month && out.to_month && (out.to_month as string) < (out.from_month as string)) c.fail('to', '截止月份不能早于起始月份');
    if (has('memberId')) out.member_id = c.id('memberId', o.memberId);
  } else if (kind === 'claims') {
    if (has('type')) set('type', c.oneOf('type', o.type, CLAIM_TYPES));
    if (has('amount')) set('amount_fen', amountFen(c, 'amount', o.amount));
    if (has('month')) set('month', month(c, 'month', o.month));
    if (has('status')) set('status', c.oneOf('status', o.status, CLAIM_STATUSES));
  } else if (kind === 'expenses') {
    if (has('type')) set('type', c.oneOf('type', o.type, EXPENSE_TYPES));
    if (has('amount')) set('amount_fen', amountFen(c, 'amount', o.amount));
    if (has('month')) set('month', month(c, 'month', o.month));
  } else {
    if (has('type')) set('type', c.oneOf('type', o.type, RISK_TYPES));
    if (has('selfResolvable')) set('self_resolvable', c.boolean('selfResolvable', o.selfResolvable));
    if (has('incomeDrop')) out.income_drop = o.incomeDrop === undefined ? false : c.boolean('incomeDrop', o.incomeDrop);
    if (has('resolved')) out.resolved = o.resolved === undefined ? false : c.boolean('resolved', o.resolved);
    if (has('foundOn')) out.found_on = c.date('foundOn', o.foundOn);
    if (has('resolvedOn')) out.resolved_on = c.date('resolvedOn', o.resolvedOn);
    if (out.resolved_on && out.resolved === false) c.fail('resolvedOn', '风险未解决时不应填写解决日期');
  }
  return out;
}

/** API view of a stored record (amounts back in yuan). */
export function recordView(kind: RecordKind, r: Record<string, any>) {
  const base = { id: r.id, note: r.note, version: r.version, voided: r.voided_at != null, voidReason: r.void_reason };
  if (kind === 'incomes') return { ...base, type: r.type, amount: r.amount_fen / 100, from: r.from_month, to: r.to_month, memberId: r.member_id };
  if (kind === 'claims') return { ...base, type: r.type, amount: r.amount_fen / 100, month: r.month, status: r.status };
  if (kind === 'expenses') return { ...base, type: r.type, amount: r.amount_fen / 100, month: r.month };
  return { ...base, type: r.type, selfResolvable: r.self_resolvable, incomeDrop: r.income_drop, resolved: r.resolved, foundOn: r.found_on, resolvedOn: r.resolved_on };
}

export function isRecordKind(v: string): v is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(v);
}
