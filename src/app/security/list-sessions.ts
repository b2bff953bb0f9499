import { sql } from 'kysely';
import { ROLE_NAMES, type Role } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';

export interface SessionView {
  /** The session's handle (never its token or token hash). */
  id: number;
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  roleName: string;
  regionName: string;
  ip: string | null;
  userAgent: string | null;
  signedInAt: string;
  lastActiveAt: string;
  /** Password right, second factor not yet given. */
  secondFactorPending: boolean;
  /** The viewer's own session (ended with 退出, not here). */
  own: boolean;
}

/** Online users for the security admin (SEC-8): sessions not idle past the policy, in the actor's subtree. */
export async function listSessions(db: Db, actor: Actor & { sessionId?: string }, q: Record<string, unknown> = {}, now = new Date()) {
  authorize(actor, 'session:manage');
  const c = new Check();
  const page = c.integer('page', q.page === undefined ? 1 : Number(q.page), { min: 1, max: 100_000 }) ?? 1;
  const pageSize = c.integer('pageSize', q.pageSize === undefined ? 50 : Number(q.pageSize), { min: 1, max: 200 }) ?? 50;
  if (!c.ok) throw invalid(c.errors);
  const policy = await readPasswordPolicy(db);
  const base = db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .innerJoin('region as r', 'r.code', 'u.region_code')
    .where('u.region_code', 'like', scopePattern(actor))
    .where('s.last_seen_at', '>=', new Date(now.getTime() - policy.idleMinutes * 60_000));
  const [rows, total] = await Promise.all([
    base
      .select([
        's.ref', 's.id as session_id', 's.ip', 's.user_agent', 's.created_at', 's.last_seen_at', 's.second_factor_pending', 'u.id as user_id', 'u.username',
        'u.display_name', 'u.role', 'r.name as region_name',
      ])
      .orderBy('s.last_seen_at', 'desc')
      .orderBy('s.ref')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: SessionView[] = rows.map((r) => ({
    id: r.ref, userId: r.user_id, username: r.username, displayName: r.display_name, role: r.role as Role, roleName: ROLE_NAMES[r.role as Role] ?? r.role,
    regionName: r.region_name, ip: r.ip, userAgent: r.user_agent, signedInAt: new Date(r.created_at).toISOString(),
    lastActiveAt: new Date(r.last_seen_at).toISOString(), secondFactorPending: r.second_factor_pending, own: r.session_id === actor.sessionId,
  }));
  return { items, total: total.n };
}
