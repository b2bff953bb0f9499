import { passwordProblem } from '../../domain/password-policy.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { findUserById, readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { AppError, invalid } from '../errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export async function changePassword(db: Db, actor: Actor, input: { oldPassword?: unknown; newPassword?: unknown }) {
  const oldPassword = typeof input.oldPassword === 'string' ? input.oldPassword : '';
  const newPassword = typeof input.newPassword === 'string' ? input.newPassword : '';
  const user = await findUserById(db, actor.id);
  if (!user) throw new AppError(401, [{ path: '', message: '请先登录' }]);
  if (!(await verifyPassword(user.password_hash, oldPassword))) throw invalid([{ path: 'oldPassword', message: '原密码不正确' }]);
  const policy = await readPasswordPolicy(db);
  const problem = passwordProblem(newPassword, policy, user.username);
  if (problem) throw invalid([{ path: 'newPassword', message: problem }]);
  if (newPassword === oldPassword) throw invalid([{ path: 'newPassword', message: '新密码不能与原密码相同' }]);
  const password_hash = await hashPassword(newPassword);
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash, must_change_password: false, password_changed_at: new Date(), version: user.version + 1 })
      .where('id', '=', user.id)
      .execute();
    await trx.insertInto('login_log').values({ username: user.username, user_id: user.id, ip: null, outcome: 'password_changed', detail: null }).execute();
    await appendAudit(trx, { actor, action: 'user.change_password', objectType: 'user', objectId: user.id, reason: '用户修改本人密码' });
  });
}
