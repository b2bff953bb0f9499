import type { Db } from '../../store/transaction.ts';
import { clearTwoFactor, type UserRow } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid } from '../errors.ts';
import { getUser } from '../users/get-user.ts';
import { applyAccountChange, loadManagedUser, readReasonBody } from '../users/managed-user.ts';

/** Forgets an account's authenticator and recovery codes and ends its sessions: it enrols again at its next sign-in. */
export async function forgetSecondFactor(db: Db, actor: Actor, user: UserRow, reason: string) {
  return applyAccountChange(db, actor, user, {
    action: 'user.reset_two_factor', reason, set: {}, endSessions: '双因素认证被重置',
    also: (trx) => clearTwoFactor(trx, user.id),
    before: { twoFactorEnabled: !!user.totp_enabled_at }, after: { twoFactorEnabled: false },
  });
}

/** The security admin resets a business account's second factor (a lost phone), with a reason (SEC-6). */
export async function resetTwoFactor(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:reset_two_factor');
  if (!user.totp_enabled_at && !user.totp_pending_secret) throw conflict('', '该账号未启用双因素认证');
  await forgetSecondFactor(db, actor, user, reason);
  return getUser(db, actor, id, now);
}
