/** Import jobs (DAT-1) as the UI uses them: the server's views, the queries, progress figures. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { ImportJobView } from '../../../src/app/imports/views.ts';
import type { ColumnSpec, SheetSpec } from '../../../src/domain/sheets/spec.ts';
import type { Page } from '../types.ts';

type Timestamps = 'createdAt' | 'startedAt' | 'finishedAt';
/** A job view as JSON brings it: timestamps are ISO strings. */
export type ImportJob = Omit<ImportJobView, Timestamps> & { createdAt: string; startedAt: string | null; finishedAt: string | null };

/** One importable sheet of GET /imports/sheets: its worksheets and their column rules. */
export interface ImportSheet {
  key: string;
  title: string;
  sheets: (Pick<SheetSpec, 'name' | 'identity'> & { columns: (Pick<ColumnSpec, 'header' | 'required' | 'type' | 'rule'> & { clause: string | null })[] })[];
}

export const PHASE_NAMES: Record<string, string> = { reading: '读取', validating: '校验', writing: '写入' };

export const STATUS_COLORS: Record<ImportJob['status'], string> = {
  queued: 'default', running: 'processing', succeeded: 'success', rejected: 'error', failed: 'warning',
};

export const isEnded = (job: Pick<ImportJob, 'status'>) => job.status === 'succeeded' || job.status === 'rejected' || job.status === 'failed';

/** How often a running job is asked for its progress. */
const POLL_MS = 700;
/** Problems listed on the page (the error report has them all). */
const PROBLEMS_SHOWN = 1000;

export const IMPORTS_KEY = ['imports'] as const;
export const jobKey = (id: number) => [...IMPORTS_KEY, 'job', id] as const;

export function useImportSheets() {
  return useQuery({ queryKey: [...IMPORTS_KEY, 'sheets'], queryFn: () => api.get<ImportSheet[]>('/imports/sheets'), staleTime: Infinity });
}

/** A job, polled while it is queued or running. */
export function useImportJob(id: number) {
  return useQuery({
    queryKey: jobKey(id),
    queryFn: () => api.get<ImportJob>(`/imports/${id}`, { problems: PROBLEMS_SHOWN }),
    refetchInterval: (q) => (q.state.data && isEnded(q.state.data) ? false : POLL_MS),
    staleTime: 0,
  });
}

export function useImportJobs(paging: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...IMPORTS_KEY, 'list', paging],
    queryFn: () => api.get<Page<ImportJob>>('/imports', paging),
    placeholderData: keepPreviousData,
  });
}

/**
 * The bar's percentage: the total rows are unknown while reading, so reading and checking fill
 * the first part by phase, and the write (whose size is known by then) the rest row by row.
 */
export function jobPercent(job: ImportJob): number {
  if (isEnded(job)) return 100;
  if (job.status === 'queued') return 0;
  if (job.phase === 'reading') return 10;
  if (job.phase === 'validating') return 30;
  if (job.phase === 'writing') return 40 + Math.round((60 * job.rowsWritten) / Math.max(1, job.toWrite ?? job.rowsWritten));
  return 5;
}

/**
 * What a job's three counters mean: rows created / updated / unchanged for the registry sheets;
 * for department warnings (src/app/imports/import-warnings.ts) new verification tasks, warnings
 * merged into an open task, and persons not in the registry (the county's queue).
 */
export function counterLabels(job: Pick<ImportJob, 'sheet' | 'dryRun'>): { created: string; updated: string; unchanged: string } {
  const will = job.dryRun ? '将' : '';
  if (job.sheet === 'warnings') return { created: `${will}新生成核实任务`, updated: `${will}合并到办理中的任务`, unchanged: '未在系统登记' };
  return { created: `${will}新增`, updated: `${will}更新`, unchanged: '与系统一致' };
}

/** The result line of a succeeded job; the warnings sheet says it in its own terms. */
export function succeededMessage(job: Pick<ImportJob, 'sheet' | 'dryRun' | 'created' | 'updated' | 'unchanged' | 'message'>): string | null {
  if (job.sheet !== 'warnings') return job.message;
  const total = job.created + job.updated + job.unchanged;
  const counts = `新生成核实任务 ${job.created} 个，合并到办理中的任务 ${job.updated} 条，未在系统登记 ${job.unchanged} 条${job.unchanged ? '（进入县级待查队列）' : ''}`;
  return job.dryRun ? `校验通过（未写入）：文件中 ${total} 条预警，导入将${counts}` : `导入完成：收到 ${total} 条预警，${counts}`;
}

export const fmtTime = (v: string | null) => (v ? new Date(v).toLocaleString('zh-CN', { hour12: false }) : '—');
