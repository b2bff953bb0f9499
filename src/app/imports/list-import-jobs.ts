import { listImportJobs as queryJobs } from '../../store/imports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { scopePattern } from '../authz.ts';
import { authorizeImport, importableSheets } from './import-access.ts';
import { liveProgress } from './import-queue.ts';
import { importJobView } from './views.ts';

/** Import jobs of the actor's subtree, newest first. */
export async function listImportJobs(db: Db, actor: Actor, q: { sheet?: string; page?: number; pageSize?: number }) {
  authorizeImport(actor);
  const pageSize = q.pageSize ?? 20;
  const page = q.page ?? 1;
  const { items, total } = await queryJobs(db, { regionPattern: scopePattern(actor), sheet: q.sheet, sheets: importableSheets(actor), limit: pageSize, offset: (page - 1) * pageSize });
  return { items: items.map((j) => importJobView(j, actor, { live: liveProgress(db, j.id) })), total, page, pageSize };
}
