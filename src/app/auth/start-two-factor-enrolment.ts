import { seal } from '../../store/sealed.ts';
import type { Db } from '../../store/transaction.ts';
import { conflict } from '../errors.ts';
import { sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';
import { enrolmentOffer, newTotpSecret } from './totp.ts';

/**
 * Starts binding an authenticator app (SEC-6): a new secret, kept sealed on the account until a
 * code confirms it, shown as a QR code and as text for manual entry. Starting again replaces it.
 */
export async function startTwoFactorEnrolment(db: Db, actor: SessionUser) {
  const user = await sessionAccount(db, actor.id);
  if (user.totp_enabled_at) throw conflict('', '已启用双因素认证；如需更换身份验证器，请先关闭后重新绑定，或请安全管理员重置');
  const secret = newTotpSecret();
  await db.updateTable('app_user').set({ totp_pending_secret: seal(db, secret) }).where('id', '=', user.id).execute();
  return enrolmentOffer(secret, user.username);
}
