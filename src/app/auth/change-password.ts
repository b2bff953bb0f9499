import { passwordProblem } from '../../domain/password-policy.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { endUserSessions, logLogin, readPasswordPolicy } from '../../store/users.ts';
import { invalid } from '../errors.ts';
import { hashPassword } from './passwords.ts';
import { checkOwnPassword } from './reauthenticate.ts';
import { sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';
import { pendingStep, type PendingStep } from './sign-in-steps.ts';

/**
 * A user changes their own password (forced after a one-time password, or by choice). A wrong
 * old password counts as a failed login (same atomic count, same lockout), and the change ends
 * the user's other sessions (SEC-8).
 */
export async function changePassword(
  db: Db,
  actor: SessionUser,
  raw: unknown,
  ctx: { now?: Date; ip?: string } = {},
): Promise<{ endedSessions: number; next: PendingStep | null }> {
  const now = ctx.now ?? new Date();
  const c = new Check();
  const o = c.object('', raw, ['oldPassword', 'newPassword']);
  if (!o) throw invalid(c.errors);
  const oldPassword = typeof o.oldPassword === 'string' ? o.oldPassword : '';
  const newPassword = typeof o.newPassword === 'string' ? o.newPassword : '';
  if (!oldPassword) c.fail('oldPassword', '必填');
  if (!newPassword) c.fail('newPassword', '必填');
  if (!c.ok) throw invalid(c.errors);
  const user = await sessionAccount(db, actor.id);
  await checkOwnPassword(db, user, oldPassword, { now, ip: ctx.ip, path: 'oldPassword', what: '修改密码' });
  const policy = await readPasswordPolicy(db);
  const problem = passwordProblem(newPassword, policy, user.username);
  if (problem) throw invalid([{ path: 'newPassword', message: problem }]);
  if (newPassword === oldPassword) throw invalid([{ path: 'newPassword', message: '新密码不能与原密码相同' }]);
  const password_hash = await hashPassword(newPassword);
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('app_user')
      .set((eb) => ({
        password_hash, must_change_password: false, password_changed_at: now, failed_logins: 0,
        one_time_password_expires_at: null, one_time_password_used_at: null, version: eb('version', '+', 1),
      }))
      .where('id', '=', user.id)
      .execute();
    // Whoever else holds a session of this account (a stolen cookie, another computer) is out.
    const endedSessions = await endUserSessions(trx, user.id, { exceptId: actor.sessionId });
    await logLogin(trx, {
      username: user.username, userId: user.id, ip: ctx.ip, outcome: 'password_changed',
      detail: endedSessions ? `同时结束该账号的其他${endedSessions}个会话` : null,
    });
    await appendAudit(trx, {
      actor, action: 'user.change_password', objectType: 'user', objectId: user.id, reason: '用户修改本人密码',
      after: { endedSessions },
    });
    // What remains of sign-in: binding a second factor when the policy requires one.
    const next = pendingStep({ secondFactorPending: false, mustChangePassword: false, twoFactorEnabled: !!user.totp_enabled_at, role: user.role }, policy);
    return { endedSessions, next };
  });
}
