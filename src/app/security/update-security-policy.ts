import { readPolicyInput } from '../../domain/password-policy.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { readPolicySetting } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, stale } from '../errors.ts';
import { readReasonBody } from '../users/managed-user.ts';
import { getSecurityPolicy } from './get-security-policy.ts';

/**
 * The security admin replaces the password and two-factor policy (SEC-4, SEC-6): one versioned
 * setting (409 when stale), each bound checked, audited with before and after. It applies to the
 * next sign-in, password or request (idle timeout, required second factor) of every account.
 */
export async function updateSecurityPolicy(db: Db, actor: Actor, raw: unknown) {
  authorize(actor, 'security:manage');
  const { c, o, reason } = readReasonBody(raw, [
    'version', 'minLength', 'minClasses', 'maxFailures', 'lockMinutes', 'idleMinutes', 'initialPasswordHours', 'twoFactorRoles',
  ]);
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const policy = readPolicyInput(o, c);
  if (!c.ok || !policy) throw invalid(c.errors);
  await inTransaction(db, async (trx) => {
    const before = await readPolicySetting(trx);
    if (before.version !== version) throw stale();
    const done = await trx
      .updateTable('security_setting')
      .set((eb) => ({ value: JSON.stringify(policy), version: eb('version', '+', 1) }))
      .where('key', '=', 'password_policy')
      .where('version', '=', version!)
      .returning('version')
      .executeTakeFirst();
    if (!done) throw stale();
    await appendAudit(trx, { actor, action: 'security.update_policy', objectType: 'security_setting', objectId: 'password_policy', reason, before: before.policy, after: policy });
  });
  return getSecurityPolicy(db, actor);
}
