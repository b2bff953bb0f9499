import type { Role } from '../../domain/roles.ts';
import { countyCodeOf, isInSubtree } from '../../domain/region-code.ts';
import { getRegion } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can } from '../authz.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';

/**
 * Exchange with the national system (DAT-4) is the county's work (it uploads to and reconciles
 * with the national system) and its supervisors'. Village, township, departments and 12317 have
 * no part in it.
 */
const EXCHANGE_ROLES: readonly Role[] = ['county', 'city', 'province', 'national'];

export function authorizeExchange(actor: Actor): void {
  authorize(actor, 'household:export');
  if (!EXCHANGE_ROLES.includes(actor.role)) throw forbidden('与全国系统交换数据限县级及以上用户');
}

export interface ExchangeCounty {
  /** 6 digits. */
  countyCode: string;
  regionCode: string;
  name: string;
  /**
   * Full ID numbers, phones and health in the export: the county uploads them to the national
   * system, so a role that handles households in person (`household:read_sensitive`, the county
   * itself) gets them for its own county — each such export audited. Supervisors get them masked.
   */
  unmasked: boolean;
}

/** The county an export is for: the actor's own by default, or one of its subtree. */
export async function exchangeCounty(db: Db, actor: Actor, countyCode: string | undefined): Promise<ExchangeCounty> {
  authorizeExchange(actor);
  const code = countyCode ?? countyCodeOf(actor.regionCode) ?? undefined;
  if (!code || (actor.role !== 'county' && !countyCode)) throw invalid([{ path: 'countyCode', message: '请选择要导出的县（6位县级代码）' }]);
  if (!/^\d{6}$/.test(code)) throw invalid([{ path: 'countyCode', message: '县级代码应为6位数字' }]);
  const regionCode = `${code}000000`;
  if (!isInSubtree(actor.regionCode, regionCode)) throw new AppError(403, [{ path: 'countyCode', message: '该县不在您的管辖区域内' }]);
  const region = await getRegion(db, regionCode);
  if (!region || region.level !== 3) throw notFound('县不存在');
  return { countyCode: code, regionCode, name: region.name, unmasked: can(actor, 'household:read_sensitive', regionCode) };
}
