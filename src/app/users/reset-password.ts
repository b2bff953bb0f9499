import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy, type UserRow } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { invalid } from '../errors.ts';
import { applyAccountChange, loadManagedUser, readReasonBody } from './managed-user.ts';
import { newOneTimePassword, oneTimePasswordColumns } from './one-time-password.ts';

/**
 * A new one-time password for an account (SEC-5): the old password stops working, the sessions
 * end, a lock is lifted (whoever resets has checked who asks). Shown once to whoever reset it.
 */
export async function issueOneTimePassword(db: Db, actor: Actor, user: UserRow, reason: string, now = new Date()) {
  const otp = await newOneTimePassword(await readPasswordPolicy(db), now);
  const { endedSessions } = await applyAccountChange(db, actor, user, {
    action: 'user.reset_password', reason, endSessions: '密码被重置',
    set: { ...oneTimePasswordColumns(otp), failed_logins: 0, locked_until: null },
  });
  return { id: user.id, username: user.username, initialPassword: otp.password, expiresAt: otp.expiresAt.toISOString(), endedSessions };
}

/** The system admin resets a business account's password (the command line does it for the admins). */
export async function resetPassword(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:manage');
  return issueOneTimePassword(db, actor, user, reason, now);
}
