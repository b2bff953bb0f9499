/**
 * From table rows to use-case input, driven by a sheet's column specification: the header row
 * names the columns (in any order; an unknown or missing required header is a problem of row 1),
 * each later row becomes the input object its validator takes plus the problems of its cells.
 */
import {
  cellText, displayValue, parseCell, rowProblems, setPath, type CellValue, type ColumnSpec, type RowProblem, type SheetSpec,
} from '../../domain/sheets/spec.ts';
import type { FieldError } from '../../domain/validation.ts';
import { isBlankRow, type TableRow } from './read-table.ts';

/** The column an error report adds; a corrected report can be imported again as it is. */
export const ERROR_COLUMN = '错误说明';

/** Header text as people write it: spaces, line breaks and a required-marker `*` ignored. */
const normalHeader = (v: CellValue) => cellText(v).replace(/\s+/g, '').replace(/[*＊]$/, '');

export interface HeaderMap {
  /** Column index (0-based) of each spec column present. */
  index: Map<ColumnSpec, number>;
  problems: RowProblem[];
}

export function mapHeader(spec: SheetSpec, sheet: string, cells: CellValue[]): HeaderMap {
  const index = new Map<ColumnSpec, number>();
  const problems: RowProblem[] = [];
  const byHeader = new Map(spec.columns.map((c) => [c.header.replace(/\s+/g, ''), c]));
  cells.forEach((cell, i) => {
    const h = normalHeader(cell);
    if (!h || h.startsWith(ERROR_COLUMN)) return;
    const col = byHeader.get(h);
    if (!col) problems.push({ sheet, row: 1, column: h, value: h, reason: `未知的列“${h}”：列名须与导入模板一致（可下载模板对照）` });
    else if (index.has(col)) problems.push({ sheet, row: 1, column: h, value: h, reason: `列“${h}”出现了两次` });
    else index.set(col, i);
  });
  for (const col of spec.columns)
    if (col.required && !index.has(col)) problems.push({ sheet, row: 1, column: col.header, value: '', reason: `缺少必填列“${col.header}”` });
  return { index, problems };
}

export interface ParsedRow {
  sheet: string;
  row: number;
  /** The validator's input: fields of empty cells absent, so its defaults apply. */
  input: Record<string, unknown>;
  /** Cell text by header (for messages). */
  texts: Map<string, string>;
  problems: RowProblem[];
}

/** Parses one data row; null for a blank row (the end of a sheet is often padded with them). */
export function parseRow(spec: SheetSpec, header: HeaderMap, r: TableRow): ParsedRow | null {
  if (isBlankRow(r.cells)) return null;
  const input: Record<string, unknown> = {};
  const texts = new Map<string, string>();
  const problems: RowProblem[] = [];
  for (const [col, i] of header.index) {
    const raw = r.cells[i];
    const text = cellText(raw);
    texts.set(col.header, text);
    const parsed = parseCell(col, raw);
    if ('error' in parsed) problems.push({ sheet: r.sheet, row: r.row, column: col.header, value: displayValue(col, text), reason: parsed.error });
    else if (parsed.value !== null) setPath(input, col.field, parsed.value);
  }
  return { sheet: r.sheet, row: r.row, input, texts, problems };
}

/** A validator's field errors as problems of this row, skipping columns whose cell already failed. */
export function validationProblems(spec: SheetSpec, row: ParsedRow, errors: FieldError[]): RowProblem[] {
  const failed = new Set(row.problems.map((p) => p.column));
  return rowProblems(spec, row.sheet, row.row, row.texts, errors).filter((p) => !p.column || !failed.has(p.column));
}

/** A problem of one column of a row, with its cell shown as a list would show it. */
export function cellProblem(spec: SheetSpec, row: { sheet: string; row: number; texts: Map<string, string> }, field: string, reason: string): RowProblem {
  const col = spec.columns.find((c) => c.field === field);
  return { sheet: row.sheet, row: row.row, column: col?.header ?? '', value: col ? displayValue(col, row.texts.get(col.header) ?? '') : '', reason };
}
