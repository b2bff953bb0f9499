import { twoFactorRequired, type PasswordPolicy } from '../../domain/password-policy.ts';

/**
 * What a session must still do before it may use the system, in this order: send the second
 * factor (the account has one), change a one-time password, enrol a second factor (the policy
 * requires one and the account has none). Until then every other route answers 403.
 */
export type PendingStep = 'second_factor' | 'change_password' | 'enrol_two_factor';

export function pendingStep(
  s: { secondFactorPending: boolean; mustChangePassword: boolean; twoFactorEnabled: boolean; role: string },
  policy: PasswordPolicy,
): PendingStep | null {
  if (s.secondFactorPending) return 'second_factor';
  if (s.mustChangePassword) return 'change_password';
  if (!s.twoFactorEnabled && twoFactorRequired(policy, s.role)) return 'enrol_two_factor';
  return null;
}

/** The 403 message of each step: what to do next. */
export const PENDING_STEP_MESSAGES: Record<PendingStep, string> = {
  second_factor: '请先输入身份验证器中的6位动态口令（或恢复码）完成登录',
  change_password: '首次登录须先修改密码',
  enrol_two_factor: '您的账号须启用双因素认证：请先绑定身份验证器',
};
