/**
 * Column specifications of the exchange sheets (DAT-1, DAT-2): one declaration per sheet drives
 * the import template (header, drop-downs, 说明 sheet, example row), the parser (cell text →
 * the value the use case's validator takes), the validation messages (a use case's field path →
 * the column that holds it) and the export of the same sheet. docs/data-exchange.md is generated
 * from these declarations (scripts/gen-data-exchange-doc.ts).
 */
import { FIRST_DATE, LAST_DATE, type FieldError } from '../validation.ts';

export type ColumnType =
  | 'text' // free text (personal data: masked in exports as on screen)
  | 'integer'
  | 'money' // yuan, at most two decimals
  | 'date' // YYYY-MM-DD (also 2023/3/5, 2023年3月5日 or an Excel date cell)
  | 'month' // YYYY-MM
  | 'boolean' // 是 / 否
  | 'enum' // one of the Chinese labels (or the code)
  | 'idNumber' // 18-digit resident ID number (GB 11643)
  | 'regionCode'; // 12-digit division code

/** Sensitive values (SEC-3): how an export treats them for a masked role. */
export type Sensitivity = 'idNumber' | 'phone' | 'bankAccount' | 'health' | 'freeText';

export interface ColumnSpec {
  /** Header cell text, exactly as the template writes it and the parser expects it. */
  header: string;
  /** Path of the value in the use case's input (`idNumber`, `household.regionCode`). */
  field: string;
  type: ColumnType;
  required: boolean;
  /** enum: the codes in order, with their Chinese labels (the drop-down shows the labels). */
  values?: readonly string[];
  labels?: Readonly<Record<string, string>>;
  /** Longest text accepted (text columns). */
  max?: number;
  /** Example cell of the template's example row. */
  example: string;
  /** The rule in a sentence (说明 sheet and docs). */
  rule: string;
  /** The guide's clause the rule comes from (Q-number), when there is one. */
  clause?: string;
  sensitive?: Sensitivity;
  /** Column width in the template (characters). */
  width?: number;
}

export interface SheetSpec {
  /** `--sheet` name, route segment and job field. */
  key: string;
  /** Worksheet name in the template and in exports. */
  name: string;
  /** Title of the import page and of the template file (`${title}导入模板.xlsx`). */
  title: string;
  /** How a row finds the record it updates (upsert by identity), in a sentence. */
  identity: string;
  columns: readonly ColumnSpec[];
  /** Extra notes for the 说明 sheet and the docs. */
  notes?: readonly string[];
}

export const YES_NO: Readonly<Record<string, string>> = { true: '是', false: '否' };

/** A cell as the readers give it: text, number, boolean, a Date (Excel date cell) or empty. */
export type CellValue = string | number | boolean | Date | null | undefined;

/** The cell's text: trimmed, full-width digits and spaces folded, '' for an empty cell. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return isoDate(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  const t = v.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ').trim();
  // An exported or reported cell escaped against formula injection (escapeCell) reads back as written.
  return /^'[=+\-@]/.test(t) ? t.slice(1) : t;
}

function isoDate(d: Date): string {
  // Excel date cells are local midnight written as UTC by exceljs.
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

const pad = (n: string) => n.padStart(2, '0');

/** 2023-03-05, 2023/3/5, 2023.3.5, 2023年3月5日, 20230305 → 2023-03-05; null if not a date. */
export function parseDateText(s: string): string | null {
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}-${pad(m[2]!)}-${pad(m[3]!)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || isoDate(d) !== iso) return null;
  return iso;
}

/** 2023-03, 2023/3, 2023年3月, 202303 → 2023-03; null if not a month. */
export function parseMonthText(s: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${pad(m[2]!)}`;
}

/** Which enum code a cell names: its Chinese label or the code itself. */
export function enumCode(col: ColumnSpec, text: string): string | null {
  for (const v of col.values ?? []) if (col.labels?.[v] === text || v === text) return v;
  return null;
}

export type Parsed = { value: unknown } | { error: string };

/**
 * Turns one cell into the value the use case's validator takes (or says why it cannot). Only the
 * cell's form is checked here; what the value means (check digit, dates in order, a village that
 * exists) is checked by the same domain function as the forms, so the messages are the same.
 */
export function parseCell(col: ColumnSpec, raw: CellValue): Parsed {
  const text = cellText(raw);
  if (text === '') return col.required ? { error: '必填' } : { value: null };
  switch (col.type) {
    case 'text':
      if (col.max && text.length > col.max) return { error: `不能超过${col.max}个字符` };
      return { value: text };
    case 'idNumber':
      return { value: text.toUpperCase().replace(/\s+/g, '') };
    case 'regionCode':
      if (!/^\d{12}$/.test(text)) return { error: '区划代码应为12位数字' };
      return { value: text };
    case 'integer': {
      if (!/^-?\d+$/.test(text)) return { error: '应为整数' };
      return { value: Number(text) };
    }
    case 'money': {
      const t = text.replace(/,/g, '').replace(/元$/, '');
      if (!/^-?\d+(\.\d+)?$/.test(t)) return { error: '金额应为数字（元）' };
      const n = Number(t);
      if (n < 0) return { error: '金额不能为负数' };
      if (!/^\d+(\.\d{1,2})?$/.test(t) && typeof raw !== 'number') return { error: '金额最多两位小数' };
      return { value: typeof raw === 'number' ? raw : n };
    }
    case 'date': {
      if (raw instanceof Date) return { value: isoDate(raw) };
      const d = parseDateText(text);
      if (!d) return { error: '日期格式应为 YYYY-MM-DD（如 2023-03-05）' };
      if (d < FIRST_DATE || d > LAST_DATE) return { error: `日期应在 ${FIRST_DATE} 至 ${LAST_DATE} 之间` };
      return { value: d };
    }
    case 'month': {
      const m = raw instanceof Date ? isoDate(raw).slice(0, 7) : parseMonthText(text);
      if (!m) return { error: '月份格式应为 YYYY-MM（如 2023-03）' };
      return { value: m };
    }
    case 'boolean':
      if (['是', '有', 'Y', 'y', 'true', 'TRUE', '1'].includes(text)) return { value: true };
      if (['否', '无', 'N', 'n', 'false', 'FALSE', '0'].includes(text)) return { value: false };
      return { error: '应填“是”或“否”' };
    case 'enum': {
      const code = enumCode(col, text);
      if (code === null) return { error: `应为 ${(col.values ?? []).map((v) => col.labels?.[v] ?? v).join(' / ')} 之一` };
      return { value: code === 'true' ? true : code === 'false' ? false : code };
    }
  }
}

/** Writes `value` at a dotted path (`household.regionCode`). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts.at(-1)!] = value;
}

export interface RowProblem {
  /** Worksheet name (or the CSV file's sheet). */
  sheet: string;
  /** 1-based row number as Excel shows it (the header is row 1). */
  row: number;
  /** Header of the column, '' for a problem of the whole row. */
  column: string;
  /** The cell as written (masked where it is an ID number, phone or bank account). */
  value: string;
  reason: string;
}

/**
 * The column a use case's error path names: `members[0].idNumber` → the column whose field is
 * `idNumber` (a row is one member), `household.regionCode` → `household.regionCode`.
 */
export function columnOfPath(spec: SheetSpec, path: string): ColumnSpec | undefined {
  const clean = path.replace(/^members\[\d+\]\./, '');
  return spec.columns.find((c) => c.field === clean || c.field === path) ?? spec.columns.find((c) => clean.endsWith(`.${c.field}`) || c.field.endsWith(`.${clean}`));
}

/** Maps a use case's field errors to row problems of one row. */
export function rowProblems(spec: SheetSpec, sheet: string, row: number, cells: Map<string, string>, errors: FieldError[]): RowProblem[] {
  return errors.map((e) => {
    const col = columnOfPath(spec, e.path);
    return { sheet, row, column: col?.header ?? '', value: col ? displayValue(col, cells.get(col.header) ?? '') : '', reason: e.message };
  });
}

/** What an error report shows of a cell: sensitive numbers masked, like every list (SEC-3). */
export function displayValue(col: ColumnSpec, text: string): string {
  if (!text) return '';
  if (col.sensitive === 'idNumber') return text.length >= 10 ? `${text.slice(0, 6)}********${text.slice(-4)}` : '***';
  if (col.sensitive === 'phone' || col.sensitive === 'bankAccount') return text.length > 4 ? `${'*'.repeat(text.length - 4)}${text.slice(-4)}` : '***';
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * Formula injection (CSV/XLSX injection): a text cell starting with = + - @ (or a tab / CR that
 * Excel strips first) is written with a leading apostrophe, so a spreadsheet shows it as text and
 * never evaluates it. Every export and error report writes its text cells through this.
 */
export function escapeCell(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Enum labels of a column in order (the template's drop-down list). */
export function enumLabels(col: ColumnSpec): string[] {
  if (col.type === 'boolean') return ['是', '否'];
  return (col.values ?? []).map((v) => col.labels?.[v] ?? v);
}

/** The label an export writes for a stored value. */
export function exportValue(col: ColumnSpec, v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (col.type === 'boolean') return v ? '是' : '否';
  if (col.type === 'enum') return col.labels?.[String(v)] ?? String(v);
  return v;
}
