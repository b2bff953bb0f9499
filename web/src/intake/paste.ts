/**
 * 粘贴多条: lines copied from a spreadsheet (tab-separated) or typed with commas, in the order
 * 类型,姓名,身份证号,日期,内容,单号 — the type by its Chinese label. Parsed here so the department
 * sees each line's problems before sending; the server checks everything again (all or nothing).
 */
import { idNumberProblem } from '../../../src/domain/id-number.ts';
import type { WarningPayload, WarningTypeOption } from './intake.ts';

export const PASTE_COLUMNS = ['类型', '姓名', '身份证号', '日期', '内容', '单号'] as const;
export const MAX_PASTE_ROWS = 500;

export interface PastedRow {
  /** 1-based line number in the text (blank lines are skipped but counted). */
  line: number;
  cells: string[];
  warning: WarningPayload | null;
  problems: string[];
}

/** Splits one line: by tabs when it has any (a spreadsheet copy), else by ASCII or Chinese commas. */
function cellsOf(line: string): string[] {
  const parts = line.includes('\t') ? line.split('\t') : line.split(/[,，]/);
  return parts.map((c) => c.trim());
}

/** 2024-3-5, 2024/03/05, 2024.3.5 or 20240305 → 2024-03-05 (null when not a real date). */
export function normalizeDate(v: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const HEADER = new Set(['类型', '预警类型']);

/**
 * Parses the pasted text against the department's own types. A first line that is the header
 * (类型,姓名,…) is skipped. `regionCode` applies to every line (none: the account's region).
 */
export function parsePasted(text: string, types: readonly WarningTypeOption[], today: string, regionCode: string | null = null): PastedRow[] {
  const byLabel = new Map<string, string>(types.map((t) => [t.label, t.code]));
  const rows: PastedRow[] = [];
  const refs = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const cells = cellsOf(raw);
    if (rows.length === 0 && HEADER.has(cells[0] ?? '')) return;
    const [typeLabel = '', name = '', idRaw = '', dateRaw = '', detail = '', sourceRef = ''] = cells;
    const problems: string[] = [];
    if (cells.length > PASTE_COLUMNS.length) problems.push(`多于${PASTE_COLUMNS.length}列（内容中请不要使用逗号，或从表格中复制以制表符分隔）`);
    const type = byLabel.get(typeLabel);
    if (!typeLabel) problems.push('缺少预警类型');
    else if (!type) problems.push(`预警类型“${typeLabel}”不是本部门可报送的类型（可选：${types.map((t) => t.label).join('、')}）`);
    if (!name) problems.push('缺少姓名');
    else if (name.length > 50) problems.push('姓名不能超过50个字');
    const idNumber = idRaw.toUpperCase();
    if (!idNumber) problems.push('缺少身份证号');
    else {
      const p = idNumberProblem(idNumber);
      if (p) problems.push(p);
    }
    const warnedOn = dateRaw ? normalizeDate(dateRaw) : null;
    if (!dateRaw) problems.push('缺少预警日期');
    else if (!warnedOn) problems.push(`预警日期“${dateRaw}”无效，应为 YYYY-MM-DD`);
    else if (warnedOn > today) problems.push('预警日期不能晚于今天');
    if (detail.length > 500) problems.push('预警内容不能超过500个字');
    if (sourceRef.length > 100) problems.push('来源单号不能超过100个字');
    if (sourceRef) {
      const first = refs.get(sourceRef);
      if (first !== undefined) problems.push(`与第 ${first} 行的来源单号相同`);
      else refs.set(sourceRef, i + 1);
    }
    rows.push({
      line: i + 1,
      cells,
      problems,
      warning: problems.length
        ? null
        : { type: type!, name, idNumber, warnedOn: warnedOn!, detail: detail || null, sourceRef: sourceRef || null, regionCode },
    });
  });
  return rows;
}
