import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { seal } from '../../store/sealed.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { logLogin, readPasswordPolicy, replaceRecoveryCodes } from '../../store/users.ts';
import { conflict, invalid } from '../errors.ts';
import { sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';
import { pendingStep, type PendingStep } from './sign-in-steps.ts';
import { matchTotpStep, newRecoveryCodes, recoveryCodeHash } from './totp.ts';

/**
 * Confirms an enrolment with a code from the app; then the account has a second factor and gets
 * ten recovery codes, shown this once and stored hashed. The code's time step counts as used.
 */
export async function confirmTwoFactorEnrolment(
  db: Db,
  actor: SessionUser,
  raw: unknown,
  ctx: { now?: Date; ip?: string } = {},
): Promise<{ recoveryCodes: string[]; next: PendingStep | null }> {
  const now = ctx.now ?? new Date();
  const c = new Check();
  const o = c.object('', raw, ['code']);
  if (!o) throw invalid(c.errors);
  const code = c.string('code', o.code, { required: true, max: 20 })?.replace(/\s/g, '') ?? null;
  if (code && !/^\d{6}$/.test(code)) c.fail('code', '动态口令应为6位数字');
  if (!c.ok) throw invalid(c.errors);
  const user = await sessionAccount(db, actor.id);
  if (user.totp_enabled_at) throw conflict('', '已启用双因素认证');
  if (!user.totp_pending_secret) throw conflict('', '请先开始绑定身份验证器');
  const secret = user.totp_pending_secret;
  const step = matchTotpStep(secret, code!, now);
  // A typo while binding is not a sign-in attempt: it is not counted, the user tries again.
  if (step === null) throw invalid([{ path: 'code', message: '动态口令不正确：请确认已扫描本页二维码，且手机时间准确' }]);
  const recoveryCodes = newRecoveryCodes();
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ totp_secret: seal(trx, secret), totp_pending_secret: null, totp_enabled_at: now, totp_last_step: step })
      .where('id', '=', user.id)
      .execute();
    await replaceRecoveryCodes(trx, user.id, recoveryCodes.map(recoveryCodeHash));
    // Binding proves the second factor for this session too.
    await trx.updateTable('user_session').set({ second_factor_pending: false }).where('id', '=', actor.sessionId).execute();
    await logLogin(trx, { username: user.username, userId: user.id, ip: ctx.ip, outcome: 'two_factor_enrolled', detail: '绑定身份验证器' });
    await appendAudit(trx, { actor, action: 'user.enrol_two_factor', objectType: 'user', objectId: user.id, reason: '用户绑定身份验证器' });
  });
  const next = pendingStep({ secondFactorPending: false, mustChangePassword: user.must_change_password, twoFactorEnabled: true, role: user.role }, await readPasswordPolicy(db));
  return { recoveryCodes, next };
}
