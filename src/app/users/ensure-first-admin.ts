import { randomBytes } from 'node:crypto';
import { randomPassword } from '../../domain/password-policy.ts';
import { padRegionCode } from '../../domain/region-code.ts';
import type { Db } from '../../store/transaction.ts';
import { userCount } from '../../store/users.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import { createUser } from './create-user.ts';

/**
 * First start: there is no fixed default password. The system admin gets a random one, printed
 * once by the caller, and must change it at first login.
 */
export async function ensureFirstAdmin(db: Db, provinceCode = '36'): Promise<{ username: string; password: string } | null> {
  if ((await userCount(db)) > 0) return null;
  const password = randomPassword(randomBytes(12));
  await createUser(
    db,
    SYSTEM_ACTOR,
    { username: 'admin', displayName: '系统管理员', role: 'system_admin', regionCode: padRegionCode(provinceCode), password },
    { skipAuthz: true },
  );
  return { username: 'admin', password };
}
