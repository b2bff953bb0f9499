import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { listMeasures, type MeasureListQuery } from '../assistance/list-measures.ts';
import { listExport, listPages, type ExportColumn } from './xlsx-list.ts';

export type MeasureItem = Awaited<ReturnType<typeof listMeasures>>['items'][number];
/** The measure lists' largest page. */
export const MEASURE_PAGE = 100;

const OVERDUE_NAMES: Record<string, string> = { not_started: '逾期未实施', not_ended: '期满未结束' };

/** Columns of the measure list and of the overdue list (the same rows on screen). */
export const MEASURE_COLUMNS: ExportColumn<MeasureItem>[] = [
  { header: '措施编号', width: 9, value: (m) => m.id },
  { header: '户编号', width: 9, value: (m) => m.householdId },
  { header: '户主姓名', width: 10, value: (m) => m.headName },
  { header: '所在村', width: 16, value: (m) => m.regionName },
  { header: '村区划代码', width: 14, value: (m) => m.regionCode },
  { header: '措施类型', width: 18, value: (m) => m.typeName },
  { header: '开发式', width: 7, value: (m) => m.developmental },
  { header: '状态', width: 8, value: (m) => m.statusName },
  { header: '逾期', width: 14, value: (m) => m.overdue.map((o) => OVERDUE_NAMES[o] ?? o).join('、') },
  { header: '责任部门', width: 16, value: (m) => m.departmentName },
  { header: '计划开始日期', width: 12, value: (m) => m.plannedStart },
  { header: '期限', width: 11, value: (m) => m.periodEnd },
  { header: '期限规则', width: 14, value: (m) => m.endRuleName },
  { header: '措施内容', width: 30, value: (m) => m.description },
  { header: '开始实施日期', width: 12, value: (m) => m.startedOn },
  { header: '实施完成日期', width: 12, value: (m) => m.implementedOn },
  { header: '结束日期', width: 11, value: (m) => m.endedOn },
  { header: '暂停日期', width: 11, value: (m) => m.suspendedOn },
  { header: '暂停原因', width: 20, value: (m) => m.suspendedReason },
];

/** The measure list as XLSX (DAT-2): a line department's export holds its own measures only, as its list. */
export async function exportMeasures(db: Db, actor: Actor, q: Omit<MeasureListQuery, 'page' | 'pageSize'>, today: string) {
  const { pages } = await listPages(MEASURE_PAGE, (page) => listMeasures(db, actor, { ...q, page: String(page), pageSize: String(MEASURE_PAGE) }, today));
  return listExport(db, actor, {
    list: 'measures', title: '帮扶措施', filter: { ...q },
    sheets: [{ name: '帮扶措施', columns: MEASURE_COLUMNS, pages }],
  });
}
