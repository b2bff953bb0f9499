import { MEASURE_STATUSES, MEASURE_TYPES } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { listMeasures as queryMeasures } from '../../store/assistance.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { householdFilter } from '../households/list-households.ts';
import { departmentFilter, measureView } from './views.ts';

export interface MeasureListQuery {
  regionCode?: string;
  departmentKind?: string;
  status?: string;
  type?: string;
  overdue?: string;
  page?: string;
  pageSize?: string;
}

/** Parses the region, department and paging filters of the measure lists (AST-5). */
export function measureFilter(actor: Actor, query: MeasureListQuery) {
  const f = householdFilter(actor, { regionCode: query.regionCode, page: query.page, pageSize: query.pageSize });
  const c = new Check();
  const departmentKind = departmentFilter(actor, c, query.departmentKind);
  if (!c.ok) throw invalid(c.errors);
  return { ...f, departmentKind };
}

/**
 * Measures of the actor's subtree. A line department sees only the measures it is responsible
 * for; the others may filter by department, status, type and overdue.
 */
export async function listMeasures(db: Db, actor: Actor, query: MeasureListQuery, today: string) {
  authorize(actor, 'measure:read');
  const f = measureFilter(actor, query);
  const c = new Check();
  const status = query.status ? c.oneOf('status', query.status, MEASURE_STATUSES) : undefined;
  const type = query.type ? c.oneOf('type', query.type, MEASURE_TYPES) : undefined;
  if (query.overdue && !['true', 'false'].includes(query.overdue)) c.fail('overdue', '应为 true 或 false');
  if (!c.ok) throw invalid(c.errors);
  const { items, total } = await queryMeasures(db, { ...f, status: status ?? undefined, type: type ?? undefined, overdueOn: query.overdue === 'true' ? today : undefined }, today);
  return {
    page: f.page,
    pageSize: f.pageSize,
    total,
    items: items.map((m) => ({
      ...measureView(m, actor, m.region_code),
      regionCode: m.region_code,
      regionName: m.region_name,
      headName: m.head_name,
      monitoringStatus: m.monitoring_status,
      overdue: overdueReasons(m),
    })),
  };
}

/** Why a measure is overdue (AST-5, Q27): not started after its planned start, not ended after its period. */
export function overdueReasons(m: { overdue_start: boolean; overdue_end: boolean }): ('not_started' | 'not_ended')[] {
  return [...(m.overdue_start ? ['not_started' as const] : []), ...(m.overdue_end ? ['not_ended' as const] : [])];
}
