/**
 * Household self-report (WRN-5) in the UI: the public page's calls and the village worklist's
 * (API shapes from src/app/self-report/*, rules and labels from src/domain/self-report.ts).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Page } from '../types.ts';
import type { SelfReportListItem, SelfReportView } from '../../../src/app/self-report/self-report-view.ts';

export type { SelfReportListItem, SelfReportView };

/** Dates travel as ISO text. */
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] extends object[] ? Json<T[K][number]>[] : T[K] };
export type ReportItem = Json<SelfReportListItem>;
export type ReportDetail = Json<SelfReportView>;

export interface PublicRegion {
  code: string;
  name: string;
  level: number;
  hasChildren: boolean;
}

export const REPORT_STATE_COLOR: Record<string, string> = { received: 'orange', case_opened: 'blue', task_opened: 'purple', rejected: 'default' };

export function useSelfReports(q: { state?: string; regionCode?: string; page: number; pageSize: number }) {
  return useQuery({ queryKey: ['self-reports', 'list', q], queryFn: () => api.get<Page<ReportItem>>('/self-reports', q), placeholderData: keepPreviousData });
}

export function useSelfReport(id: number | null, reveal: boolean) {
  return useQuery({
    queryKey: ['self-reports', 'detail', id, reveal],
    queryFn: () => api.get<ReportDetail>(`/self-reports/${id}`, reveal ? { reveal: 'true' } : undefined),
    enabled: id !== null,
    staleTime: 0,
  });
}

export function usePublicRegions(parent: string | null) {
  return useQuery({
    queryKey: ['public-regions', parent],
    queryFn: () => api.get<PublicRegion[]>('/public/regions', parent ? { parent } : undefined),
    staleTime: Infinity,
  });
}
