import { ADMIN_ROLES, BUSINESS_ROLES, type Role } from './roles.ts';
import type { Check } from './validation.ts';

/**
 * The security policy (SEC-4, SEC-6): set by the security admin as one versioned, audited
 * setting (`security_setting.password_policy`).
 */
export interface PasswordPolicy {
  minLength: number;
  /** How many of the four classes (lower, upper, digit, symbol) a password must mix. */
  minClasses: number;
  maxFailures: number;
  lockMinutes: number;
  idleMinutes: number;
  /** How long a one-time password (new account, reset) may be used for its single sign-in. */
  initialPasswordHours: number;
  /** Business roles that must sign in with a second factor; the three admin roles always must. */
  twoFactorRoles: Role[];
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 10, minClasses: 3, maxFailures: 5, lockMinutes: 15, idleMinutes: 30, initialPasswordHours: 72, twoFactorRoles: [],
};

type NumericField = Exclude<keyof PasswordPolicy, 'twoFactorRoles'>;

/** What the security admin may choose: outside these a setting weakens the system or locks everyone out. */
export const POLICY_BOUNDS: Record<NumericField, { min: number; max: number; label: string }> = {
  minLength: { min: 8, max: 64, label: '密码最短长度' },
  minClasses: { min: 1, max: 4, label: '字符类别数' },
  maxFailures: { min: 3, max: 10, label: '锁定前允许的连续失败次数' },
  lockMinutes: { min: 5, max: 1440, label: '锁定时长（分钟）' },
  idleMinutes: { min: 5, max: 480, label: '无操作自动退出（分钟）' },
  initialPasswordHours: { min: 1, max: 168, label: '一次性密码有效期（小时）' },
};

/** The policy in force: the stored setting (`security_setting.password_policy`) over the defaults. */
export function passwordPolicyFrom(stored: unknown): PasswordPolicy {
  return { ...DEFAULT_PASSWORD_POLICY, ...((stored as Partial<PasswordPolicy> | null | undefined) ?? {}) };
}

/** Whether a role must sign in with a second factor under this policy (SEC-6). */
export function twoFactorRequired(policy: PasswordPolicy, role: string): boolean {
  return (ADMIN_ROLES as readonly string[]).includes(role) || (policy.twoFactorRoles as string[]).includes(role);
}

/** Reads a whole policy sent by the security admin; every field is required and within its bounds. */
export function readPolicyInput(o: Record<string, unknown>, c: Check): PasswordPolicy | null {
  const numbers = {} as Record<NumericField, number | null>;
  for (const [field, b] of Object.entries(POLICY_BOUNDS) as [NumericField, (typeof POLICY_BOUNDS)[NumericField]][]) {
    const v = c.integer(field, o[field], { required: true });
    if (v !== null && (v < b.min || v > b.max)) {
      c.fail(field, `${b.label}应在${b.min}到${b.max}之间`);
      numbers[field] = null;
    } else numbers[field] = v;
  }
  let roles: Role[] | null = null;
  const raw = o.twoFactorRoles;
  if (!Array.isArray(raw)) c.fail('twoFactorRoles', '应为角色列表（可为空）');
  else {
    roles = [];
    raw.forEach((r, i) => {
      if ((ADMIN_ROLES as readonly unknown[]).includes(r)) c.fail(`twoFactorRoles[${i}]`, '三员账号始终须双因素认证，无需列出');
      else if (!(BUSINESS_ROLES as readonly unknown[]).includes(r)) c.fail(`twoFactorRoles[${i}]`, `取值应为 ${BUSINESS_ROLES.join(' / ')} 之一`);
      else if (!roles!.includes(r as Role)) roles!.push(r as Role);
    });
  }
  if (!c.ok || roles === null) return null;
  return { ...(numbers as Record<NumericField, number>), twoFactorRoles: BUSINESS_ROLES.filter((r) => roles!.includes(r)) };
}

export function passwordProblem(pw: string, policy: PasswordPolicy, username?: string): string | null {
  if (pw.length < policy.minLength) return `密码长度至少${policy.minLength}位`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < policy.minClasses) return `密码须包含小写字母、大写字母、数字、符号中的至少${policy.minClasses}类`;
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}

/** The policy's rule in words, for the form that asks for a new password. */
export function passwordRule(policy: PasswordPolicy): string {
  return `至少${policy.minLength}位，包含小写字母、大写字母、数字、符号中的至少${policy.minClasses}类，且不含用户名`;
}

/**
 * A random password from `bytes` (one character each, in groups of four) that mixes all four
 * classes: one-time passwords of new accounts and resets.
 */
export function randomPassword(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  // The suffix gives every class (upper, lower, digit, symbol) whatever the random part holds.
  return `${(s.match(/.{1,4}/g) ?? []).join('-')}#9aZ`;
}

/** How many random bytes make a password long enough for `policy` (at least 12: about 70 bits). */
export const randomPasswordBytes = (policy: PasswordPolicy) => Math.max(12, Math.ceil((policy.minLength * 4) / 5));
