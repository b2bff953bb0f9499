import { isInSubtree, subtreePrefix } from '../../domain/region-code.ts';
import { REPORT_STATES } from '../../domain/self-report.ts';
import { Check } from '../../domain/validation.ts';
import { listSelfReports as listRows } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';
import { selfReportListItem } from './self-report-view.ts';

export interface SelfReportListQuery {
  state?: string;
  regionCode?: string;
  page?: number | string;
  pageSize?: number | string;
}

/** 农户申报 of the actor's region subtree (WRN-5): those waiting for the village first, newest first. */
export async function listSelfReports(db: Db, actor: Actor, q: SelfReportListQuery) {
  authorize(actor, 'self_report:read');
  const c = new Check();
  const state = q.state === undefined ? undefined : c.oneOf('state', q.state, REPORT_STATES);
  if (q.regionCode !== undefined && !isInSubtree(actor.regionCode, q.regionCode)) c.fail('regionCode', '该区划不在您的管辖区域内');
  if (!c.ok) throw invalid(c.errors);
  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 20);
  const { rows, total } = await listRows(db, {
    scope: scopePattern(actor), regionPattern: q.regionCode ? `${subtreePrefix(q.regionCode)}%` : undefined, state: state ?? undefined,
    offset: (page - 1) * pageSize, limit: pageSize,
  });
  return { total, page, pageSize, items: rows.map((r) => selfReportListItem(r)) };
}
