import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { replaceRecoveryCodes } from '../../store/users.ts';
import { invalid } from '../errors.ts';
import { consumeSecondFactor, readSecondFactor, sessionAccount } from './second-factor.ts';
import type { SessionUser } from './session.ts';
import { newRecoveryCodes, recoveryCodeHash } from './totp.ts';

/** Ten new recovery codes for the signed-in user (the old ones stop working), after a current code. */
export async function renewRecoveryCodes(db: Db, actor: SessionUser, raw: unknown, ctx: { now?: Date; ip?: string } = {}) {
  const now = ctx.now ?? new Date();
  const c = new Check();
  const o = c.object('', raw, ['code']);
  if (!o) throw invalid(c.errors);
  const factor = readSecondFactor(c, { code: o.code ?? '' });
  if (!c.ok) throw invalid(c.errors);
  const user = await sessionAccount(db, actor.id);
  await consumeSecondFactor(db, user, factor, { now, ip: ctx.ip, what: '重新生成恢复码' });
  const recoveryCodes = newRecoveryCodes();
  await inTransaction(db, async (trx) => {
    await replaceRecoveryCodes(trx, user.id, recoveryCodes.map(recoveryCodeHash));
    await appendAudit(trx, { actor, action: 'user.renew_recovery_codes', objectType: 'user', objectId: user.id, reason: '用户重新生成恢复码' });
  });
  return { recoveryCodes };
}
