import { isInSubtree, isRegionCode, subtreePrefix } from '../../domain/region-code.ts';
import { maskIdNumber } from '../../domain/masking.ts';
import { MONITORING_STATUSES } from '../../domain/household.ts';
import { Check } from '../../domain/validation.ts';
import { listHouseholds as queryHouseholds, type HouseholdListRow } from '../../store/households.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid } from '../errors.ts';
import { viewerOf, viewText } from '../privacy.ts';

export interface ListQuery {
  regionCode?: string;
  q?: string;
  monitoringStatus?: string;
  formerlyPoor?: string;
  page?: string | number;
  pageSize?: string | number;
}

/** Parses list filters; the region filter can only narrow the actor's own subtree. */
export function householdFilter(actor: Actor, query: ListQuery, maxPageSize = 100) {
  const c = new Check();
  let pattern = `${subtreePrefix(actor.regionCode)}%`;
  if (query.regionCode) {
    if (!isRegionCode(query.regionCode)) c.fail('regionCode', '区划代码应为12位数字');
    // Outside the actor's subtree is a matter of permission (403), not of a malformed filter (400).
    else if (!isInSubtree(actor.regionCode, query.regionCode)) throw new AppError(403, [{ path: 'regionCode', message: '该区划不在您的管辖区域内' }]);
    else pattern = `${subtreePrefix(query.regionCode)}%`;
  }
  if (query.monitoringStatus) c.oneOf('monitoringStatus', query.monitoringStatus, MONITORING_STATUSES);
  const page = Number(query.page ?? 1);
  const pageSize = Number(query.pageSize ?? 20);
  if (!Number.isInteger(page) || page < 1) c.fail('page', '页码应为正整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) c.fail('pageSize', `每页条数应为1-${maxPageSize}`);
  if (query.formerlyPoor && !['true', 'false'].includes(query.formerlyPoor)) c.fail('formerlyPoor', '应为 true 或 false');
  if (!c.ok) throw invalid(c.errors);
  return {
    regionPattern: pattern,
    q: query.q?.trim() || undefined,
    monitoringStatus: query.monitoringStatus || undefined,
    formerlyPoor: query.formerlyPoor ? query.formerlyPoor === 'true' : undefined,
    limit: pageSize,
    offset: (page - 1) * pageSize,
    page,
    pageSize,
  };
}

/** Household list of the actor's subtree; ID numbers always masked in lists, free text as the actor may see it (SEC-3). */
export async function listHouseholds(db: Db, actor: Actor, query: ListQuery) {
  authorize(actor, 'household:read');
  const f = householdFilter(actor, query);
  const { items, total } = await queryHouseholds(db, f);
  return {
    page: f.page,
    pageSize: f.pageSize,
    total,
    items: items.map((r) => householdListItem(actor, r)),
  };
}

/** One row of the household list as the actor sees it; the export writes the same (DAT-2). */
export function householdListItem(actor: Actor, r: HouseholdListRow) {
  return {
    id: r.id,
    regionCode: r.region_code,
    regionName: r.region_name,
    villageGroup: viewText(viewerOf(actor, r.region_code), r.village_group),
    headName: r.head_name,
    headIdNumber: r.head_id_number ? maskIdNumber(r.head_id_number) : null,
    memberCount: r.member_count,
    formerlyPoor: r.formerly_poor,
    monitoringStatus: r.monitoring_status,
    monitoringCategory: r.monitoring_category,
    identifiedOn: r.identified_on,
    eliminatedOn: r.eliminated_on,
    dibao: !!r.dibao_since,
    tekun: !!r.tekun_since,
    version: r.version,
  };
}
