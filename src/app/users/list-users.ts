import { ROLES } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import type { Db } from '../../store/transaction.ts';
import { listUserRows, readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';
import { toUserView, type UserView } from './views.ts';

const STATES = ['active', 'disabled', 'locked', 'must_change'] as const;

/**
 * Accounts in the actor's subtree, with region names (SEC-5): the system admin to manage business
 * accounts, the security admin to unlock and reset second factors, the audit admin read-only.
 * Each row says which actions the viewer may take on it.
 */
export async function listUsers(db: Db, actor: Actor, q: Record<string, unknown> = {}, now = new Date()): Promise<{ items: UserView[]; total: number }> {
  authorize(actor, 'user:read');
  const c = new Check();
  const text = c.string('q', q.q, { max: 64 });
  const role = q.role === undefined ? null : c.oneOf('role', q.role, ROLES);
  const state = q.state === undefined ? null : c.oneOf('state', q.state, STATES);
  const page = c.integer('page', q.page === undefined ? 1 : Number(q.page), { min: 1, max: 100_000 }) ?? 1;
  const pageSize = c.integer('pageSize', q.pageSize === undefined ? 50 : Number(q.pageSize), { min: 1, max: 200 }) ?? 50;
  if (!c.ok) throw invalid(c.errors);
  const [policy, list] = await Promise.all([
    readPasswordPolicy(db),
    listUserRows(db, { scope: scopePattern(actor), q: text ?? undefined, role: role ?? undefined, state: state ?? undefined, now, limit: pageSize, offset: (page - 1) * pageSize }),
  ]);
  return { items: list.rows.map((r) => toUserView(r, actor, policy, now)), total: list.total };
}
