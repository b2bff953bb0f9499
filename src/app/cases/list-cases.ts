import { CASE_KINDS, CASE_KIND_NAMES, stateName } from '../../domain/case-machines.ts';
import { daysLeftText, deadlineStatus } from '../../domain/deadlines.ts';
import { LEAD_SOURCE_NAMES } from '../../domain/identification-case.ts';
import { Check } from '../../domain/validation.ts';
import type { CaseKind } from '../../domain/workflow.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import { CASE_COUNT_CAP, listCases as listCaseRows } from '../../store/cases.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';

export interface CaseListQuery {
  kind?: string;
  state?: string;
  status?: string;
  green?: string;
  overdue?: string;
  householdId?: string;
  page?: string;
  pageSize?: string;
}

/** Cases of the actor's region subtree, nearest deadline first. */
export async function listCases(db: Db, actor: Actor, q: CaseListQuery, today: string) {
  authorize(actor, 'case:read');
  const c = new Check();
  if (q.kind !== undefined) c.oneOf('kind', q.kind, CASE_KINDS);
  if (q.status !== undefined) c.oneOf('status', q.status, ['open', 'closed'] as const);
  const page = q.page === undefined ? 1 : Number(q.page);
  const pageSize = q.pageSize === undefined ? 20 : Number(q.pageSize);
  if (!Number.isInteger(page) || page < 1) c.fail('page', '应为正整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) c.fail('pageSize', '应为1至200的整数');
  if (!c.ok) throw invalid(c.errors);
  const { rows, total } = await listCaseRows(db, {
    scope: scopePattern(actor),
    kind: q.kind,
    state: q.state,
    open: q.status === undefined ? undefined : q.status === 'open',
    green: q.green === undefined ? undefined : q.green === 'true',
    overdue: q.overdue === 'true',
    householdId: q.householdId ? Number(q.householdId) : undefined,
    today,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return {
    total,
    // More than CASE_COUNT_CAP: `total` is a lower bound (the UI says "超过…条").
    totalCapped: total > CASE_COUNT_CAP,
    page,
    pageSize,
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindName: CASE_KIND_NAMES[r.kind as CaseKind],
      householdId: r.household_id,
      headName: r.head_name,
      regionCode: r.region_code,
      regionName: r.region_name,
      source: r.source,
      sourceName: LEAD_SOURCE_NAMES[r.source as keyof typeof LEAD_SOURCE_NAMES] ?? r.source,
      leadOn: r.lead_on,
      state: r.state,
      stateName: stateName(r.kind as CaseKind, r.state),
      greenChannel: r.green_channel,
      category: r.category,
      categoryName: r.category ? CATEGORY_NAMES[r.category as keyof typeof CATEGORY_NAMES] : null,
      outcome: r.outcome,
      dueOn: r.due_on,
      dueStatus: r.due_on ? deadlineStatus(r.due_on, today) : null,
      daysLeftText: r.due_on ? daysLeftText(r.due_on, today) : null,
      version: r.version,
    })),
  };
}
