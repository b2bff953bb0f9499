import { hostname } from 'node:os';
import { nodeProcessAlive } from '../../store/data-dir.ts';
import { appendAudit } from '../../store/audit.ts';
import { failImportJob, purgeOldImportFiles, unfinishedImportJobs } from '../../store/imports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { SYSTEM_ACTOR } from '../actor.ts';

export const INTERRUPTED = '导入被中断（服务器重启或进程退出），未写入任何数据：可以重新运行';

/** Days an uploaded file is kept for a re-run or an error report (`JIANBANG_IMPORT_KEEP_DAYS`). */
export const keepDays = (env: NodeJS.ProcessEnv = process.env) => Number(env.JIANBANG_IMPORT_KEEP_DAYS) || 7;

/**
 * At start-up: jobs whose process is gone are marked failed (their write was one transaction, so
 * nothing of them is in the registry) and can be re-run; a job of a live process on this host, or
 * of another host, is left alone. Files older than the keeping period are dropped.
 */
export async function recoverImportJobs(db: Db): Promise<number[]> {
  const failed: number[] = [];
  for (const job of await unfinishedImportJobs(db)) {
    const [host, pid] = (job.runner ?? '').split(':');
    if (job.runner && (host !== hostname() || (Number(pid) !== process.pid && nodeProcessAlive(Number(pid))))) continue;
    if (!(await failImportJob(db, job.id, INTERRUPTED))) continue;
    failed.push(job.id);
    await inTransaction(db, (trx) =>
      appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'import.failed', objectType: 'import_job', objectId: job.id, countyCode: job.county_code, reason: INTERRUPTED }),
    );
  }
  await purgeOldImportFiles(db, keepDays());
  return failed;
}
