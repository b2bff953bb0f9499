import { listTasks as listTaskRows } from '../../store/verification-tasks.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can, scopePattern } from '../authz.ts';
import { notFound } from '../errors.ts';
import { taskListItem, taskView } from './task-view.ts';

export interface TaskListQuery {
  state?: 'open' | 'closed';
  overdue?: string;
  householdId?: string;
  page?: string;
  pageSize?: string;
}

/** Verification tasks of the actor's region (WRN-1): open ones first, nearest due date first. */
export async function listVerificationTasks(db: Db, actor: Actor, q: TaskListQuery, today: string) {
  authorize(actor, 'task:read');
  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 50);
  const { rows, total } = await listTaskRows(db, {
    scope: scopePattern(actor), state: q.state, overdueOn: q.overdue === 'true' ? today : undefined,
    householdId: q.householdId ? Number(q.householdId) : undefined, offset: (page - 1) * pageSize, limit: pageSize,
  });
  return { total, page, pageSize, items: rows.map((t) => taskListItem(t, today)) };
}

export async function getVerificationTask(db: Db, actor: Actor, id: number, today: string) {
  authorize(actor, 'task:read');
  const t = await db.selectFrom('verification_task').select('region_code').where('id', '=', id).executeTakeFirst();
  if (!t) throw notFound('核实任务不存在');
  authorize(actor, 'task:read', t.region_code);
  return { ...(await taskView(db, actor, id, today)), canResolve: can(actor, 'task:resolve', t.region_code) };
}
