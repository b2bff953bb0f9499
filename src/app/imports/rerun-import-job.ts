import { hasImportFile, insertImportJob, moveImportFile, type ImportJobRow } from '../../store/imports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict } from '../errors.ts';
import { loadScopedImportJob } from './get-import-job.ts';
import { enqueueImport, liveProgress } from './import-queue.ts';
import { thisRunner } from './run-import-job.ts';
import { importJobView } from './views.ts';

/**
 * Runs a failed or rejected job's file again as a new job (the old one stays as the record): after
 * a restart interrupted it, or after the registry was corrected. Only its importer may.
 */
export async function rerunImportJob(db: Db, actor: Actor, id: number, o: { dryRun?: boolean } = {}) {
  const old = await loadScopedImportJob(db, actor, id);
  if ((old.user_id ?? 0) !== actor.id) throw conflict('', '只能重新运行本人上传的文件');
  const job = await copyJobForRerun(db, old, o);
  enqueueImport(db, job.id);
  return importJobView(job, actor, { live: liveProgress(db, job.id), fileKept: true });
}

/** A new queued job for an ended job's stored file (the file moves to it). Shared with the command line. */
export async function copyJobForRerun(db: Db, old: ImportJobRow, o: { dryRun?: boolean } = {}): Promise<ImportJobRow> {
  if (old.status === 'queued' || old.status === 'running') throw conflict('', '该任务尚未结束');
  if (old.status === 'succeeded' && !old.dry_run) throw conflict('', '该文件已导入完成');
  if (!(await hasImportFile(db, old.id))) throw conflict('', '上传的文件已不再保存，请重新上传');
  return inTransaction(db, async (trx) => {
    const { id: _id, status: _s, phase: _p, created_at: _c, started_at: _st, finished_at: _f, problems: _pr, message: _m, rows_read: _r1, rows_validated: _r2, rows_written: _r3, created: _n1, updated: _n2, unchanged: _n3, problem_count: _pc, ...keep } = old;
    const row = await insertImportJob(trx, { ...keep, dry_run: o.dryRun ?? old.dry_run, rerun_of: old.rerun_of ?? old.id, runner: thisRunner() });
    await moveImportFile(trx, old.id, row.id);
    return row;
  });
}
