import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { listHouseholds as queryHouseholds } from '../../store/households.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { householdFilter, type ListQuery } from './list-households.ts';
import { maskIdNumber } from '../../domain/masking.ts';
import { viewerOf, viewText } from '../privacy.ts';

const STATUS_NAMES: Record<string, string> = { none: '非监测对象', monitored: '监测对象（未消除风险）', eliminated: '风险已消除' };
const CATEGORY_NAMES: Record<string, string> = {
  unstable_out_of_poverty: '脱贫不稳定户', marginal_at_risk: '边缘易致贫户', sudden_severe_hardship: '突发严重困难户',
};

/**
 * Exports what the actor may see of the household list, with the same filters, to XLSX
 * (DAT-2). Streamed page by page so a county's whole list does not sit in memory twice.
 */
export async function exportHouseholds(db: Db, actor: Actor, query: ListQuery): Promise<Buffer> {
  authorize(actor, 'household:export');
  const f = householdFilter(actor, { ...query, page: 1, pageSize: 1000 }, 1000);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => out.on('end', r));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const ws = wb.addWorksheet('农户名单');
  ws.columns = [
    { header: '户编号', key: 'id', width: 10 },
    { header: '所在村', key: 'region', width: 24 },
    { header: '村民小组', key: 'group', width: 12 },
    { header: '户主姓名', key: 'head', width: 12 },
    { header: '户主身份证号', key: 'idNumber', width: 22 },
    { header: '人口数', key: 'members', width: 8 },
    { header: '户类型', key: 'kind', width: 10 },
    { header: '监测状态', key: 'status', width: 20 },
    { header: '监测类别', key: 'category', width: 16 },
    { header: '识别日期', key: 'identifiedOn', width: 12 },
  ];
  for (let offset = 0; ; offset += f.limit) {
    const { items } = await queryHouseholds(db, { ...f, offset });
    for (const r of items)
      ws.addRow({
        id: r.id, region: r.region_name, group: viewText(viewerOf(actor, r.region_code), r.village_group) ?? '', head: r.head_name ?? '',
        idNumber: r.head_id_number ? maskIdNumber(r.head_id_number) : '', members: r.member_count,
        kind: r.formerly_poor ? '脱贫户' : '一般农户', status: STATUS_NAMES[r.monitoring_status] ?? r.monitoring_status,
        category: r.monitoring_category ? CATEGORY_NAMES[r.monitoring_category] : '', identifiedOn: r.identified_on ?? '',
      }).commit();
    if (items.length < f.limit) break;
  }
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

