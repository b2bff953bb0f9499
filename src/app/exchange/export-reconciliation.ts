import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { Check } from '../../domain/validation.ts';
import { escapeCell } from '../../domain/sheets/spec.ts';
import { runErrors, runItems } from '../../store/reconciliation.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { invalid } from '../errors.ts';
import { errorView, itemView, kindFilter, loadRun } from './get-reconciliation.ts';

const PAGE = 1000;

/**
 * The run's differences (optionally of one kind) and its row errors as XLSX, masked as on the
 * page and with every text cell escaped against formula injection (a value from the national
 * file could start with "="). Streamed by id pages.
 */
export async function exportReconciliation(db: Db, actor: Actor, id: number, query: { kind?: string }): Promise<{ filename: string; stream: Readable }> {
  const run = await loadRun(db, actor, id);
  const c = new Check();
  const kind = kindFilter(c, query.kind);
  if (!c.ok) throw invalid(c.errors);
  const out = new PassThrough();
  const write = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('对账结果', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = [
      { header: '类型', width: 16 }, { header: '文件行号', width: 9 }, { header: '所在地', width: 24 }, { header: '户主姓名', width: 10 },
      { header: '户主身份证号', width: 21 }, { header: '字段', width: 16 }, { header: '全国系统', width: 18 }, { header: '监帮', width: 18 },
      { header: '说明', width: 50 },
    ];
    ws.getRow(1).font = { bold: true };
    for (let after = 0; ; ) {
      const page = await runItems(db, run.id, { kind, afterId: after, limit: PAGE });
      for (const i of page) {
        const v = itemView(actor, run, i);
        ws.addRow([v.kindName, v.fileRow ?? '', v.regionName ?? '', v.headName ?? '', v.headIdNumber ?? '', v.field ?? '', v.nationalValue ?? '', v.jianbangValue ?? '', v.detail ?? ''].map(escapeCell)).commit();
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.id;
    }
    ws.commit();
    const es = wb.addWorksheet('错误', { views: [{ state: 'frozen', ySplit: 1 }] });
    es.columns = [{ header: '行号', width: 8 }, { header: '列', width: 16 }, { header: '值', width: 24 }, { header: '原因', width: 50 }];
    es.getRow(1).font = { bold: true };
    for (let after = 0; ; ) {
      const page = await runErrors(db, run.id, { afterId: after, limit: PAGE });
      for (const e of page) {
        const v = errorView(actor, run, e);
        es.addRow([v.row, v.column, v.value, v.reason].map(escapeCell)).commit();
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.id;
    }
    es.commit();
    await wb.commit();
  };
  write().catch((e) => out.destroy(e as Error));
  return { filename: `全国系统对账结果-${run.id}.xlsx`, stream: out };
}
