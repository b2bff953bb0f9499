import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid } from '../errors.ts';
import { getUser } from './get-user.ts';
import { applyAccountChange, loadManagedUser, readReasonBody } from './managed-user.ts';

/** The system admin enables a disabled business account again (SEC-5). */
export async function enableUser(db: Db, actor: Actor, id: number, raw: unknown, now = new Date()) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  const user = await loadManagedUser(db, actor, id, 'user:manage');
  if (!user.disabled) throw conflict('', '该账号未停用');
  await applyAccountChange(db, actor, user, { action: 'user.enable', reason, set: { disabled: false }, before: { disabled: true }, after: { disabled: false } });
  return getUser(db, actor, id, now);
}
