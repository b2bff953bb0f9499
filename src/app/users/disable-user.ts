import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid } from '../errors.ts';
import { getUser } from './get-user.ts';
import { applyAccountChange, loadManagedUser, readReasonBody } from './managed-user.ts';

/** The system admin disables a business account; its sessions end at once (SEC-5). */
export async function disableUser(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:manage');
  if (user.disabled) throw conflict('', '该账号已停用');
  await applyAccountChange(db, actor, user, { action: 'user.disable', reason, set: { disabled: true }, endSessions: '账号停用', before: { disabled: false }, after: { disabled: true } });
  return getUser(db, actor, id, now);
}
