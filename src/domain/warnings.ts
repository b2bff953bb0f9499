import type { RiskType } from '../policy/types.ts';
import type { LeadSource } from './identification-case.ts';
import type { DepartmentKind } from './roles.ts';

/**
 * Line-department warnings (WRN-1, Q43): each type belongs to one department kind, starts a lead
 * of one source (a dibao/特困 application is its own source: IDN-7, Q8) and, on a monitoring
 * object, proposes a risk of one type for the cadre to confirm.
 */
export interface WarningType {
  label: string;
  department: DepartmentKind;
  source: LeadSource;
  risk: RiskType;
}

export const WARNING_TYPES = {
  medical_cost: { label: '医疗费用超过预警线', department: 'medical_insurance', source: 'department_warning', risk: 'illness' },
  dibao_application: { label: '新申请农村低保', department: 'civil_affairs', source: 'dibao_application', risk: 'other' },
  tekun_application: { label: '新申请特困供养', department: 'civil_affairs', source: 'tekun_application', risk: 'other' },
  assistance_status_change: { label: '低保、特困状态变化', department: 'civil_affairs', source: 'department_warning', risk: 'other' },
  school_dropout: { label: '义务教育阶段辍学', department: 'education', source: 'department_warning', risk: 'compulsory_education' },
  dangerous_housing: { label: '住房安全（危房）', department: 'housing', source: 'department_warning', risk: 'housing_safety' },
  drinking_water: { label: '饮水安全问题', department: 'water', source: 'department_warning', risk: 'drinking_water' },
  disaster_accident: { label: '自然灾害或意外事故', department: 'emergency_management', source: 'department_warning', risk: 'disaster' },
  unemployment: { label: '失业或返乡（务工中断）', department: 'human_resources', source: 'department_warning', risk: 'employment' },
  new_disability: { label: '新增残疾', department: 'disabled_persons_federation', source: 'department_warning', risk: 'disability' },
} as const satisfies Record<string, WarningType>;

export type WarningTypeCode = keyof typeof WARNING_TYPES;
export const WARNING_TYPE_CODES = Object.keys(WARNING_TYPES) as WarningTypeCode[];

export const WARNING_TYPE_NAMES: Record<string, string> = {
  ...Object.fromEntries(WARNING_TYPE_CODES.map((k) => [k, WARNING_TYPES[k].label])),
  tip_off: '12317举报',
  self_report: '农户自主申报',
};

/** The warning types a department of `kind` may push. */
export function warningTypesOf(kind: DepartmentKind | null): WarningTypeCode[] {
  return WARNING_TYPE_CODES.filter((t) => WARNING_TYPES[t].department === kind);
}

export const WARNING_CHANNEL_NAMES = { page: '网页录入', file: '文件导入', api: '接口推送' } as const;

/** What became of a warning: a new task, merged into an open one, or a person not in the registry. */
export const WARNING_OUTCOME_NAMES = { task: '已生成核实任务', merged: '已合并到办理中的任务', unknown: '未在监测系统登记' } as const;

export const QUEUE_STATE_NAMES = { pending: '待查找', located: '已找到并生成任务', rejected: '已退回' } as const;

/**
 * The merge rule (WRN-1): a second warning about the same person and type while that task is
 * open joins it. The key is the person's blind index, so the rule holds across households and
 * channels; a tip-off about a household without a named person is keyed by the household.
 */
export function mergeKey(subject: { memberBidx?: string | null; householdId?: number | null; ticketId?: number | null }): string {
  if (subject.memberBidx) return `member:${subject.memberBidx}`;
  if (subject.householdId) return `household:${subject.householdId}`;
  if (subject.ticketId) return `ticket:${subject.ticketId}`;
  throw new Error('mergeKey: no subject');
}
