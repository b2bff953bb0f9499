import { randomBytes } from 'node:crypto';
import { randomPassword, randomPasswordBytes, type PasswordPolicy } from '../../domain/password-policy.ts';
import { hashPassword } from '../auth/passwords.ts';

export interface OneTimePassword {
  /** Shown once to whoever created or reset the account; never stored. */
  password: string;
  hash: string;
  expiresAt: Date;
}

/**
 * A password nobody chose (SEC-5): random, long enough for the policy, good for one sign-in
 * within the policy's validity; that session must change it.
 */
export async function newOneTimePassword(policy: PasswordPolicy, now: Date): Promise<OneTimePassword> {
  const password = randomPassword(randomBytes(randomPasswordBytes(policy)));
  return { password, hash: await hashPassword(password), expiresAt: new Date(now.getTime() + policy.initialPasswordHours * 3_600_000) };
}

/** The columns that make an account's password a fresh one-time password. */
export const oneTimePasswordColumns = (otp: OneTimePassword) => ({
  password_hash: otp.hash,
  must_change_password: true,
  one_time_password_expires_at: otp.expiresAt,
  one_time_password_used_at: null,
});
