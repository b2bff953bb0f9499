import { createHash, randomBytes } from 'node:crypto';
import type { PasswordPolicy } from '../../domain/password-policy.ts';
import {
  claimOneTimePassword, clearFailuresUnlessLocked, countAccountFailure, countUnknownFailure, findUserByUsername, lockedUntilOf,
  logLogin, readPasswordPolicy, type FailureCount, type UserRow,
} from '../../store/users.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { AppError } from '../errors.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.ts';
import { pendingStep, type PendingStep } from './sign-in-steps.ts';

export interface LoginResult {
  token: string;
  userId: number;
  mustChangePassword: boolean;
  /** What the new session must do before anything else (null: nothing). */
  next: PendingStep | null;
}

export const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

const BAD_CREDENTIALS = () => new AppError(401, [{ path: '', message: '用户名或密码错误' }]);

export function lockedError(until: Date, now: Date) {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError(423, [{ path: '', message: `密码错误次数过多，账号已锁定，请${minutes}分钟后再试` }]);
}

/** The answer to a counted failure: 401 until the limit, then 423 (the same for every name). */
export const failureError = (count: FailureCount, now: Date) => (count.state === 'counted' ? BAD_CREDENTIALS() : lockedError(count.lockedUntil, now));

export function failureDetail(count: FailureCount, policy: PasswordPolicy, what = '密码错误'): string {
  if (count.state === 'counted') return `第${count.failures}次${what}`;
  if (count.state === 'locked_now') return `连续${count.failures}次${what}，锁定${policy.lockMinutes}分钟`;
  return `锁定期内尝试登录（${what}）`;
}

interface LoginInput {
  username: string;
  password: string;
  ip?: string;
  userAgent?: string;
}

/**
 * Checks credentials and opens a server-side session (SEC-4), without telling whether a
 * username exists: an unknown name costs the same argon2 work, is counted and locked like an
 * account, and gets the same answers. A disabled account says so only to the right password.
 * The login log keeps the real outcome.
 */
export async function login(db: Db, input: LoginInput, now = new Date()): Promise<LoginResult> {
  const username = String(input.username ?? '').trim();
  const password = String(input.password ?? '');
  if (!username || !password) throw new AppError(400, [{ path: username ? 'password' : 'username', message: '必填' }]);
  const policy = await readPasswordPolicy(db);
  const user = await findUserByUsername(db, username);
  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  const ip = input.ip ?? null;

  if (!user) {
    const count = await countUnknownFailure(db, username, policy, now);
    await logLogin(db, { username, ip, outcome: 'unknown_user', detail: failureDetail(count, policy) });
    throw failureError(count, now);
  }
  const log = (outcome: string, detail: string | null = null) => logLogin(db, { username: user.username, userId: user.id, ip, outcome, detail });

  if (!passwordOk) {
    const count = await countAccountFailure(db, user.id, policy, now);
    const detail = failureDetail(count, policy);
    if (user.disabled) await log('disabled', `账号已停用；${detail}`);
    else await log(count.state === 'counted' ? 'bad_password' : 'locked', detail);
    throw failureError(count, now);
  }
  if (!(await clearFailuresUnlessLocked(db, user.id, now))) {
    await log('locked', '锁定期内尝试登录（密码正确）');
    throw lockedError((await lockedUntilOf(db, user.id)) ?? now, now);
  }
  if (user.disabled) {
    await log('disabled', '账号已停用');
    throw new AppError(403, [{ path: '', message: '账号已停用，请联系系统管理员' }]);
  }
  const spent = oneTimePasswordSpent(user, now);
  if (spent) {
    await log('one_time_password_spent', spent);
    throw oneTimePasswordError(spent);
  }
  const token = randomBytes(32).toString('base64url');
  const opened = await inTransaction(db, async (trx) => {
    // The one-time password is spent by this sign-in, in the same transaction as its session.
    if (user.one_time_password_expires_at && !(await claimOneTimePassword(trx, user.id, now))) return false;
    await openSession(trx, user, token, input, now, policy);
    return true;
  });
  if (!opened) {
    await log('one_time_password_spent', '一次性密码已被使用');
    throw oneTimePasswordError('一次性密码已被使用');
  }
  const next = pendingStep(
    { secondFactorPending: !!user.totp_enabled_at, mustChangePassword: user.must_change_password, twoFactorEnabled: !!user.totp_enabled_at, role: user.role },
    policy,
  );
  return { token, userId: user.id, mustChangePassword: user.must_change_password, next };
}

function oneTimePasswordSpent(user: UserRow, now: Date): string | null {
  if (!user.one_time_password_expires_at) return null;
  if (user.one_time_password_used_at) return '一次性密码已被使用';
  if (new Date(user.one_time_password_expires_at) <= now) return '一次性密码已过期';
  return null;
}

// Only said to someone who knows the password: it tells them to ask for a reset.
const oneTimePasswordError = (why: string) =>
  new AppError(401, [{ path: '', message: `${why}（一次性密码只能登录一次），请联系管理员重置密码` }]);

async function openSession(trx: Db, user: UserRow, token: string, input: LoginInput, now: Date, policy: PasswordPolicy) {
  // Sessions of this user that idled out without a request are cleared now, and logged as such.
  const idle = await trx
    .deleteFrom('user_session')
    .where('user_id', '=', user.id)
    .where('last_seen_at', '<', new Date(now.getTime() - policy.idleMinutes * 60_000))
    .executeTakeFirst();
  if (Number(idle.numDeletedRows) > 0)
    await logLogin(trx, { username: user.username, userId: user.id, outcome: 'idle_timeout', detail: `超过${policy.idleMinutes}分钟无操作（登录时清理${idle.numDeletedRows}个会话）` });
  const secondFactorPending = !!user.totp_enabled_at;
  await trx
    .insertInto('user_session')
    .values({
      id: sessionId(token), user_id: user.id, created_at: now, last_seen_at: now, ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 300) ?? null, second_factor_pending: secondFactorPending,
    })
    .execute();
  if (!secondFactorPending) await trx.updateTable('app_user').set({ last_login_at: now }).where('id', '=', user.id).execute();
  await logLogin(trx, {
    username: user.username, userId: user.id, ip: input.ip ?? null,
    outcome: secondFactorPending ? 'password_ok' : 'success', detail: secondFactorPending ? '密码正确，待验证动态口令' : null,
  });
}
