import { listImportJobs as queryJobs } from '../../store/imports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { liveProgress } from './import-queue.ts';
import { importJobView } from './views.ts';

/** Import jobs of the actor's subtree, newest first. */
export async function listImportJobs(db: Db, actor: Actor, q: { sheet?: string; page?: number; pageSize?: number }) {
  authorize(actor, 'import:run');
  const pageSize = q.pageSize ?? 20;
  const page = q.page ?? 1;
  const { items, total } = await queryJobs(db, { regionPattern: scopePattern(actor), sheet: q.sheet, limit: pageSize, offset: (page - 1) * pageSize });
  return { items: items.map((j) => importJobView(j, actor, { live: liveProgress(db, j.id) })), total, page, pageSize };
}
