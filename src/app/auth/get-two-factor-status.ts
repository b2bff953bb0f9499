import { twoFactorRequired } from '../../domain/password-policy.ts';
import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy, recoveryCodesLeft } from '../../store/users.ts';
import { sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';

/** The 账号安全 page: whether the account has a second factor, must have one, and its recovery codes left. */
export async function getTwoFactorStatus(db: Db, actor: SessionUser) {
  const user = await sessionAccount(db, actor.id);
  const enabled = !!user.totp_enabled_at;
  return {
    enabled,
    enabledAt: user.totp_enabled_at ? new Date(user.totp_enabled_at).toISOString() : null,
    required: twoFactorRequired(await readPasswordPolicy(db), user.role),
    recoveryCodesLeft: enabled ? await recoveryCodesLeft(db, user.id) : 0,
  };
}
