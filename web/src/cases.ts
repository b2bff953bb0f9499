/**
 * Identification and elimination cases (PRC-1…8, GRN-1…3), deadlines and the workbench in the
 * UI: API shapes (src/app/cases/case-view.ts, list-cases.ts, src/app/workbench/get-workbench.ts),
 * Chinese labels of step fields and codes (src/domain/identification-case.ts,
 * procedure-steps.ts), and the shared queries.
 */
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api } from './api.ts';
import type { LabelMap } from './labels.ts';
import type { AssessmentResult } from './types.ts';

export interface CaseSummary {
  id: number;
  kind: 'identification' | 'elimination';
  kindName: string;
  householdId: number;
  regionCode: string;
  source: string;
  sourceName: string;
  sourceRef: string | null;
  leadOn: string;
  leadNote: string | null;
  state: string;
  stateName: string;
  greenChannel: boolean;
  greenEnteredOn: string | null;
  category: string | null;
  categoryName: string | null;
  decidedOn: string | null;
  outcome: string | null;
  outcomeReason: string | null;
  previousCaseId: number | null;
  version: number;
}

export interface CaseStep {
  id: number;
  action: string;
  label: string;
  fromState: string;
  toState: string;
  occurredOn: string;
  actorName: string;
  actorRole: string;
  reason: string | null;
  data: Record<string, unknown>;
  recordedAt: string;
}

export interface CaseConsent {
  memberId: number;
  name: string;
  counted: boolean;
  signedOn: string | null;
  delegateName: string | null;
  delegationNote: string | null;
}

export interface CaseAssessment {
  stage: 'verification' | 'county_approval';
  asOf: string;
  engineVersion: string;
  parameters: Record<string, { value: unknown; from: string; reference: string } | null>;
  result: AssessmentResult;
}

export type DueStatus = 'open' | 'due_soon' | 'overdue' | 'closed';

export interface CaseDeadline {
  id: number;
  kind: string;
  label: string;
  clause: string;
  openedOn: string;
  dueOn: string;
  closedOn: string | null;
  status: DueStatus;
  daysLeftText: string;
}

export interface CaseNotification {
  event: string;
  channel: string;
  content: string;
  notifiedOn: string;
}

export interface CaseView extends CaseSummary {
  household: {
    id: number;
    headName: string | null;
    villageGroup: string | null;
    regionPath: string;
    formerlyPoor: boolean;
    monitoringStatus: string;
    monitoringCategory: string | null;
    identifiedOn: string | null;
    eliminatedOn: string | null;
    fallback: boolean;
  };
  steps: CaseStep[];
  consents: CaseConsent[];
  assessments: CaseAssessment[];
  deadlines: CaseDeadline[];
  notifications: CaseNotification[];
  comparisons: CaseComparison[];
  availableSteps: { action: string; label: string }[];
}

/** 信息比对 of the case (PRC-2, Q43). */
export interface CaseComparison {
  id: number;
  requestedOn: string;
  status: 'pending' | 'done' | 'skipped';
  result: 'no_issue' | 'issue_found' | null;
  findings: string | null;
  completedOn: string | null;
  reliesOnId: number | null;
  version: number;
}
export const COMPARISON_STATUS: LabelMap = { pending: '待反馈', done: '已比对', skipped: '三个月内已比对，免于重复比对（Q43）' };
export const COMPARISON_RESULT: LabelMap = { no_issue: '未发现异常', issue_found: '发现异常' };

export interface CaseListItem {
  id: number;
  kind: string;
  kindName: string;
  householdId: number;
  headName: string | null;
  regionCode: string;
  regionName: string | null;
  source: string;
  sourceName: string;
  leadOn: string;
  state: string;
  stateName: string;
  greenChannel: boolean;
  category: string | null;
  categoryName: string | null;
  outcome: string | null;
  dueOn: string | null;
  dueStatus: DueStatus | null;
  daysLeftText: string | null;
  version: number;
}

export interface WorkbenchTask {
  type: 'case' | 'deadline';
  deadlineId?: number;
  caseId: number | null;
  householdId: number | null;
  headName: string | null;
  regionCode: string;
  regionName: string | null;
  title: string;
  dueOn: string | null;
  status: DueStatus;
  daysLeftText: string;
}

export interface Workbench {
  today: string;
  tasks: WorkbenchTask[];
  totals: { overdue: number; dueSoon: number; open?: number; computedFor?: string | null };
  overdueByRegion: { regionCode: string; regionName: string; overdue: number; dueSoon?: number }[];
  scheduler: { lastSuccessAt: string; ranFor: string } | null;
}

export const WORKBENCH_KEY = ['workbench'] as const;

export function useWorkbench() {
  return useQuery({ queryKey: WORKBENCH_KEY, queryFn: () => api.get<Workbench>('/workbench') });
}

/**
 * The server's date (China time, and the clock the deadlines use): default for date fields, so a
 * browser in another time zone does not offer a date the server calls "tomorrow".
 */
export function useServerToday(): string {
  const q = useWorkbench();
  return q.data?.today ?? dayjs().format('YYYY-MM-DD');
}

export const caseKey = (id: number | string) => ['case', String(id)] as const;

export function useCase(id: string | undefined) {
  return useQuery({ queryKey: caseKey(id ?? ''), queryFn: () => api.get<CaseView>(`/cases/${id}`), enabled: !!id });
}

export const DUE_STATUS: LabelMap = { open: '未到期', due_soon: '即将到期', overdue: '已逾期', closed: '已办结' };
export const DUE_STATUS_COLOR: LabelMap = { open: 'blue', due_soon: 'orange', overdue: 'red', closed: 'default' };

export const CASE_KIND: LabelMap = { identification: '监测对象识别', elimination: '风险消除' };

/** Terminal states that end well (green), badly or without change (grey); the rest are in progress. */
export function stateColor(state: string, outcome: string | null): string {
  if (['entered', 'announced', 'approved'].includes(state)) return 'green';
  if (outcome || ['rejected', 'not_identified', 'not_eliminated', 'green_exit'].includes(state)) return 'default';
  if (state === 'in_notice') return 'gold';
  return 'processing';
}

export const APPRAISAL_FORM: LabelMap = {
  villagers_meeting: '村民大会', representatives_meeting: '村民代表大会', enlarged_two_committees: '村“两委”扩大会议',
};
export const APPRAISAL_RESULT: LabelMap = { passed: '通过', not_passed: '未通过' };
export const NOTIFY_CHANNEL: LabelMap = { in_person: '当面告知', phone: '电话告知', sms: '短信', written: '书面告知', miniprogram: '小程序消息' };
export const NOT_IDENTIFIED_REASON: LabelMap = {
  above_range_no_hardship: '收入超过监测范围，无刚性支出或收入骤减', risk_self_resolvable: '风险可依靠自身力量解决', no_risk: '无返贫致贫风险',
  not_rural_registration: '非农村户籍', appraisal_not_passed: '民主评议未通过', objection_upheld: '公示异议经核实成立',
  withdrawn: '农户撤回申报', other: '其他',
};
export const NOT_ELIMINATED_REASON: LabelMap = {
  income_not_stable: '收入尚不稳定', risk_not_resolved: '风险尚未消除', guarantees_not_secured: '“三保障”和饮水安全尚未巩固',
  measures_not_implemented: '帮扶措施尚未落实', fallback_household: '整户无劳动能力兜底保障户（Q34）', objection_upheld: '公示异议经核实成立', other: '其他',
};
export const ASSESSMENT_STAGE: LabelMap = { verification: '入户核实时', county_approval: '县级审批时' };

/** Measure types the township may propose (src/domain/measures.ts). */
export const PROPOSED_MEASURE: LabelMap = {
  industry: '产业帮扶', employment_workshop: '帮扶车间就业', public_welfare_job: '公益性岗位',
  cross_province_transport_subsidy: '跨省就业一次性交通补助', micro_credit_interest_subsidy: '小额信贷贴息', yulu_plan: '雨露计划',
  education: '教育帮扶', health: '健康帮扶', housing_safety: '住房安全保障', drinking_water: '饮水安全保障', dibao: '农村低保',
  tekun: '特困人员救助供养', temporary_assistance: '临时救助', work_relief: '以工代赈', insurance: '防贫保险', other: '其他',
};

/** Labels of step fields (form items, timeline data and server error paths). */
export const STEP_FIELD: LabelMap = {
  occurredOn: '核实日期', visitors: '核实人员', findings: '核实情况', form: '评议形式', heldOn: '评议日期', attendance: '参会人数',
  result: '评议结果', minutes: '会议记录', startOn: '公示开始日期', endOn: '公示结束日期', objectionUnit: '异议受理单位',
  objectionPhone: '异议受理电话', objections: '异议件数', objectionSummary: '异议内容及处理情况', objectionsUpheld: '异议经核实成立',
  opinion: '审核意见', proposedMeasures: '拟采取的帮扶措施', category: '监测类别', reason: '理由', announcedOn: '公告日期',
  documentNumber: '公告文号', enteredOn: '录入日期', systemRef: '系统编号', reasonCode: '结案原因', facts: '突发困难事实',
  notifyChannel: '告知农户方式', assessment: '评估结论', suspendedMeasures: '中止帮扶措施（项）', memberId: '家庭成员',
  signedOn: '签署日期', delegateMemberId: '代签成员', delegationNote: '书面委托说明', householdId: '农户', source: '线索来源',
  leadOn: '线索发现日期', leadNote: '线索情况', sourceRef: '来源编号', consents: '承诺授权书', state: '案件状态', version: '版本',
  risks: '风险', checks: '风险消除条件',
};
