import { findImportJob, hasImportFile } from '../../store/imports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { scopePattern } from '../authz.ts';
import { authorizeImport, mayImport } from './import-access.ts';
import { notFound } from '../errors.ts';
import { liveProgress } from './import-queue.ts';
import { importJobView } from './views.ts';

/** A job of the actor's subtree, with its progress and problems. */
export async function loadScopedImportJob(db: Db, actor: Actor, id: number) {
  authorizeImport(actor);
  const job = await findImportJob(db, id, scopePattern(actor));
  // A job of a sheet the actor may not import is not one of its jobs.
  if (!job || !mayImport(actor, job.sheet)) throw notFound('导入任务不存在');
  return job;
}

export async function getImportJob(db: Db, actor: Actor, id: number, o: { problems?: number } = {}) {
  const job = await loadScopedImportJob(db, actor, id);
  return importJobView(job, actor, { live: liveProgress(db, id), fileKept: await hasImportFile(db, id), problemsLimit: o.problems ?? 200 });
}
