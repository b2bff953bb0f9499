/**
 * The one streaming XLSX exporter of every list (DAT-2). A list export declares its columns
 * (Chinese header, width, value of a row) and an async source of pages; rows are written with
 * exceljs' streaming WorkbookWriter into a stream the route hands to the reply, so a province's
 * list never sits in memory: at most one page of rows plus the zip buffers. The writer waits for
 * the reply to drain before it fetches the next page (a slow client slows the export, it does not
 * fill memory), and stops when the client goes away.
 *
 * Every text cell goes through `escapeCell` (formula injection: = + - @ tab CR). The values are
 * the list's own view of each row, so what is masked on screen is masked here (SEC-3).
 *
 * Audit (SEC-2): an export is a bulk read, recorded as one `export.<list>` entry with the filter
 * and the number of rows written. The entry is appended after the last row and before the
 * workbook is finished: the zip's directory comes last, so if the entry cannot be written the
 * client is left with a file no spreadsheet opens. An export the client breaks off is recorded
 * with the rows written so far (`completed: false`).
 */
import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { countyCodeOf } from '../../domain/region-code.ts';
import { escapeCell } from '../../domain/sheets/spec.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { NOBODY, viewJson } from '../privacy.ts';

export interface ExportColumn<T> {
  header: string;
  /** Column width in characters. */
  width?: number;
  /** The cell of one row: text, number, boolean (written 是/否) or nothing. */
  value: (row: T) => string | number | boolean | null | undefined;
}

export interface ExportSheet<T> {
  name: string;
  columns: readonly ExportColumn<T>[];
  /** Pages of rows, fetched one at a time as the writer asks for them. */
  pages: () => AsyncIterable<readonly T[]>;
}

export interface ListExport {
  /** File title (the route adds the date): 农户名单 → 农户名单_2024-06-03.xlsx. */
  title: string;
  stream: Readable;
}

/** Rows per page an export asks its source for. */
export const EXPORT_PAGE = 1000;

/** Excel's limit of a cell's text. */
const CELL_MAX = 32_767;

function cell(v: string | number | boolean | null | undefined): unknown {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string' && v.length > CELL_MAX) v = `${v.slice(0, CELL_MAX - 1)}…`;
  return escapeCell(v);
}

type Emitter = { on(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown };

/** Resolves on the first of the events. */
function anyOf(...waits: [Emitter, string][]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const [em, ev] of waits) em.off(ev, done);
      resolve();
    };
    for (const [em, ev] of waits) em.on(ev, done);
  });
}

/** Compressed bytes the zip may hold for a slow reader before the writer waits. */
const BACKLOG = 1 << 20;

/**
 * Waits until the reply has room again; false when the reader went away. It first lets the
 * compressor and the pipes run (a page of rows that came from memory would otherwise be zipped
 * only after the last page), then waits while the reply is full or the zip's output piles up.
 */
async function room(out: PassThrough, zip: { readableLength: number }): Promise<boolean> {
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (out.destroyed) return false;
    if (out.writableNeedDrain) await anyOf([out, 'drain'], [out, 'close']);
    else if (zip.readableLength <= BACKLOG) return true;
  }
}

/**
 * Writes the sheets into `out` one after the other (a worksheet is zipped while it is written, so
 * the next one starts after it is committed). Returns the rows written and whether all were.
 * `beforeFinish` runs after the last row, before the workbook's closing parts are written.
 */
async function writeSheets(out: PassThrough, sheets: readonly ExportSheet<any>[], beforeFinish: (rows: number, completed: boolean) => Promise<void>) {
  // No styles (a style per cell cost a tenth of the time) and no shared strings (a table of every
  // distinct text, held until the end): widths and the frozen header row need neither.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  // The archiver exceljs writes through (not in its types): its output backlog, and stopping it.
  const zip = (wb as unknown as { zip: { readableLength: number; abort(): void } }).zip;
  let rows = 0;
  let completed = true;
  try {
    outer: for (const sheet of sheets) {
      const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = sheet.columns.map((c) => ({ header: c.header, width: c.width ?? 14 }));
      ws.getRow(1).commit();
      for await (const page of sheet.pages()) {
        for (const r of page) ws.addRow(sheet.columns.map((c) => cell(c.value(r)))).commit();
        rows += page.length;
        if (!(await room(out, zip))) {
          completed = false;
          break outer;
        }
      }
      ws.commit();
    }
  } catch (e) {
    zip.abort();
    await beforeFinish(rows, false).catch(() => undefined);
    throw e;
  }
  if (!completed) zip.abort();
  try {
    await beforeFinish(rows, completed);
  } catch (e) {
    zip.abort();
    throw e;
  }
  if (completed) await wb.commit();
}

/**
 * An export of a list the actor may see: the sheets streamed, one audit entry `export.<list>`.
 * Call it after the list's authorize() and filter parsing, so a refusal is a plain 403/400.
 */
export function listExport(db: Db, actor: Actor, spec: { list: string; title: string; filter: Record<string, unknown>; sheets: readonly ExportSheet<any>[] }): ListExport {
  const out = new PassThrough();
  // The filter may hold a searched name or ID number: the audit log keeps no personal data (SEC-3).
  const filter = viewJson(NOBODY, Object.fromEntries(Object.entries(spec.filter).filter(([, v]) => v !== undefined && v !== '')));
  const regionCode = typeof spec.filter.regionCode === 'string' && spec.filter.regionCode ? spec.filter.regionCode : actor.regionCode;
  const audit = (rows: number, completed: boolean) =>
    inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor, action: `export.${spec.list}`, objectType: 'export', objectId: spec.list, countyCode: countyCodeOf(regionCode),
        after: { title: spec.title, filter, rows, completed }, reason: `导出${spec.title}`,
      }),
    );
  writeSheets(out, spec.sheets, audit).then(
    () => out.end(),
    (e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return { title: spec.title, stream: out };
}

/**
 * Pages of a list use case: its first page, fetched now so that the list's authorize() and filter
 * checks answer 403/400 before the export starts (as the list does), then page after page until a
 * short one. For lists a county's size bounds; the big ones page by key (`keysetPages`).
 */
export async function listPages<R extends { items: readonly unknown[] }>(pageSize: number, fetch: (page: number) => Promise<R>) {
  const first = await fetch(1);
  async function* pages(): AsyncIterable<R['items']> {
    let items = first.items;
    for (let page = 1; ; ) {
      if (items.length) yield items;
      if (items.length < pageSize) return;
      items = (await fetch(++page)).items;
    }
  }
  return { first, pages };
}

/** One page that is already at hand (a summary table). */
export async function* onePage<T>(items: readonly T[]): AsyncIterable<readonly T[]> {
  yield items;
}

/** Pages by a descending key (newest first, as the lists show them): stable while rows are added. */
export async function* keysetPages<T>(fetch: (before: number | null, limit: number) => Promise<readonly T[]>, key: (row: T) => number): AsyncIterable<readonly T[]> {
  for (let before: number | null = null; ; ) {
    const items = await fetch(before, EXPORT_PAGE);
    if (items.length) yield items;
    if (items.length < EXPORT_PAGE) return;
    before = key(items[items.length - 1]!);
  }
}

/** A label of a code map, or the code itself. */
export const named = (names: Readonly<Record<string, string>>, code: string | null | undefined) => (code == null ? '' : (names[code] ?? code));

/** A timestamp as China's wall clock: 2024-06-03 09:15:00. */
export function chinaTime(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String(v));
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
