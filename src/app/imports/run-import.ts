/**
 * One import, all or nothing (DAT-1): the file is streamed once, each row parsed by the sheet's
 * column specification and checked as it passes; then the accepted rows are checked against the
 * database; any problem anywhere and nothing is written. Otherwise the importer's plan is written
 * in one transaction together with its audit entries and the job's own entry. A dry run (校验)
 * stops before the write and says what it would change.
 */
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import type { AuditEntry } from '../../store/audit.ts';
import { appendAuditBatch } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';
import { readTable, TableError, type TableFormat, type TableLimits } from './read-table.ts';
import { mapHeader, parseRow, type HeaderMap } from './sheet-rows.ts';

/** How many problems a job keeps (the count is always exact). */
export const KEPT_PROBLEMS = 5000;

export interface ImportProgress {
  phase: 'reading' | 'validating' | 'writing';
  rowsRead: number;
  rowsValidated: number;
  rowsWritten: number;
  /** Records to write (known once validated). */
  toWrite?: number;
}

export interface ImportOutcome extends WriteCounts {
  status: 'succeeded' | 'rejected';
  rowsRead: number;
  rowsValidated: number;
  rowsWritten: number;
  problems: RowProblem[];
  problemCount: number;
  message: string;
}

export interface RunImportOptions {
  importer: SheetImporter;
  path: string;
  format: TableFormat;
  limits: TableLimits;
  ctx: ImportContext;
  dryRun: boolean;
  onProgress?: (p: ImportProgress) => void;
  /** The job's own audit entry, given the outcome's counts. */
  jobAudit: (o: Omit<ImportOutcome, 'problems' | 'message'>) => AuditEntry;
}

export async function runImport(db: Db, o: RunImportOptions): Promise<ImportOutcome> {
  const { importer } = o;
  const progress: ImportProgress = { phase: 'reading', rowsRead: 0, rowsValidated: 0, rowsWritten: 0 };
  const report = () => o.onProgress?.({ ...progress });
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const add = (ps: RowProblem[]) => {
    problemCount += ps.length;
    for (const p of ps) if (problems.length < KEPT_PROBLEMS) problems.push(p);
  };
  report();

  const byName = new Map(importer.sheets.map((s) => [s.name, s]));
  const headers = new Map<string, { spec: SheetSpec; header: HeaderMap | null; bad: boolean }>();
  let firstSheet: string | null = null;
  try {
    for await (const r of readTable(o.path, o.format, { csvSheetName: importer.sheets[0]!.name, limits: o.limits })) {
      firstSheet ??= r.sheet;
      let state = headers.get(r.sheet);
      if (!state) {
        // A workbook whose data sheet was renamed: its first sheet is taken as the main one.
        const spec = byName.get(r.sheet) ?? (r.sheet === firstSheet && !byName.has(r.sheet) ? importer.sheets[0]! : undefined);
        if (!spec || [...headers.values()].some((h) => h.spec === spec)) {
          headers.set(r.sheet, (state = { spec: importer.sheets[0]!, header: null, bad: true }));
          continue;
        }
        headers.set(r.sheet, (state = { spec, header: null, bad: false }));
      }
      if (state.bad) continue;
      if (!state.header) {
        state.header = mapHeader(state.spec, r.sheet, r.cells);
        if (state.header.problems.length) add(state.header.problems);
        if (state.header.problems.some((p) => p.reason.startsWith('缺少'))) state.bad = true;
        continue;
      }
      const row = parseRow(state.spec, state.header, r);
      if (!row) continue;
      progress.rowsRead++;
      add(importer.accept(state.spec, row));
      if (progress.rowsRead % 1000 === 0) report();
    }
  } catch (e) {
    if (!(e instanceof TableError)) throw e;
    add([{ sheet: '', row: 0, column: '', value: '', reason: e.message }]);
  }
  const main = importer.sheets[0]!;
  if (![...headers.values()].some((h) => h.header && !h.bad) && problemCount === 0)
    add([{ sheet: main.name, row: 1, column: '', value: '', reason: `文件中没有“${importer.sheets.map((s) => s.name).join('”或“')}”工作表的表头：请使用导入模板` }]);
  else if (progress.rowsRead === 0 && problemCount === 0) add([{ sheet: main.name, row: 2, column: '', value: '', reason: '文件中没有数据行' }]);

  progress.phase = 'validating';
  report();
  add(await importer.validate(db, o.ctx));
  progress.rowsValidated = progress.rowsRead;
  report();

  const base = { rowsRead: progress.rowsRead, rowsValidated: progress.rowsValidated, rowsWritten: 0, created: 0, updated: 0, unchanged: 0, problemCount };
  if (problemCount) {
    const outcome = { ...base, status: 'rejected' as const, problems };
    await inTransaction(db, (trx) => appendAuditBatch(trx, [o.jobAudit(outcome)]));
    return { ...outcome, message: `发现 ${problemCount} 处问题，未写入任何数据：请按错误说明修改后重新导入` };
  }
  const planned = importer.counts();
  if (o.dryRun) {
    const outcome = { ...base, ...planned, status: 'succeeded' as const, problems: [] };
    await inTransaction(db, (trx) => appendAuditBatch(trx, [o.jobAudit(outcome)]));
    return { ...outcome, message: planned.created + planned.updated ? `校验通过（未写入）：导入将新增 ${planned.created} 条、更新 ${planned.updated} 条，${planned.unchanged} 条与系统一致` : `校验通过（未写入）：文件中的 ${planned.unchanged} 条数据与系统一致，导入不会改变任何内容` };
  }
  progress.phase = 'writing';
  progress.toWrite = planned.created + planned.updated;
  report();
  const counts = await inTransaction(db, async (trx) => {
    const c = await importer.write(trx, o.ctx, (n) => {
      progress.rowsWritten += n;
      report();
    });
    await appendAuditBatch(trx, [...o.ctx.audit, o.jobAudit({ ...base, ...c, status: 'succeeded', rowsWritten: progress.rowsWritten })]);
    return c;
  });
  report();
  const outcome = { ...base, ...counts, rowsWritten: progress.rowsWritten, status: 'succeeded' as const, problems: [] };
  return {
    ...outcome,
    message: counts.created + counts.updated ? `导入完成：新增 ${counts.created} 条、更新 ${counts.updated} 条，${counts.unchanged} 条与系统一致未改动` : `文件中的 ${counts.unchanged} 条数据与系统一致，没有改动任何内容`,
  };
}
