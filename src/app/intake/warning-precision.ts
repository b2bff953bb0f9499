import { DEPARTMENT_KIND_NAMES, type DepartmentKind } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import type { Db } from '../../store/transaction.ts';
import { warningPrecision as precisionRows } from '../../store/warnings.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';

/**
 * Warning precision (WRN-6): per department kind, for warnings dated in the period — how many
 * came, were merged into an open task, named persons not in the registry, ended without risk,
 * opened a case, led to an identified household, and the median days from lead to closing the
 * task. A department sees its own kind; the county and above all kinds of their region. It
 * describes the feeds; it sets no target (IDN-5).
 */
export async function warningPrecision(db: Db, actor: Actor, q: { from?: string; to?: string }, today: string) {
  authorize(actor, 'warning:precision');
  const c = new Check();
  const from = c.date('from', q.from) ?? `${today.slice(0, 4)}-01-01`;
  const to = c.date('to', q.to) ?? today;
  if (from > to) c.fail('to', '结束日期不能早于开始日期');
  if (!c.ok) throw invalid(c.errors);
  const rows = await precisionRows(db, { scope: scopePattern(actor), departmentKind: actor.role === 'department' ? actor.departmentKind : null, from, to });
  return {
    from, to,
    rows: rows.map((r) => ({
      departmentKind: r.department_kind, departmentName: DEPARTMENT_KIND_NAMES[r.department_kind as DepartmentKind] ?? r.department_kind,
      received: Number(r.received), merged: Number(r.merged), unknown: Number(r.unknown), closedNoRisk: Number(r.closed_no_risk),
      casesOpened: Number(r.cases_opened), householdsIdentified: Number(r.households_identified), openTasks: Number(r.open_tasks),
      medianDaysToClose: r.median_days === null ? null : Number(r.median_days),
    })),
  };
}
