import { createHash, randomBytes } from 'node:crypto';
import { findUserByUsername, logLogin, readPasswordPolicy } from '../../store/users.ts';
import type { Db } from '../../store/transaction.ts';
import { AppError } from '../errors.ts';
import { verifyPassword } from './passwords.ts';

export interface LoginResult {
  token: string;
  userId: number;
  mustChangePassword: boolean;
}

export const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

const BAD_CREDENTIALS = new AppError(401, [{ path: '', message: '用户名或密码错误' }]);

/** Checks credentials, applies the lockout rule (SEC-4) and opens a server-side session. */
export async function login(
  db: Db,
  input: { username: string; password: string; ip?: string; userAgent?: string },
  now = new Date(),
): Promise<LoginResult> {
  const username = String(input.username ?? '').trim();
  const password = String(input.password ?? '');
  if (!username || !password) throw new AppError(400, [{ path: username ? 'password' : 'username', message: '必填' }]);
  const policy = await readPasswordPolicy(db);
  const user = await findUserByUsername(db, username);
  if (!user) {
    await logLogin(db, { username, ip: input.ip, outcome: 'unknown_user' });
    throw BAD_CREDENTIALS;
  }
  if (user.disabled) {
    await logLogin(db, { username, userId: user.id, ip: input.ip, outcome: 'disabled' });
    throw new AppError(403, [{ path: '', message: '账号已停用，请联系系统管理员' }]);
  }
  if (user.locked_until && new Date(user.locked_until) > now) {
    await logLogin(db, { username, userId: user.id, ip: input.ip, outcome: 'locked', detail: '锁定期内尝试登录' });
    throw lockedError(new Date(user.locked_until), now);
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    const failures = user.failed_logins + 1;
    const lock = failures >= policy.maxFailures;
    const lockedUntil = lock ? new Date(now.getTime() + policy.lockMinutes * 60_000) : null;
    await db
      .updateTable('app_user')
      .set({ failed_logins: lock ? 0 : failures, locked_until: lockedUntil })
      .where('id', '=', user.id)
      .execute();
    await logLogin(db, {
      username, userId: user.id, ip: input.ip,
      outcome: lock ? 'locked' : 'bad_password',
      detail: lock ? `连续${failures}次密码错误，锁定${policy.lockMinutes}分钟` : `第${failures}次密码错误`,
    });
    if (lock) throw lockedError(lockedUntil!, now);
    throw BAD_CREDENTIALS;
  }
  const token = randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('app_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    await trx
      .insertInto('user_session')
      .values({ id: sessionId(token), user_id: user.id, created_at: now, last_seen_at: now, ip: input.ip ?? null, user_agent: input.userAgent?.slice(0, 300) ?? null })
      .execute();
    await trx.insertInto('login_log').values({ username, user_id: user.id, ip: input.ip ?? null, outcome: 'success', detail: null }).execute();
  });
  return { token, userId: user.id, mustChangePassword: user.must_change_password };
}

function lockedError(until: Date, now: Date) {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError(423, [{ path: '', message: `密码错误次数过多，账号已锁定，请${minutes}分钟后再试` }]);
}
