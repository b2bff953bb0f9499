import { BUSINESS_ROLES, ROLE_NAMES } from '../../domain/roles.ts';
import { POLICY_BOUNDS } from '../../domain/password-policy.ts';
import type { Db } from '../../store/transaction.ts';
import { readPolicySetting } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';

/** The security policy with its version and the bounds the security admin may choose within. */
export async function getSecurityPolicy(db: Db, actor: Actor) {
  authorize(actor, 'security:manage');
  const { policy, version } = await readPolicySetting(db);
  return {
    policy,
    version,
    bounds: POLICY_BOUNDS,
    businessRoles: BUSINESS_ROLES.map((r) => ({ role: r, name: ROLE_NAMES[r] })),
  };
}
