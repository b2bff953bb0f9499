/**
 * Checking a second factor (SEC-6), shared by sign-in, disabling one's own 2FA and renewing
 * recovery codes: a TOTP code is accepted once per time step (replay refused atomically), a
 * recovery code once; a wrong code counts toward the lockout like a wrong password.
 */
import { Check } from '../../domain/validation.ts';
import {
  acceptTotpStep, countAccountFailure, findUserById, logLogin, readPasswordPolicy, recoveryCodesLeft, useRecoveryCode, type UserRow,
} from '../../store/users.ts';
import type { Db } from '../../store/transaction.ts';
import { AppError, invalid } from '../errors.ts';
import { failureDetail, lockedError } from './login.ts';
import { matchTotpStep, normaliseRecoveryCode, recoveryCodeHash } from './totp.ts';

export interface SecondFactorInput {
  code: string | null;
  recoveryCode: string | null;
}

/** `{ code }` (6 digits) or `{ recoveryCode }`, exactly one. */
export function readSecondFactor(c: Check, o: Record<string, unknown>): SecondFactorInput {
  const code = c.string('code', o.code, { max: 20 });
  const recoveryCode = c.string('recoveryCode', o.recoveryCode, { max: 40 });
  if (!code && !recoveryCode) c.fail('code', '请输入6位动态口令或恢复码');
  else if (code && recoveryCode) c.fail('recoveryCode', '动态口令与恢复码只填一项');
  else if (code && !/^\d{6}$/.test(code.replace(/\s/g, ''))) c.fail('code', '动态口令应为6位数字');
  else if (recoveryCode && normaliseRecoveryCode(recoveryCode).length !== 16) c.fail('recoveryCode', '恢复码应为16位字母数字（如 ABCD-EFGH-JKLM-NPQR）');
  return { code: code?.replace(/\s/g, '') ?? null, recoveryCode };
}

export type SecondFactorUsed = { kind: 'totp' } | { kind: 'recovery'; left: number };

/**
 * Verifies and consumes the factor, or counts the failure and throws: 400 naming the field, or
 * 423 once the account locks. `what` names the occasion in the login log.
 */
export async function consumeSecondFactor(
  db: Db,
  user: UserRow,
  input: SecondFactorInput,
  ctx: { now: Date; ip?: string; what: string },
): Promise<SecondFactorUsed> {
  const { now } = ctx;
  if (user.locked_until && new Date(user.locked_until) > now) throw lockedError(new Date(user.locked_until), now);
  if (!user.totp_secret || !user.totp_enabled_at) throw new AppError(409, [{ path: '', message: '该账号未启用双因素认证' }]);
  let used: SecondFactorUsed | null = null;
  if (input.code) {
    const step = matchTotpStep(user.totp_secret, input.code, now);
    if (step !== null && (await acceptTotpStep(db, user.id, step))) used = { kind: 'totp' };
  } else if (input.recoveryCode && (await useRecoveryCode(db, user.id, recoveryCodeHash(input.recoveryCode), now)))
    used = { kind: 'recovery', left: await recoveryCodesLeft(db, user.id) };
  if (used) return used;

  const policy = await readPasswordPolicy(db);
  const count = await countAccountFailure(db, user.id, policy, now);
  const what = input.code ? '动态口令错误或已使用' : '恢复码错误或已使用';
  await logLogin(db, {
    username: user.username, userId: user.id, ip: ctx.ip, outcome: count.state === 'counted' ? 'bad_code' : 'locked',
    detail: `${ctx.what}：${failureDetail(count, policy, what)}`,
  });
  if (count.state !== 'counted') throw lockedError(count.lockedUntil, now);
  throw invalid([input.code ? { path: 'code', message: '动态口令不正确或已使用过，请输入身份验证器中的新口令' } : { path: 'recoveryCode', message: '恢复码不正确或已使用过' }]);
}

/** The account behind a session, for the second-factor use cases. */
export async function sessionAccount(db: Db, userId: number): Promise<UserRow> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError(401, [{ path: '', message: '请先登录' }]);
  return user;
}
