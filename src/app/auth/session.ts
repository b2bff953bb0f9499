import { isRole, type DepartmentKind } from '../../domain/roles.ts';
import { logLogin } from '../../store/users.ts';
import { passwordPolicyFrom } from '../../domain/password-policy.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { sessionId } from './login.ts';
import { pendingStep, type PendingStep } from './sign-in-steps.ts';

export interface SessionUser extends Actor {
  mustChangePassword: boolean;
  /** sha-256 of the cookie token (the session row's id). */
  sessionId: string;
  twoFactorEnabled: boolean;
  /** What this session must do before any other route (sign-in-steps.ts). */
  pending: PendingStep | null;
}

/**
 * Resolves a session cookie to its user and slides the idle timeout. A session idle longer than
 * the policy allows (30 minutes by default) is ended and logged.
 */
export async function resumeSession(db: Db, token: string | undefined, now = new Date()): Promise<SessionUser | null> {
  if (!token) return null;
  const id = sessionId(token);
  const row = await db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select([
      's.last_seen_at', 's.second_factor_pending', 'u.id', 'u.username', 'u.display_name', 'u.role', 'u.department_kind', 'u.region_code',
      'u.must_change_password', 'u.disabled', 'u.totp_enabled_at',
    ])
    // The policy (idle timeout, two-factor roles) comes in the same round trip (this runs on every request).
    .select((eb) => eb.selectFrom('security_setting').select('value').where('key', '=', 'password_policy').as('policy'))
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const policy = passwordPolicyFrom(row.policy);
  if (row.disabled || now.getTime() - new Date(row.last_seen_at).getTime() > policy.idleMinutes * 60_000) {
    await db.deleteFrom('user_session').where('id', '=', id).execute();
    await logLogin(
      db,
      row.disabled
        ? { username: row.username, userId: row.id, outcome: 'disabled', detail: '账号已停用，会话结束' }
        : { username: row.username, userId: row.id, outcome: 'idle_timeout', detail: `超过${policy.idleMinutes}分钟无操作` },
    );
    return null;
  }
  // Idle time is counted in minutes: refreshing at most once a minute spares a write per request.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000)
    await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', id).execute();
  if (!isRole(row.role)) return null;
  const twoFactorEnabled = !!row.totp_enabled_at;
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    departmentKind: row.department_kind as DepartmentKind | null,
    regionCode: row.region_code,
    mustChangePassword: row.must_change_password,
    sessionId: id,
    twoFactorEnabled,
    pending: pendingStep(
      { secondFactorPending: row.second_factor_pending, mustChangePassword: row.must_change_password, twoFactorEnabled, role: row.role },
      policy,
    ),
  };
}

export async function logout(db: Db, token: string, actor: Actor, ip?: string) {
  await db.deleteFrom('user_session').where('id', '=', sessionId(token)).execute();
  await logLogin(db, { username: actor.username, userId: actor.id, ip, outcome: 'logout' });
}
