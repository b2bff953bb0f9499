import { Check } from '../../domain/validation.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { logLogin, readPasswordPolicy } from '../../store/users.ts';
import { AppError, invalid } from '../errors.ts';
import { consumeSecondFactor, readSecondFactor, sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';
import { pendingStep, type PendingStep } from './sign-in-steps.ts';

/**
 * The second step of sign-in (SEC-6): a session whose password was right sends a TOTP code or a
 * recovery code. Wrong codes count toward the lockout; a lock ends this half-open session.
 */
export async function verifySecondFactor(
  db: Db,
  actor: SessionUser,
  raw: unknown,
  ctx: { now?: Date; ip?: string } = {},
): Promise<{ next: PendingStep | null; recoveryCodesLeft: number | null }> {
  const now = ctx.now ?? new Date();
  if (actor.pending !== 'second_factor') throw new AppError(409, [{ path: '', message: '本次登录无需再验证动态口令' }]);
  const c = new Check();
  const o = c.object('', raw, ['code', 'recoveryCode']);
  if (!o) throw invalid(c.errors);
  const input = readSecondFactor(c, o);
  if (!c.ok) throw invalid(c.errors);
  const user = await sessionAccount(db, actor.id);
  let used;
  try {
    used = await consumeSecondFactor(db, user, input, { now, ip: ctx.ip, what: '登录' });
  } catch (e) {
    if (e instanceof AppError && e.status === 423) await db.deleteFrom('user_session').where('id', '=', actor.sessionId).execute();
    throw e;
  }
  await inTransaction(db, async (trx) => {
    await trx.updateTable('user_session').set({ second_factor_pending: false, last_seen_at: now }).where('id', '=', actor.sessionId).execute();
    await trx.updateTable('app_user').set({ last_login_at: now }).where('id', '=', user.id).execute();
    await logLogin(trx, {
      username: user.username, userId: user.id, ip: ctx.ip, outcome: 'success',
      detail: used.kind === 'totp' ? '动态口令验证通过' : `使用恢复码登录（剩余${used.left}个）`,
    });
  });
  const next = pendingStep({ secondFactorPending: false, mustChangePassword: user.must_change_password, twoFactorEnabled: true, role: user.role }, await readPasswordPolicy(db));
  return { next, recoveryCodesLeft: used.kind === 'recovery' ? used.left : null };
}
