import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import type { MeasureListQuery } from '../assistance/list-measures.ts';
import { listOverdueMeasures } from '../assistance/list-overdue-measures.ts';
import { MEASURE_COLUMNS, MEASURE_PAGE } from './export-measures.ts';
import { listExport, listPages, onePage, type ExportColumn } from './xlsx-list.ts';

type DepartmentRow = Awaited<ReturnType<typeof listOverdueMeasures>>['byDepartment'][number];

const DEPARTMENT_COLUMNS: ExportColumn<DepartmentRow>[] = [
  { header: '责任部门', width: 18, value: (d) => d.departmentName },
  { header: '措施总数', width: 9, value: (d) => d.total },
  { header: '计划', width: 7, value: (d) => d.planned },
  { header: '实施中', width: 7, value: (d) => d.implementing },
  { header: '已实施', width: 7, value: (d) => d.implemented },
  { header: '已结束', width: 7, value: (d) => d.ended },
  { header: '已暂停', width: 7, value: (d) => d.suspended },
  { header: '逾期未实施', width: 10, value: (d) => d.overdueNotStarted },
  { header: '期满未结束', width: 10, value: (d) => d.overdueNotEnded },
];

/**
 * The supervision list of each department's implementation (AST-5, Q27) as XLSX: the summary by
 * department on one sheet, the overdue measures on the next, as the page shows them.
 */
export async function exportOverdueMeasures(db: Db, actor: Actor, q: Omit<MeasureListQuery, 'page' | 'pageSize'>, today: string) {
  const { first, pages } = await listPages(MEASURE_PAGE, (page) => listOverdueMeasures(db, actor, { ...q, page: String(page), pageSize: String(MEASURE_PAGE) }, today));
  return listExport(db, actor, {
    list: 'overdue_measures', title: '各部门落实情况与逾期措施', filter: { ...q, today },
    sheets: [
      { name: '各部门落实情况', columns: DEPARTMENT_COLUMNS, pages: () => onePage(first.byDepartment) },
      { name: '逾期措施', columns: MEASURE_COLUMNS, pages },
    ],
  });
}
