import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { listCases, type CaseListQuery } from '../cases/list-cases.ts';
import { listExport, listPages, type ExportColumn } from './xlsx-list.ts';

type Item = Awaited<ReturnType<typeof listCases>>['items'][number];
const PAGE = 200; // the list's largest page

const COLUMNS: ExportColumn<Item>[] = [
  { header: '案件编号', width: 9, value: (r) => r.id },
  { header: '类型', width: 12, value: (r) => r.kindName },
  { header: '户编号', width: 9, value: (r) => r.householdId },
  { header: '户主姓名', width: 10, value: (r) => r.headName },
  { header: '所在村', width: 16, value: (r) => r.regionName },
  { header: '村区划代码', width: 14, value: (r) => r.regionCode },
  { header: '线索来源', width: 16, value: (r) => r.sourceName },
  { header: '线索日期', width: 11, value: (r) => r.leadOn },
  { header: '状态', width: 16, value: (r) => r.stateName },
  { header: '办理情况', width: 9, value: (r) => (r.outcome ? '已办结' : '办理中') },
  { header: '绿色通道', width: 8, value: (r) => r.greenChannel },
  { header: '监测类别', width: 14, value: (r) => r.categoryName },
  { header: '最近期限', width: 11, value: (r) => r.dueOn },
  { header: '期限情况', width: 14, value: (r) => r.daysLeftText },
];

/** The case list as XLSX (DAT-2): the list's filters, scope and rows, nearest deadline first. */
export async function exportCases(db: Db, actor: Actor, q: Omit<CaseListQuery, 'page' | 'pageSize'>, today: string) {
  const { pages } = await listPages(PAGE, (page) => listCases(db, actor, { ...q, page: String(page), pageSize: String(PAGE) }, today));
  return listExport(db, actor, {
    list: 'cases', title: '案件列表', filter: { ...q },
    sheets: [{ name: '案件', columns: COLUMNS, pages }],
  });
}
