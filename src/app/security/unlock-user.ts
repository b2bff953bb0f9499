import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid } from '../errors.ts';
import { getUser } from '../users/get-user.ts';
import { applyAccountChange, loadManagedUser, readReasonBody } from '../users/managed-user.ts';
import type { UserRow } from '../../store/users.ts';

export async function liftLock(db: Db, actor: Actor, user: UserRow, reason: string) {
  await applyAccountChange(db, actor, user, {
    action: 'user.unlock', reason, set: { failed_logins: 0, locked_until: null },
    before: { lockedUntil: user.locked_until ? new Date(user.locked_until).toISOString() : null }, after: { lockedUntil: null },
  });
}

/** The security admin unlocks a business account locked by failed sign-ins (SEC-5). */
export async function unlockUser(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:unlock');
  if (!user.locked_until || new Date(user.locked_until) <= now) throw conflict('', '该账号未被锁定');
  await liftLock(db, actor, user, reason);
  return getUser(db, actor, id, now);
}
