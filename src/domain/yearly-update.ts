import type { Check } from './validation.ts';

/**
 * The yearly basic-information update (年度基础信息更新, REG-6, Q48). Monitored households and
 * those whose risk was eliminated both get a task each year; records are kept, never deleted.
 */
export const YEARLY_UPDATE_STATUSES = ['pending', 'done'] as const;
export type YearlyUpdateStatus = (typeof YEARLY_UPDATE_STATUSES)[number];
export const YEARLY_UPDATE_STATUS_NAMES: Record<YearlyUpdateStatus, string> = { pending: '待更新', done: '已更新' };

/** Q48: "已消除风险的监测对象" keep their yearly update, like the monitored ones. */
export const YEARLY_UPDATE_MONITORING_STATUSES = ['monitored', 'eliminated'] as const;

/** The transition period (过渡期) the guide speaks of began in 2021. */
export const FIRST_UPDATE_YEAR = 2021;

/** A year from a body (number) or a query string ('2024'): from 2021 to the current year. */
export function checkYear(c: Check, path: string, v: unknown, today: string, required = true): number | null {
  if (v === undefined || v === null || v === '') {
    if (required) c.fail(path, '必填');
    return null;
  }
  const n = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : v;
  const current = Number(today.slice(0, 4));
  if (typeof n !== 'number' || !Number.isInteger(n)) return c.fail(path, '年度应为4位整数，如 2024'), null;
  if (n < FIRST_UPDATE_YEAR || n > current)
    return c.fail(path, `年度应在 ${FIRST_UPDATE_YEAR}–${current} 之间（不能为尚未到来的年度，Q48）`), null;
  return n;
}

