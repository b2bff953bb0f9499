/**
 * Reads an uploaded table, streamed: XLSX through exceljs's streaming reader, CSV through
 * csv-parse after decoding (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel writes
 * it — detected, not asked). The kind of file is decided by its content, never by its name, and
 * an XLSX's zip directory is checked (entry count, declared uncompressed size, compression ratio)
 * before any of it is inflated, so a zip bomb is refused before parsing.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import yauzl from 'yauzl';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { open } from 'node:fs/promises';
import type { CellValue } from '../../domain/sheets/spec.ts';

export interface TableLimits {
  /** Largest file accepted (bytes). */
  maxBytes: number;
  /** Most data rows per file (header not counted). */
  maxRows: number;
  /** Largest total uncompressed size of an XLSX's entries. */
  maxUncompressedBytes: number;
  /** Most entries in an XLSX's zip. */
  maxEntries: number;
}

/** Defaults; `JIANBANG_IMPORT_MAX_MB` and `JIANBANG_IMPORT_MAX_ROWS` override the first two. */
export function importLimits(env: NodeJS.ProcessEnv = process.env): TableLimits {
  const mb = Number(env.JIANBANG_IMPORT_MAX_MB) || 50;
  const rows = Number(env.JIANBANG_IMPORT_MAX_ROWS) || 500_000;
  return { maxBytes: mb * 1024 * 1024, maxRows: rows, maxUncompressedBytes: 20 * mb * 1024 * 1024, maxEntries: 1000 };
}

export class TableError extends Error {
  override name = 'TableError';
}

export type TableKind = 'xlsx' | 'csv';
export type TextEncoding = 'utf8' | 'gb18030';

export interface TableFormat {
  kind: TableKind;
  /** CSV only. */
  encoding?: TextEncoding;
}

export interface TableRow {
  sheet: string;
  /** 1-based, as Excel numbers it: the header is row 1. */
  row: number;
  cells: CellValue[];
}

const SAMPLE = 64 * 1024;

/** Whether `buf` is valid UTF-8, ignoring a sequence cut off at its end. */
function isUtf8(buf: Buffer): boolean {
  let end = buf.length;
  // Step back over an incomplete trailing sequence (the sample may cut a character).
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = buf[end - i]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > i) end -= i;
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Decides what the file is from its first bytes; refuses what is neither XLSX nor CSV. */
export async function sniffTable(path: string, limits: TableLimits): Promise<TableFormat> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new TableError('文件是空的');
    if (size > limits.maxBytes) throw new TableError(`文件过大：${(size / 1048576).toFixed(1)} MB，上限 ${limits.maxBytes / 1048576} MB`);
    const buf = Buffer.alloc(Math.min(size, SAMPLE));
    await fh.read(buf, 0, buf.length, 0);
    if (buf.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
      await checkZip(path, limits);
      return { kind: 'xlsx' };
    }
    if (buf.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])))
      throw new TableError('这是旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 后再导入');
    if (buf.includes(0)) throw new TableError('文件内容既不是 XLSX 也不是 CSV（只接受 .xlsx 或 .csv 文件）');
    if (buf.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) return { kind: 'csv', encoding: 'utf8' };
    return { kind: 'csv', encoding: isUtf8(buf) ? 'utf8' : 'gb18030' };
  } finally {
    await fh.close();
  }
}

/** Reads the zip's central directory only; nothing is inflated. */
async function checkZip(path: string, limits: TableLimits): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(new TableError('XLSX 文件已损坏，无法读取（不是完整的 zip 文件）')) : resolve(z))),
  );
  try {
    if (zip.entryCount > limits.maxEntries) throw new TableError(`XLSX 文件内含 ${zip.entryCount} 个部件，超过上限 ${limits.maxEntries}（疑似压缩炸弹，拒绝解析）`);
    let total = 0;
    let workbook = false;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        total += e.uncompressedSize;
        if (e.fileName === 'xl/workbook.xml') workbook = true;
        const ratio = e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : e.uncompressedSize > 0 ? Infinity : 0;
        if (total > limits.maxUncompressedBytes || (e.uncompressedSize > 1024 * 1024 && ratio > 200))
          return reject(new TableError('XLSX 文件解压后过大或压缩比异常（疑似压缩炸弹，拒绝解析）'));
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', () => reject(new TableError('XLSX 文件已损坏，无法读取')));
      zip.readEntry();
    });
    if (!workbook) throw new TableError('zip 文件中没有工作簿（不是 XLSX 文件）');
  } finally {
    zip.close();
  }
}

/** Decodes UTF-8 across chunk boundaries (a character split between two chunks stays whole). */
async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.write(c);
    if (s) yield s;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * exceljs's streaming reader (4.4) decodes each inflated chunk of the zip on its own, so a Chinese
 * character that falls across two chunks turns into U+FFFD — one cell in a few thousand of a
 * real roster. Its parts are handed over already decoded as text instead, which the reader passes
 * through unchanged.
 */
const WorkbookReader = class extends (ExcelJS.stream.xlsx.WorkbookReader as any) {
  async *_parseSharedStrings(entry: NodeJS.ReadableStream) {
    entry.setEncoding('utf8');
    yield* super._parseSharedStrings(entry);
  }
  _parseWorkbook(entry: NodeJS.ReadableStream) {
    entry.setEncoding('utf8');
    return super._parseWorkbook(entry);
  }
  _parseRels(entry: NodeJS.ReadableStream) {
    entry.setEncoding('utf8');
    return super._parseRels(entry);
  }
  _parseStyles(entry: NodeJS.ReadableStream) {
    entry.setEncoding('utf8');
    return super._parseStyles(entry);
  }
  *_parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string) {
    yield* super._parseWorksheet(utf8Chunks(iterator), sheetNo);
  }
} as unknown as typeof ExcelJS.stream.xlsx.WorkbookReader;

const openZip = (path: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(err ?? new Error('zip')) : resolve(z))));

/**
 * The worksheets of an XLSX, each streamed by exceljs's worksheet reader. exceljs's own
 * WorkbookReader reads the zip front to back with unzipper, whose parser ends as soon as its
 * input is consumed, before the parts it has buffered are read: in a file whose sheets come
 * before workbook.xml (as exceljs writes them, so our own templates and error reports) the last
 * parts were lost whenever the reader was slow on a sheet — an intermittent “reading 'sheets'”
 * failure. yauzl opens each part from the zip directory on demand instead, so the parts the
 * sheets depend on (relations, workbook, shared strings, styles) are read first, whatever their
 * order in the file. The part readers are exceljs's (its internal methods, exceljs 4.4).
 */
async function* xlsxWorksheets(path: string): AsyncGenerator<ExcelJS.stream.xlsx.WorksheetReader> {
  const zip = await openZip(path);
  try {
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (entries.set(e.fileName, e), zip.readEntry()));
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    const open = (name: string) => {
      const e = entries.get(name);
      return e ? new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(e, (err, s) => (err || !s ? reject(err) : resolve(s)))) : null;
    };
    const reader = new WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' }) as any;
    const rels = await open('xl/_rels/workbook.xml.rels');
    if (rels) await reader._parseRels(rels);
    const book = await open('xl/workbook.xml');
    if (!book) throw new TableError('zip 文件中没有工作簿（不是 XLSX 文件）');
    await reader._parseWorkbook(book);
    reader.model ??= { sheets: [] };
    const strings = await open('xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(strings));
    const styles = await open('xl/styles.xml');
    if (styles) await reader._parseStyles(styles);
    const sheets = [...entries.keys()]
      .map((name) => /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name))
      .filter((m): m is RegExpExecArray => !!m)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    for (const m of sheets) for (const ev of reader._parseWorksheet(await open(m[0]), m[1])) yield ev.value;
  } finally {
    zip.close();
  }
}

function xlsxCell(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return xlsxCell(v.result as ExcelJS.CellValue); // a formula: its cached result
    if ('text' in v) return String(v.text); // hyperlink
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/**
 * The rows of the table, in order, header included. XLSX: the sheets named in `sheets` (all when
 * absent), others skipped unread. `sheetName` names a CSV's only sheet.
 */
export async function* readTable(path: string, format: TableFormat, opts: { sheets?: readonly string[]; csvSheetName: string; limits: TableLimits }): AsyncGenerator<TableRow> {
  let dataRows = 0;
  const count = () => {
    if (++dataRows > opts.limits.maxRows) throw new TableError(`数据行数超过上限 ${opts.limits.maxRows} 行：请分成几个文件导入`);
  };
  if (format.kind === 'xlsx') {
    try {
      for await (const ws of xlsxWorksheets(path)) {
        const name = (ws as unknown as { name: string }).name;
        const wanted = !opts.sheets || opts.sheets.includes(name);
        for await (const row of ws) {
          if (!wanted) continue;
          const values = row.values as ExcelJS.CellValue[];
          const cells = Array.isArray(values) ? values.slice(1).map(xlsxCell) : [];
          if (row.number > 1) count();
          yield { sheet: name, row: row.number, cells };
        }
      }
    } catch (e) {
      if (e instanceof TableError) throw e;
      throw new TableError(`XLSX 文件无法解析：${(e as Error).message}`);
    }
    return;
  }
  const input = createReadStream(path);
  const decoded = format.encoding === 'gb18030' ? input.pipe(iconv.decodeStream('gb18030')) : input.pipe(iconv.decodeStream('utf8', { stripBOM: true }));
  const parser = decoded.pipe(parse({ relax_column_count: true, skip_empty_lines: false, bom: true }));
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      if (row > 1) count();
      yield { sheet: opts.csvSheetName, row, cells: record };
    }
  } catch (e) {
    if (e instanceof TableError) throw e;
    throw new TableError(`CSV 文件第 ${row + 1} 行无法解析：${(e as Error).message}`);
  } finally {
    input.destroy();
  }
}

/** Whether a row has nothing in it (trailing empty rows of a sheet are skipped). */
export function isBlankRow(cells: CellValue[]): boolean {
  return cells.every((c) => c === null || c === undefined || (typeof c === 'string' && c.trim() === ''));
}
