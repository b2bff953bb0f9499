import { passwordRule, twoFactorRequired } from '../../domain/password-policy.ts';
import { DEPARTMENT_KIND_NAMES, ROLE_NAMES } from '../../domain/roles.ts';
import type { AccountIdentity } from '../users/views.ts';
import { getRegion } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy } from '../../store/users.ts';
import type { SessionUser } from './session.ts';
import type { PendingStep } from './sign-in-steps.ts';

export interface MeView extends AccountIdentity {
  regionName: string | null;
  regionLevel: number | null;
  mustChangePassword: boolean;
  /** The sign-in step this session must still take (the web sends the user there). */
  next: PendingStep | null;
  twoFactorEnabled: boolean;
  twoFactorRequired: boolean;
  /** The password rule in force, for the change-password form. */
  passwordRule: string;
}

/** The signed-in user as the web shows it (GET /auth/me). */
export async function getMe(db: Db, a: SessionUser): Promise<MeView> {
  const [region, policy] = await Promise.all([getRegion(db, a.regionCode), readPasswordPolicy(db)]);
  return {
    id: a.id, username: a.username, displayName: a.displayName, role: a.role, roleName: ROLE_NAMES[a.role],
    departmentKind: a.departmentKind, departmentKindName: a.departmentKind ? DEPARTMENT_KIND_NAMES[a.departmentKind] : null,
    regionCode: a.regionCode, regionName: region?.name ?? null, regionLevel: region?.level ?? null,
    mustChangePassword: a.mustChangePassword, next: a.pending, twoFactorEnabled: a.twoFactorEnabled,
    twoFactorRequired: twoFactorRequired(policy, a.role), passwordRule: passwordRule(policy),
  };
}
