import { padRegionCode } from '../../domain/region-code.ts';
import type { Db } from '../../store/transaction.ts';
import { userCount } from '../../store/users.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import { createAccount } from './create-account.ts';

/**
 * First start: there is no fixed default password. The system admin gets a one-time password,
 * printed once by the caller; its first sign-in must change it and bind a second factor.
 */
export async function ensureFirstAdmin(db: Db, provinceCode = '36'): Promise<{ username: string; password: string; expiresAt: string } | null> {
  if ((await userCount(db)) > 0) return null;
  const created = await createAccount(
    db,
    SYSTEM_ACTOR,
    { username: 'admin', displayName: '系统管理员', role: 'system_admin', regionCode: padRegionCode(provinceCode) },
    { reason: '首次启动创建系统管理员' },
  );
  return { username: 'admin', password: created.initialPassword, expiresAt: created.expiresAt! };
}
