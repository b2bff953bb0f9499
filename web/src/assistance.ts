/** Assistance plans and measures in the UI (AST-1…5): API shapes, labels and shared queries. */
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { LabelMap } from './labels.ts';

export interface CatalogueEntry {
  type: string;
  name: string;
  departmentKind: string | null;
  developmental: boolean | null;
  fallback: boolean;
  endRule: string;
  clause: string;
}

export interface Catalogue {
  types: CatalogueEntry[];
  excludedForms: Record<string, string>;
  endRules: Record<string, string>;
  periodEndNames: Record<string, string>;
}

export interface MeasureView {
  id: number;
  planId: number;
  householdId: number;
  type: string;
  typeName: string;
  departmentKind: string | null;
  departmentName: string;
  developmental: boolean;
  fallback: boolean;
  form: string | null;
  description: string;
  plannedStart: string;
  periodEnd: string | null;
  endRule: string;
  endRuleName: string;
  status: string;
  statusName: string;
  startedOn: string | null;
  implementedOn: string | null;
  endedOn: string | null;
  suspendedOn: string | null;
  suspendedReason: string | null;
  version: number;
  canUpdate: boolean;
  nextStatuses: string[];
}

/** A row of GET /measures and /supervision/overdue-measures. */
export interface MeasureListItem extends MeasureView {
  regionCode: string;
  regionName: string | null;
  headName: string | null;
  monitoringStatus: string;
  overdue: ('not_started' | 'not_ended')[];
}

export interface PlanView {
  id: number;
  householdId: number;
  caseId: number | null;
  proposedOn: string;
  publishedOn: string | null;
  developmentDeclinedReason: string | null;
  note: string | null;
  version: number;
  publicationDeadline?: { dueOn: string; closedOn: string | null; status: string; clause: string } | null;
}

export interface PlanCheck {
  rule: string;
  clause: string;
  ok: boolean;
  message: string;
}

export interface HouseholdPlan {
  householdId: number;
  monitoringStatus: string;
  identifiedOn: string | null;
  plan: PlanView | null;
  plans: PlanView[];
  measures: MeasureView[];
  checks: PlanCheck[];
  canWritePlan: boolean;
}

export const MEASURE_STATUS: LabelMap = { planned: '计划', implementing: '实施中', implemented: '已实施', ended: '已结束', suspended: '已暂停' };
export const MEASURE_STATUS_COLOR: LabelMap = { planned: 'default', implementing: 'processing', implemented: 'green', ended: 'default', suspended: 'orange' };
/** The button that moves a measure to a status. */
export const STATUS_ACTION: LabelMap = { implementing: '开始实施', implemented: '实施完成', ended: '结束', suspended: '暂停' };
export const OVERDUE: LabelMap = { not_started: '逾期未实施', not_ended: '期满未结束' };
export const GAP_KIND: LabelMap = {
  no_measure: '无帮扶措施（Q23）', no_developmental: '有劳力无开发式措施（Q24）', fallback_only: '有劳力仅兜底（Q8）',
};

export const planKey = (householdId: number) => ['household-plan', householdId];

export function useCatalogue() {
  return useQuery({ queryKey: ['measure-catalogue'], queryFn: () => api.get<Catalogue>('/measure-catalogue'), staleTime: Infinity });
}

/** The status-change buttons of a measure (resuming a suspended one is labelled as such). */
export const actionLabel = (from: string, to: string) => (from === 'suspended' && to === 'implementing' ? '恢复实施' : STATUS_ACTION[to] ?? to);
