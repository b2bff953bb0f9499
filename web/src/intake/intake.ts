/**
 * Intake (WRN-1, WRN-6, GRN-3) as the UI uses it: the server's views (types only, from
 * src/app/intake and src/app/security), the queries and the few UI-only labels and colours.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { LabelMap } from '../labels.ts';
import type { Page } from '../types.ts';
import type { listDepartmentWarnings, warningTypes } from '../../../src/app/intake/list-warnings.ts';
import type { getVerificationTask, listVerificationTasks } from '../../../src/app/intake/list-tasks.ts';
import type { warningPrecision } from '../../../src/app/intake/warning-precision.ts';
import type { submitWarnings } from '../../../src/app/intake/submit-warnings.ts';
import type { locateQueuedWarning } from '../../../src/app/intake/resolve-queued-warning.ts';
import type { dispatchMessages, listHouseholdMessages } from '../../../src/app/intake/household-messages.ts';
import type { issueApiToken, listApiTokens } from '../../../src/app/security/api-tokens.ts';

/** A server value as JSON brings it: dates become ISO strings. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type WarningList = Json<Awaited<ReturnType<typeof listDepartmentWarnings>>>;
export type WarningItem = WarningList['items'][number];
export type WarningCounts = WarningList['counts'];
export type WarningTypes = Json<ReturnType<typeof warningTypes>>;
export type WarningTypeOption = WarningTypes['types'][number];
export type SubmitResult = Json<Awaited<ReturnType<typeof submitWarnings>>>;
export type Precision = Json<Awaited<ReturnType<typeof warningPrecision>>>;
export type PrecisionRow = Precision['rows'][number];
export type TaskList = Json<Awaited<ReturnType<typeof listVerificationTasks>>>;
export type TaskItem = TaskList['items'][number];
export type TaskDetail = Json<Awaited<ReturnType<typeof getVerificationTask>>>;
export type LocateResult = Json<Awaited<ReturnType<typeof locateQueuedWarning>>>;
export type MessageList = Json<Awaited<ReturnType<typeof listHouseholdMessages>>>;
export type MessageItem = MessageList['items'][number];
export type DispatchResult = Json<Awaited<ReturnType<typeof dispatchMessages>>>;
export type ApiToken = Json<Awaited<ReturnType<typeof listApiTokens>>>['items'][number];
export type IssuedToken = Json<Awaited<ReturnType<typeof issueApiToken>>>;

/** The one warning a page form or a pasted line sends (POST /warnings `warnings[]`). */
export interface WarningPayload {
  type: string;
  name: string;
  idNumber: string;
  warnedOn: string;
  detail: string | null;
  sourceRef: string | null;
  regionCode: string | null;
}

export const OUTCOME_COLOR: LabelMap = { task: 'blue', merged: 'cyan', unknown: 'orange' };
export const TASK_STATE_COLOR: LabelMap = { open: 'processing', no_risk: 'green', case_opened: 'red', risk_recorded: 'purple' };
export const QUEUE_STATE_COLOR: LabelMap = { pending: 'orange', located: 'green', rejected: 'default' };
export const MESSAGE_STATUS_COLOR: LabelMap = { queued: 'processing', sent: 'green', failed: 'red', undeliverable: 'orange' };
/** GET /household-messages?status= (src/app/intake/household-messages.ts MESSAGE_STATUS_NAMES). */
export const MESSAGE_STATUS: LabelMap = { queued: '待发送', sent: '已发送', failed: '发送失败', undeliverable: '无号码，须当面或电话告知' };
export const MESSAGE_CHANNEL: LabelMap = { sms: '短信', miniprogram: '小程序消息', phone: '电话告知', written: '书面告知', in_person: '当面告知' };

/** Labels of the intake API's field names, for error summaries. */
export const INTAKE_FIELDS: LabelMap = {
  type: '预警类型', name: '姓名', idNumber: '身份证号', warnedOn: '预警日期', detail: '预警内容', sourceRef: '来源单号', regionCode: '所在区划',
  outcome: '核实结论', visitedOn: '入户核实日期', visitors: '核实人员', findings: '核实情况', reasonCode: '无风险的原因', reason: '原因说明',
  riskType: '新增风险类型', householdId: '农户', version: '版本', userId: '部门账号', expiresOn: '有效期至', from: '开始日期', to: '结束日期',
};

/** `warnings[3].idNumber` → 第4条 · 身份证号; `visitedOn` → 入户核实日期. */
export function describeIntakePath(path: string): string {
  const m = /^warnings\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (m) return `第${Number(m[1]) + 1}条${m[2] ? ` · ${INTAKE_FIELDS[m[2]] ?? m[2]}` : ''}`;
  return INTAKE_FIELDS[path] ?? path;
}

/** Roles that see the county's queue with full ID numbers (authz `warning:queue`). */
export const QUEUE_ROLES = ['county'];
/** Roles that read warning precision (authz `warning:precision`), besides the department itself. */
export const PRECISION_ROLES = ['county', 'city', 'province', 'national'];
/** Roles that read verification tasks (authz `task:read`); the first two record visits (`task:resolve`). */
export const TASK_ROLES = ['village', 'township', 'county', 'city', 'province', 'national'];
export const RESOLVING_ROLES = ['village', 'township'];
/** Roles that may send the message queue now (authz `message:send`, the work roles among them). */
export const SENDING_ROLES = ['county', 'city', 'province', 'national'];

export const WARNINGS_KEY = ['warnings'] as const;
export const TASKS_KEY = ['verification-tasks'] as const;

export function useWarningTypes() {
  return useQuery({ queryKey: [...WARNINGS_KEY, 'types'], queryFn: () => api.get<WarningTypes>('/warnings/types'), staleTime: Infinity });
}

export function useWarnings(q: { outcome?: string; queue?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...WARNINGS_KEY, 'list', q],
    queryFn: () => api.get<WarningList>('/warnings', q),
    placeholderData: keepPreviousData,
  });
}

export function usePrecision(range: { from?: string; to?: string }) {
  return useQuery({
    queryKey: [...WARNINGS_KEY, 'precision', range],
    queryFn: () => api.get<Precision>('/warnings/precision', range),
    placeholderData: keepPreviousData,
  });
}

export function useTasks(q: { state?: string; overdue?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...TASKS_KEY, 'list', q],
    queryFn: () => api.get<TaskList>('/verification-tasks', q),
    placeholderData: keepPreviousData,
  });
}

export const taskKey = (id: string | number) => [...TASKS_KEY, 'one', String(id)] as const;

export function useTask(id: string | undefined) {
  return useQuery({ queryKey: taskKey(id ?? ''), queryFn: () => api.get<TaskDetail>(`/verification-tasks/${id}`), enabled: !!id });
}

export function useMessages(q: { status?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: ['household-messages', q],
    queryFn: () => api.get<MessageList>('/household-messages', q),
    placeholderData: keepPreviousData,
  });
}

export type { Page };
