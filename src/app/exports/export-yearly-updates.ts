import { YEARLY_UPDATE_STATUS_NAMES } from '../../domain/yearly-update.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { listYearlyUpdates, type YearlyUpdateListQuery } from '../yearly-update/list-yearly-updates.ts';
import { MONITORING_STATUS_NAMES } from './labels.ts';
import { listExport, listPages, named, type ExportColumn } from './xlsx-list.ts';

type Item = Awaited<ReturnType<typeof listYearlyUpdates>>['items'][number];
const PAGE = 100; // the list's largest page

const COLUMNS: ExportColumn<Item>[] = [
  { header: '年度', width: 7, value: (u) => u.year },
  { header: '户编号', width: 9, value: (u) => u.householdId },
  { header: '户主姓名', width: 10, value: (u) => u.headName },
  { header: '所在村', width: 16, value: (u) => u.regionName },
  { header: '村区划代码', width: 14, value: (u) => u.regionCode },
  { header: '监测状态', width: 20, value: (u) => named(MONITORING_STATUS_NAMES, u.monitoringStatus) },
  { header: '监测类别', width: 14, value: (u) => named(CATEGORY_NAMES, u.monitoringCategory) },
  { header: '风险消除日期', width: 12, value: (u) => u.eliminatedOn },
  { header: '更新状态', width: 8, value: (u) => named(YEARLY_UPDATE_STATUS_NAMES, u.status) },
  { header: '开启日期', width: 11, value: (u) => u.openedOn },
  { header: '完成日期', width: 11, value: (u) => u.doneOn },
  { header: '完成人', width: 12, value: (u) => u.doneBy },
  { header: '备注', width: 24, value: (u) => u.note },
];

/** A year's update tasks (REG-6) as XLSX (DAT-2), with the list's filters. */
export async function exportYearlyUpdates(db: Db, actor: Actor, q: Omit<YearlyUpdateListQuery, 'page' | 'pageSize'>, today: string) {
  const { first, pages } = await listPages(PAGE, (page) => listYearlyUpdates(db, actor, { ...q, page, pageSize: PAGE }, today));
  return listExport(db, actor, {
    list: 'yearly_updates', title: `${first.year}年度信息更新`, filter: { ...q, year: first.year },
    sheets: [{ name: `${first.year}年度信息更新`, columns: COLUMNS, pages }],
  });
}
