import { twoFactorRequired } from '../../domain/password-policy.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { clearTwoFactor, logLogin, readPasswordPolicy } from '../../store/users.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import { checkOwnPassword } from './reauthenticate.ts';
import { consumeSecondFactor, readSecondFactor, sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';

/**
 * A user turns off their own second factor where the policy does not require one, with their
 * password and a current code (whoever holds only the session cannot do it).
 */
export async function disableTwoFactor(db: Db, actor: SessionUser, raw: unknown, ctx: { now?: Date; ip?: string } = {}) {
  const now = ctx.now ?? new Date();
  const c = new Check();
  const o = c.object('', raw, ['password', 'code', 'recoveryCode']);
  if (!o) throw invalid(c.errors);
  const password = typeof o.password === 'string' ? o.password : '';
  if (!password) c.fail('password', '必填');
  const factor = readSecondFactor(c, o);
  if (!c.ok) throw invalid(c.errors);
  const user = await sessionAccount(db, actor.id);
  if (!user.totp_enabled_at) throw conflict('', '该账号未启用双因素认证');
  if (twoFactorRequired(await readPasswordPolicy(db), user.role)) throw forbidden('安全策略要求您的角色使用双因素认证，不能关闭');
  await checkOwnPassword(db, user, password, { now, ip: ctx.ip, path: 'password', what: '关闭双因素认证' });
  await consumeSecondFactor(db, user, factor, { now, ip: ctx.ip, what: '关闭双因素认证' });
  await inTransaction(db, async (trx) => {
    await clearTwoFactor(trx, user.id);
    await logLogin(trx, { username: user.username, userId: user.id, ip: ctx.ip, outcome: 'two_factor_disabled', detail: '用户关闭双因素认证' });
    await appendAudit(trx, { actor, action: 'user.disable_two_factor', objectType: 'user', objectId: user.id, reason: '用户关闭本人的双因素认证' });
  });
  return { ok: true };
}
