/**
 * Import jobs run in the background, one at a time per database, in the process that accepted
 * them (a job is short next to the upload it follows, and one writer at a time keeps the audit
 * chain's lock uncontended). Progress lives here while a job runs; the job row has the rest.
 */
import type { Db } from '../../store/transaction.ts';
import type { ImportProgress } from './run-import.ts';
import { runImportJob } from './run-import-job.ts';

interface Queue {
  tail: Promise<void>;
  live: Map<number, ImportProgress>;
}

const queues = new WeakMap<Db, Queue>();

function queueOf(db: Db): Queue {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { tail: Promise.resolve(), live: new Map() }));
  return q;
}

export function enqueueImport(db: Db, jobId: number): void {
  const q = queueOf(db);
  q.live.set(jobId, { phase: 'reading', rowsRead: 0, rowsValidated: 0, rowsWritten: 0 });
  q.tail = q.tail
    .then(() => runImportJob(db, jobId, { onProgress: (p) => q.live.set(jobId, p) }))
    .then(
      () => undefined,
      (e) => console.error(`导入任务 ${jobId} 异常结束：`, e),
    )
    .finally(() => q.live.delete(jobId));
}

/** Progress of a job queued or running in this process. */
export function liveProgress(db: Db, jobId: number): ImportProgress | undefined {
  return queues.get(db)?.live.get(jobId);
}

/** Resolves when every job queued so far has ended (tests, shutdown). */
export function importsIdle(db: Db): Promise<void> {
  return queues.get(db)?.tail ?? Promise.resolve();
}
