import type { RowProblem } from '../../domain/sheets/spec.ts';
import type { ImportJobRow } from '../../store/imports.ts';
import type { Actor } from '../actor.ts';
import { viewerOf, viewText } from '../privacy.ts';
import { importerFor } from './importers.ts';
import type { ImportProgress } from './run-import.ts';

export const STATUS_NAMES: Record<ImportJobRow['status'], string> = {
  queued: '排队中', running: '进行中', succeeded: '已完成', rejected: '有错误，未写入', failed: '失败，未写入',
};

/**
 * An import job as its viewer sees it: live progress while it runs in this process, the problems
 * (a page of them; the error report has all) with free text as the viewer may read it.
 */
export function importJobView(job: ImportJobRow, actor: Actor, opts: { live?: ImportProgress; fileKept?: boolean; problemsLimit?: number } = {}) {
  const viewer = viewerOf(actor, job.region_code);
  const problems = ((job.problems as RowProblem[] | null) ?? []).slice(0, opts.problemsLimit ?? 200).map((p) => ({ ...p, value: viewText(viewer, p.value) ?? '' }));
  const live = opts.live;
  const own = job.user_id === actor.id;
  const ended = job.status === 'succeeded' || job.status === 'rejected' || job.status === 'failed';
  return {
    id: job.id,
    sheet: job.sheet,
    sheetTitle: importerFor(job.sheet)?.title ?? job.sheet,
    status: job.status,
    statusName: STATUS_NAMES[job.status],
    phase: live?.phase ?? job.phase,
    dryRun: job.dry_run,
    countyCode: job.county_code,
    regionCode: job.region_code,
    fileName: job.file_name,
    fileBytes: job.file_bytes,
    fileSha256: job.file_sha256,
    fileKind: job.file_kind,
    fileEncoding: job.file_encoding,
    rowsRead: live?.rowsRead ?? job.rows_read,
    rowsValidated: live?.rowsValidated ?? job.rows_validated,
    rowsWritten: live?.rowsWritten ?? job.rows_written,
    toWrite: live?.toWrite ?? null,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    problemCount: job.problem_count,
    problems,
    message: job.message,
    createdBy: job.actor_name,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    rerunOf: job.rerun_of,
    /** The stored file is kept (rejected or failed jobs, for a while). */
    canRerun: ended && job.status !== 'succeeded' && !!opts.fileKept && own,
    hasErrorReport: job.status === 'rejected' && !!opts.fileKept && own,
  };
}

export type ImportJobView = ReturnType<typeof importJobView>;
