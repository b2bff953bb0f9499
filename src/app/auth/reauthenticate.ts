import type { Db } from '../../store/transaction.ts';
import { countAccountFailure, logLogin, readPasswordPolicy, type UserRow } from '../../store/users.ts';
import { invalid } from '../errors.ts';
import { failureDetail, lockedError } from './login.ts';
import { verifyPassword } from './passwords.ts';

/**
 * Re-checks a signed-in user's own password before a change to their account (password, second
 * factor). A wrong one counts as a failed login: same atomic count, same lockout (423).
 */
export async function checkOwnPassword(
  db: Db,
  user: UserRow,
  password: string,
  ctx: { now: Date; ip?: string; path: string; what: string },
): Promise<void> {
  const { now } = ctx;
  if (user.locked_until && new Date(user.locked_until) > now) throw lockedError(new Date(user.locked_until), now);
  if (await verifyPassword(user.password_hash, password)) return;
  const policy = await readPasswordPolicy(db);
  const count = await countAccountFailure(db, user.id, policy, now);
  await logLogin(db, {
    username: user.username, userId: user.id, ip: ctx.ip, outcome: count.state === 'counted' ? 'bad_password' : 'locked',
    detail: `${ctx.what}：${failureDetail(count, policy)}`,
  });
  if (count.state !== 'counted') throw lockedError(count.lockedUntil, now);
  throw invalid([{ path: ctx.path, message: ctx.path === 'oldPassword' ? '原密码不正确' : '密码不正确' }]);
}
