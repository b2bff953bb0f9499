import type { Db } from '../../store/transaction.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import type { Actor } from '../actor.ts';
import { listAssistanceGaps, type GapQuery } from '../assistance/list-assistance-gaps.ts';
import { listExport, listPages, named, type ExportColumn } from './xlsx-list.ts';

type Item = Awaited<ReturnType<typeof listAssistanceGaps>>['items'][number];
const PAGE = 100; // the list's largest page

const COLUMNS: ExportColumn<Item>[] = [
  { header: '户编号', width: 9, value: (h) => h.householdId },
  { header: '户主姓名', width: 10, value: (h) => h.headName },
  { header: '所在村', width: 16, value: (h) => h.regionName },
  { header: '村区划代码', width: 14, value: (h) => h.regionCode },
  { header: '监测类别', width: 14, value: (h) => named(CATEGORY_NAMES, h.monitoringCategory) },
  { header: '识别日期', width: 11, value: (h) => h.identifiedOn },
  { header: '有劳动能力人数', width: 9, value: (h) => h.fullLaborMembers },
  { header: '现有措施', width: 30, value: (h) => (h.measures.length ? h.measures.join('、') : '无') },
  { header: '无发展意愿说明', width: 30, value: (h) => h.developmentDeclinedReason },
];

/** One supervision list of assistance gaps (Q23, Q24, Q8) as XLSX (DAT-2), as the page's tab shows it. */
export async function exportAssistanceGaps(db: Db, actor: Actor, q: Omit<GapQuery, 'page' | 'pageSize'>) {
  const { first, pages } = await listPages(PAGE, (page) => listAssistanceGaps(db, actor, { ...q, page: String(page), pageSize: String(PAGE) }));
  return listExport(db, actor, {
    list: 'assistance_gaps', title: `帮扶缺口_${first.name}`, filter: { ...q },
    sheets: [{ name: first.name.slice(0, 31), columns: COLUMNS, pages }],
  });
}
