import { departmentName } from '../../domain/measures.ts';
import { departmentSummary } from '../../store/assistance.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { listMeasures, measureFilter, type MeasureListQuery } from './list-measures.ts';

/**
 * The county's view of each department's implementation (AST-5, Q27): measures by status per
 * responsible department, and the overdue measures — planned start passed but not started, or
 * period end passed but not ended. Departments see their own row only.
 */
export async function listOverdueMeasures(db: Db, actor: Actor, query: Pick<MeasureListQuery, 'regionCode' | 'departmentKind' | 'page' | 'pageSize'>, today: string) {
  authorize(actor, 'measure:read');
  const f = measureFilter(actor, query);
  const [summary, list] = await Promise.all([
    departmentSummary(db, f, today),
    listMeasures(db, actor, { ...query, overdue: 'true' }, today),
  ]);
  return {
    today,
    byDepartment: summary.map((s) => ({
      departmentKind: s.department_kind,
      departmentName: departmentName(s.department_kind),
      total: s.total,
      planned: s.planned,
      implementing: s.implementing,
      implemented: s.implemented,
      ended: s.ended,
      suspended: s.suspended,
      overdueNotStarted: s.overdue_start,
      overdueNotEnded: s.overdue_end,
    })),
    ...list,
  };
}
