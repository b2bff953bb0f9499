import ExcelJS from 'exceljs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { cellText, escapeCell, type CellValue, type RowProblem } from '../../domain/sheets/spec.ts';
import { hasImportFile, restoreImportFile, type ImportJobRow } from '../../store/imports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, forbidden } from '../errors.ts';
import { loadScopedImportJob } from './get-import-job.ts';
import { importLimits, readTable, sniffTable } from './read-table.ts';
import { ERROR_COLUMN } from './sheet-rows.ts';

const SKIPPED_SHEETS = new Set(['说明', '选项']);

function csvLine(cells: unknown[]): string {
  return cells.map((c) => {
    const s = c instanceof Date ? cellText(c) : String(c ?? '');
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  }).join(',');
}

/**
 * The error report of a rejected job, as users of such systems expect it: the file they uploaded,
 * in its own format, with a 错误说明 column naming each row's problems, so they correct the rows
 * and upload the same file again (the column is ignored on import). Streamed; only the uploader
 * may have it (it is their file, ID numbers and all).
 */
export async function importErrorReport(db: Db, actor: Actor, id: number): Promise<{ fileName: string; contentType: string; stream: Readable }> {
  const job = await loadScopedImportJob(db, actor, id);
  if (job.user_id !== actor.id) throw forbidden('错误报告含上传文件的全部内容，只有上传人可以下载');
  if (job.status !== 'rejected') throw conflict('', '该任务没有错误报告（只有发现错误的任务才有）');
  if (!(await hasImportFile(db, id))) throw conflict('', '上传的文件已不再保存，无法生成错误报告');
  return writeErrorReport(db, job);
}

export async function writeErrorReport(db: Db, job: ImportJobRow): Promise<{ fileName: string; contentType: string; stream: Readable }> {
  const dir = await mkdtemp(join(tmpdir(), 'jianbang-report-'));
  const path = join(dir, 'file');
  await restoreImportFile(db, job.id, path);
  const limits = importLimits();
  const format = await sniffTable(path, limits);
  const problems = (job.problems as RowProblem[] | null) ?? [];
  const byRow = new Map<string, string[]>();
  const general: string[] = [];
  for (const p of problems) {
    if (!p.row) general.push(p.reason);
    const key = `${p.sheet}\u0000${p.row || 1}`;
    byRow.set(key, [...(byRow.get(key) ?? []), p.column ? `【${p.column}】${p.reason}` : p.reason]);
  }
  if (job.problem_count > problems.length) general.push(`共 ${job.problem_count} 处问题，此报告列出前 ${problems.length} 处；改正后重新导入会给出其余的`);
  const out = new PassThrough();
  const base = job.file_name.replace(/\.(xlsx|csv)$/i, '');
  const done = () => void rm(dir, { recursive: true, force: true });
  out.on('close', done);
  out.on('end', done);

  void (async () => {
    try {
      if (format.kind === 'csv') {
        out.write('\uFEFF');
        let errorAt = -1;
        let width = 0;
        let firstSheet = true;
        for await (const r of readTable(path, format, { csvSheetName: problems.find((p) => p.sheet)?.sheet ?? '', limits })) {
          const cells = r.cells.slice();
          if (r.row === 1) errorAt = cells.findIndex((c) => cellText(c) === ERROR_COLUMN);
          if (errorAt >= 0) cells.splice(errorAt, 1);
          if (r.row === 1) width = cells.length;
          while (cells.length < width) cells.push('');
          const reasons = byRow.get(`${r.sheet}\u0000${r.row}`) ?? [];
          const note = r.row === 1 ? [ERROR_COLUMN, ...(firstSheet ? general : []), ...reasons].join('；') : reasons.join('；');
          firstSheet = false;
          out.write(`${csvLine([...cells.map(escapeCell), note])}\r\n`);
        }
        out.end();
        return;
      }
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
      let ws: ExcelJS.Worksheet | null = null;
      let current = '';
      let errorAt = -1;
      let width = 0;
      let first = true;
      for await (const r of readTable(path, format, { csvSheetName: '', limits })) {
        if (SKIPPED_SHEETS.has(r.sheet)) continue;
        if (r.sheet !== current) {
          if (ws) (ws as any).commit();
          ws = wb.addWorksheet(r.sheet);
          current = r.sheet;
          errorAt = -1;
        }
        const cells: CellValue[] = r.cells.slice();
        if (r.row === 1) errorAt = cells.findIndex((c) => cellText(c) === ERROR_COLUMN);
        if (errorAt >= 0) cells.splice(errorAt, 1);
        if (r.row === 1) width = cells.length;
        while (cells.length < width) cells.push(null);
        const reasons = byRow.get(`${r.sheet}\u0000${r.row}`) ?? [];
        const note = r.row === 1 ? [ERROR_COLUMN, ...(first ? general : []), ...reasons].join('；') : reasons.join('；');
        if (r.row === 1) first = false;
        const row = ws!.getRow(r.row);
        row.values = [...cells.map((c) => escapeCell(c ?? null)), note] as ExcelJS.CellValue[];
        if (reasons.length && r.row > 1) row.getCell(cells.length + 1).font = { color: { argb: 'FFC00000' } };
        row.commit();
      }
      if (ws) (ws as any).commit();
      await wb.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return format.kind === 'csv'
    ? { fileName: `${base}-错误报告.csv`, contentType: 'text/csv; charset=utf-8', stream: out }
    : { fileName: `${base}-错误报告.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', stream: out };
}
