import { isInSubtree } from '../../domain/region-code.ts';
import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy, userRowWithRegion } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { forbidden, notFound } from '../errors.ts';
import { toUserView, type UserView } from './views.ts';

/** One account as the users page shows it (also the answer of every account action). */
export async function getUser(db: Db, actor: Actor, id: number, now = new Date()): Promise<UserView> {
  authorize(actor, 'user:read');
  const row = await userRowWithRegion(db, id);
  if (!row) throw notFound('用户不存在');
  if (!isInSubtree(actor.regionCode, row.region_code)) throw forbidden('该用户不在您的管辖区域内');
  return toUserView(row, actor, await readPasswordPolicy(db), now);
}
