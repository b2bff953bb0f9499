/** Password policy (SEC-4): configurable by the security admin, stored in security_setting. */
export interface PasswordPolicy {
  minLength: number;
  /** How many of the four classes (lower, upper, digit, symbol) a password must mix. */
  minClasses: number;
  maxFailures: number;
  lockMinutes: number;
  idleMinutes: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 10, minClasses: 3, maxFailures: 5, lockMinutes: 15, idleMinutes: 30 };

/** The policy in force: the stored setting (`security_setting.password_policy`) over the defaults. */
export function passwordPolicyFrom(stored: unknown): PasswordPolicy {
  return { ...DEFAULT_PASSWORD_POLICY, ...((stored as Partial<PasswordPolicy> | null | undefined) ?? {}) };
}

export function passwordProblem(pw: string, policy: PasswordPolicy, username?: string): string | null {
  if (pw.length < policy.minLength) return `密码长度至少${policy.minLength}位`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (classes < policy.minClasses) return `密码须包含小写字母、大写字母、数字、符号中的至少${policy.minClasses}类`;
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}

/** A random password that satisfies any sensible policy (first admin, new accounts). */
export function randomPassword(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}#9a`;
}
