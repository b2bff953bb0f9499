import { checkYear, YEARLY_UPDATE_STATUSES } from '../../domain/yearly-update.ts';
import { Check } from '../../domain/validation.ts';
import type { Db } from '../../store/transaction.ts';
import { countYearlyUpdates, listYearlyUpdates as queryYearlyUpdates } from '../../store/yearly-updates.ts';
import type { Actor } from '../actor.ts';
import { authorize, can } from '../authz.ts';
import { invalid } from '../errors.ts';
import { householdFilter } from '../households/list-households.ts';
import { viewerOf } from '../privacy.ts';
import { yearlyUpdateView } from './views.ts';

export interface YearlyUpdateListQuery {
  year?: string;
  status?: string;
  regionCode?: string;
  page?: string | number;
  pageSize?: string | number;
}

/** A year's update tasks in the actor's subtree (or a narrower region), with pending/done counts (REG-6). */
export async function listYearlyUpdates(db: Db, actor: Actor, query: YearlyUpdateListQuery, today: string) {
  authorize(actor, 'yearly_update:read');
  const f = householdFilter(actor, { regionCode: query.regionCode, page: query.page, pageSize: query.pageSize });
  const c = new Check();
  const year = query.year ? checkYear(c, 'year', query.year, today) : Number(today.slice(0, 4));
  if (query.status) c.oneOf('status', query.status, YEARLY_UPDATE_STATUSES);
  if (!c.ok) throw invalid(c.errors);
  const [{ items, total }, counts] = await Promise.all([
    queryYearlyUpdates(db, { regionPattern: f.regionPattern, year: year!, status: query.status || undefined, limit: f.limit, offset: f.offset }),
    countYearlyUpdates(db, f.regionPattern, year!),
  ]);
  return {
    year, page: f.page, pageSize: f.pageSize, total, counts,
    canOpen: can(actor, 'yearly_update:open'), canComplete: can(actor, 'yearly_update:write'),
    items: items.map((u) => yearlyUpdateView(u, viewerOf(actor, u.region_code))),
  };
}
