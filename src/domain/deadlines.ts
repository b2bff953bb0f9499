import { defaultParameters, type Parameters, type ParameterName } from '../policy/parameters.ts';
import type { Role } from './roles.ts';

/**
 * Deadlines (PRC-7): each time limit of the guide is a due date computed from the event that
 * opens it and the dated policy parameter in force on that day (DHIS2 style: relative to a
 * dated event). Nothing here reads a clock; callers pass the dates.
 */

/** `responsibleRole: 'case'` means whoever may take the case's next step. */
export interface DeadlineRule {
  kind: DeadlineKind;
  label: string;
  parameter: ParameterName;
  unit: 'days' | 'months';
  clause: string;
  responsibleRole: Role | 'case';
}

export const DEADLINE_RULES = {
  lead_to_identification: {
    label: '线索发现至认定（15日内）', parameter: 'lead_to_identification_max_days', unit: 'days', clause: 'Q42', responsibleRole: 'case',
  },
  notice_period: {
    label: '村内公示期（不少于5天）', parameter: 'village_notice_min_days', unit: 'days', clause: 'Q42', responsibleRole: 'village',
  },
  system_entry: {
    label: '审批后录入系统（10日内）', parameter: 'system_entry_max_days', unit: 'days', clause: 'Q45', responsibleRole: 'county',
  },
  plan_publication: {
    label: '帮扶计划制定并在村公示（审批后10日内）', parameter: 'plan_publication_max_days', unit: 'days', clause: 'Q27', responsibleRole: 'village',
  },
  green_channel: {
    label: '绿色通道核实认定（1个月内）', parameter: 'green_channel_verification_months', unit: 'months', clause: 'Q29', responsibleRole: 'county',
  },
  member_change: {
    label: '人口自然变更（3个月内）', parameter: 'member_change_max_months', unit: 'months', clause: 'Q20', responsibleRole: 'village',
  },
  verification_task: {
    label: '预警线索入户核实（7日内）', parameter: 'verification_task_max_days', unit: 'days', clause: 'Q43', responsibleRole: 'village',
  },
  // 12317 tickets: the assignee's level answers (township or county); an escalation raises the role.
  hotline_consultation: {
    label: '12317咨询工单答复（3日内）', parameter: 'hotline_consultation_max_days', unit: 'days', clause: 'Q52', responsibleRole: 'county',
  },
  hotline_self_report: {
    label: '12317申报工单办结（7日内）', parameter: 'hotline_self_report_max_days', unit: 'days', clause: 'Q52', responsibleRole: 'county',
  },
  hotline_tip_off: {
    label: '12317举报工单核实答复（15日内）', parameter: 'hotline_tip_off_max_days', unit: 'days', clause: 'Q52', responsibleRole: 'county',
  },
} as const satisfies Record<string, Omit<DeadlineRule, 'kind'>>;

export type DeadlineKind = keyof typeof DEADLINE_RULES;

export function deadlineRule(kind: DeadlineKind): DeadlineRule {
  return { kind, ...DEADLINE_RULES[kind] };
}

/** Deadlines this close (in days, inclusive) are "due soon". An operating setting, not policy. */
export const DUE_SOON_DAYS = 3;

const DAY_MS = 86_400_000;
const toUtc = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(iso: string, days: number): string {
  return fromUtc(toUtc(iso) + days * DAY_MS);
}

/** Same day `months` later, clamped to the month's last day (2023-01-31 + 1 month = 2023-02-28). */
export function addMonths(iso: string, months: number): string {
  const y = +iso.slice(0, 4);
  const m = +iso.slice(5, 7) - 1 + months;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(year, month, Math.min(+iso.slice(8, 10), last)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** The due date of a deadline opened on `openedOn`, with the parameter in force that day. */
export function dueDate(kind: DeadlineKind, openedOn: string, parameters: Parameters = defaultParameters()): string {
  const rule = DEADLINE_RULES[kind];
  const n = parameters.valueAt(rule.parameter, openedOn) as number;
  return rule.unit === 'days' ? addDays(openedOn, n) : addMonths(openedOn, n);
}

export type DeadlineStatus = 'open' | 'due_soon' | 'overdue' | 'closed';

export function deadlineStatus(dueOn: string, today: string, closedOn: string | null = null): DeadlineStatus {
  if (closedOn) return 'closed';
  const left = daysBetween(today, dueOn);
  if (left < 0) return 'overdue';
  return left <= DUE_SOON_DAYS ? 'due_soon' : 'open';
}

/** "还剩3天" / "今天到期" / "已逾期2天" for the workbench. */
export function daysLeftText(dueOn: string, today: string): string {
  const left = daysBetween(today, dueOn);
  if (left > 0) return `还剩${left}天`;
  if (left === 0) return '今天到期';
  return `已逾期${-left}天`;
}
