import { maskIdNumber } from '../../domain/masking.ts';
import { idNumberProblem } from '../../domain/id-number.ts';
import { countyCodeOf } from '../../domain/region-code.ts';
import { entryCheck, NATIONAL_HEADERS as H, NATIONAL_HOUSEHOLD_SHEET, parseRiskNames, riskCell } from '../../domain/sheets/national.ts';
import { cellText, displayValue, parseCell, type CellValue, type ColumnSpec } from '../../domain/sheets/spec.ts';
import { appendAudit } from '../../store/audit.ts';
import { idNumberIndex } from '../../store/members.ts';
import {
  countiesIn, householdsByHeadIndex, insertErrors, insertItems, insertRun, nationalHouseholdPage, nationalHouseholdsByHead, setRunCounts,
  type NationalHouseholdRow, type NationalScope, type NewReconciliationError, type NewReconciliationItem, type RunCounts,
} from '../../store/reconciliation.ts';
import { inTransaction, type Db, type Tx } from '../../store/transaction.ts';
import { importLimits, isBlankRow, readTable, sniffTable, TableError, type TableFormat } from '../imports/read-table.ts';
import type { Actor } from '../actor.ts';
import { scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';
import { NOBODY } from '../privacy.ts';
import { authorizeExchange } from './access.ts';
import { householdCells, sheetValue } from './national-rows.ts';

export interface UploadedFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** Columns compared between the national file and Jianbang (sensitive numbers are not: see docs). */
const COMPARED = ['village', 'headName', 'size', 'formerlyPoor', 'category', 'identifiedOn', 'risks', 'eliminated', 'eliminatedOn'] as const;

const BATCH = 500;
const SPEC = NATIONAL_HOUSEHOLD_SHEET;
const byHeader = new Map(SPEC.columns.map((c) => [c.header, c]));
const HEAD_ID = byHeader.get(H.headId)!;

interface ParsedRow {
  row: number;
  /** Field → parsed value (absent: column missing or the cell was wrong). */
  values: Map<string, unknown>;
  idNumber: string | null;
  bidx: string | null;
  /** Raw cell text by header, for error values. */
  text: Map<string, string>;
}

/** A value as both sides are compared and shown: the sheet's label text. */
function shown(col: ColumnSpec, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (col.field === 'risks') return String(v);
  return String(sheetValue(col, col.type === 'boolean' ? String(v) : (v as string | number)));
}

/**
 * Reconciles the actor's monitoring objects with the national system's export (DAT-4): rows
 * only in the file, households only in Jianbang, fields that differ and entries past Q45's 10 days.
 * The file is read streamed, in batches matched by the head's blind index (no row is decrypted to
 * compare). Rows outside the actor's region are errors naming the row. The run, its items and
 * one audit entry (file SHA-256, counts) commit together.
 */
export async function reconcileNational(db: Db, actor: Actor, file: UploadedFile, today: string) {
  authorizeExchange(actor);
  const limits = importLimits();
  let format: TableFormat;
  try {
    format = await sniffTable(file.path, limits);
  } catch (e) {
    if (e instanceof TableError) throw invalid([{ path: 'file', message: e.message }]);
    throw e;
  }
  const pattern = scopePattern(actor);
  const scope: NationalScope = { regionPattern: pattern, countyCode: countyCodeOf(actor.regionCode) };
  const counties = new Map<string, string[]>();
  for (const c of await countiesIn(db, pattern)) counties.set(c.name, [...(counties.get(c.name) ?? []), c.code]);

  try {
    return await inTransaction(db, (trx) => run(trx, actor, file, format, today, scope, counties));
  } catch (e) {
    if (e instanceof TableError) throw invalid([{ path: 'file', message: e.message }]);
    throw e;
  }
}

async function run(trx: Tx, actor: Actor, file: UploadedFile, format: TableFormat, today: string, scope: NationalScope, counties: Map<string, string[]>) {
  const runId = await insertRun(trx, {
    county_code: scope.countyCode, scope_region_code: actor.regionCode, file_sha256: file.sha256, file_bytes: file.bytes,
    file_kind: format.kind, as_of: today, actor_id: actor.id, actor_name: actor.displayName,
  });
  const counts: RunCounts = { rows_read: 0, matched: 0, only_in_national: 0, only_in_jianbang: 0, field_differs: 0, entry_overdue: 0, errors: 0 };
  const matched = new Set<number>();
  const firstRowOf = new Map<string, number>();
  let items: NewReconciliationItem[] = [];
  let errors: NewReconciliationError[] = [];
  const item = (i: NewReconciliationItem) => {
    items.push(i);
    counts[i.kind as 'field_differs']++;
  };
  const error = (row: number, column: string, value: string, reason: string) => {
    errors.push({ file_row: row, column_name: column, value, reason });
    counts.errors++;
  };
  const save = async () => {
    await insertItems(trx, runId, items);
    await insertErrors(trx, runId, errors);
    items = [];
    errors = [];
  };

  let columns: (ColumnSpec | undefined)[] | null = null;
  let sheet: string | undefined;
  let batch: ParsedRow[] = [];

  const flush = async () => {
    const rows = batch;
    batch = [];
    const keys = rows.flatMap((r) => (r.bidx ? [r.bidx] : []));
    const registered = new Map((await householdsByHeadIndex(trx, scope.regionPattern, keys)).map((h) => [h.bidx, h]));
    const inScope = new Map((await nationalHouseholdsByHead(trx, scope, keys)).map((h) => [h.head_bidx!, h]));
    for (const r of rows) {
      if (!r.bidx) continue;
      // Scope by what the file says: a row of a county outside the actor's region is an error. A
      // head registered outside it is not looked at (a row tells nobody where a person is registered).
      const countyName = r.values.get('county') as string | undefined;
      const codes = countyName ? counties.get(countyName) : undefined;
      if (!codes) {
        if (countyName) error(r.row, H.county, r.text.get(H.county) ?? '', `“${countyName}”不是您管辖区域内的县，不能在本辖区对账`);
        continue;
      }
      const headName = (r.values.get('headName') as string | undefined) ?? null;
      const who = { file_row: r.row, head_name: headName, head_id_masked: r.idNumber ? maskIdNumber(r.idNumber) : null };
      const h = inScope.get(r.bidx);
      const known = registered.get(r.bidx);
      if (h) {
        counts.matched++;
        matched.add(h.id);
        const where = { ...who, household_id: h.id, region_code: h.region_code, region_name: regionName(h) };
        const mine = householdCells(h, NOBODY);
        for (const field of COMPARED) {
          if (!r.values.has(field)) continue;
          const col = SPEC.columns.find((c) => c.field === field)!;
          const national = shown(col, r.values.get(field));
          const jianbang = shown(col, mine[field]);
          if (national !== jianbang) item({ ...where, kind: 'field_differs', field: col.header, national_value: national, jianbang_value: jianbang, detail: null });
        }
        const enteredOn = r.values.get('enteredOn') as string | null | undefined;
        if (enteredOn) {
          const check = entryCheck(h.identified_on, enteredOn, today);
          if (check.overdue) item({ ...where, kind: 'entry_overdue', field: H.enteredOn, national_value: enteredOn, jianbang_value: h.identified_on, detail: check.reason });
        }
      } else if (known) {
        // Registered here but not a monitoring object: the national system holds it as one.
        counts.matched++;
        item({ ...who, kind: 'field_differs', household_id: known.id, region_code: known.region_code, field: '是否监测对象', national_value: '是', jianbang_value: '否（未识别为监测对象）', detail: '全国系统中是监测对象，监帮中不是' });
      } else {
        const place = ['township', 'village'].map((f) => r.values.get(f)).filter(Boolean);
        const where = { ...who, household_id: null, region_code: codes.length === 1 ? codes[0]! : null, region_name: [countyName, ...place].join('') };
        item({ ...where, kind: 'only_in_national', field: null, national_value: null, jianbang_value: null, detail: '全国系统中有该户，监帮本辖区没有以此户主身份证号登记的监测对象' });
        const enteredOn = r.values.get('enteredOn') as string | null | undefined;
        const check = enteredOn ? entryCheck((r.values.get('identifiedOn') as string | null) ?? null, enteredOn, today) : null;
        if (check?.overdue) item({ ...where, kind: 'entry_overdue', field: H.enteredOn, national_value: enteredOn!, jianbang_value: null, detail: check.reason });
      }
    }
    await save();
  };

  for await (const t of readTable(file.path, format, { csvSheetName: SPEC.name, limits: importLimits() })) {
    // The household part is the first worksheet (the member part, when present, is not compared).
    sheet ??= t.sheet;
    if (t.sheet !== sheet) break;
    if (!columns) {
      if (isBlankRow(t.cells)) continue;
      columns = headerColumns(t.cells);
      continue;
    }
    if (isBlankRow(t.cells)) continue;
    counts.rows_read++;
    const parsed = parseRow(t.row, t.cells, columns, error);
    if (parsed.bidx === null && parsed.idNumber) parsed.bidx = idNumberIndex(trx, parsed.idNumber);
    if (parsed.bidx) {
      const first = firstRowOf.get(parsed.bidx);
      if (first !== undefined) {
        error(t.row, H.headId, displayValue(HEAD_ID, parsed.idNumber!), `同一户主身份证号在第 ${first} 行已出现`);
        continue;
      }
      firstRowOf.set(parsed.bidx, t.row);
    }
    batch.push(parsed);
    if (batch.length >= BATCH) await flush();
  }
  if (!columns) throw invalid([{ path: 'file', message: '文件中没有表头行（应为全国系统导出的“户信息”表）' }]);
  await flush();

  // Monitoring objects of the region the file does not have.
  for (let after = 0; ; ) {
    const page = await nationalHouseholdPage(trx, scope, after, BATCH);
    for (const h of page) {
      if (matched.has(h.id)) continue;
      const where = { file_row: null, household_id: h.id, region_code: h.region_code, region_name: regionName(h), head_name: h.head_name, head_id_masked: h.head_id_number ? maskIdNumber(h.head_id_number) : null };
      item({ ...where, kind: 'only_in_jianbang', field: null, national_value: null, jianbang_value: null, detail: '监帮中是监测对象，全国系统导出中没有该户' });
      const check = entryCheck(h.identified_on, null, today);
      if (check.overdue) item({ ...where, kind: 'entry_overdue', field: H.enteredOn, national_value: null, jianbang_value: h.identified_on, detail: check.reason });
    }
    await save();
    if (page.length < BATCH) break;
    after = page.at(-1)!.id;
  }

  await setRunCounts(trx, runId, counts);
  await appendAudit(trx, {
    actor, action: 'exchange.national_reconcile', objectType: 'reconciliation_run', objectId: runId, countyCode: scope.countyCode,
    after: { fileSha256: file.sha256, fileBytes: file.bytes, fileKind: format.kind, ...counts },
    reason: '与全国防止返贫监测信息系统导出数据对账',
  });
  return { id: runId, summary: summaryOf(counts) };
}

export const summaryOf = (c: RunCounts) => ({
  rowsRead: c.rows_read, matched: c.matched, onlyInNational: c.only_in_national, onlyInJianbang: c.only_in_jianbang,
  fieldDiffers: c.field_differs, entryOverdue: c.entry_overdue, errors: c.errors,
});

const regionName = (h: NationalHouseholdRow) => [h.county_name, h.township_name, h.village_name].filter(Boolean).join('');

/** Header row → the spec column of each position; the required columns must all be there. */
function headerColumns(cells: CellValue[]): (ColumnSpec | undefined)[] {
  const columns = cells.map((c) => byHeader.get(cellText(c)));
  const missing = SPEC.columns.filter((c) => c.required && !columns.includes(c)).map((c) => `“${c.header}”`);
  if (missing.length) throw invalid([{ path: 'file', message: `第 1 行表头缺少 ${missing.join('、')} 列：请上传全国系统导出的监测对象户信息表（全国格式）` }]);
  return columns;
}

function parseRow(row: number, cells: CellValue[], columns: (ColumnSpec | undefined)[], error: (row: number, column: string, value: string, reason: string) => void): ParsedRow {
  const values = new Map<string, unknown>();
  const text = new Map<string, string>();
  let idNumber: string | null = null;
  columns.forEach((col, i) => {
    if (!col) return;
    const raw = cells[i];
    text.set(col.header, cellText(raw));
    const p = parseCell(col, raw);
    if ('error' in p) return error(row, col.header, displayValue(col, cellText(raw)), p.error);
    let v = p.value;
    if (col.type === 'idNumber' && typeof v === 'string') {
      const problem = idNumberProblem(v);
      if (problem) return error(row, col.header, displayValue(col, v), problem);
      idNumber = v;
    }
    if (col.field === 'risks' && typeof v === 'string') {
      const r = parseRiskNames(v);
      if ('unknown' in r) return error(row, col.header, displayValue(col, v), `无法识别的风险类型：${r.unknown.join('、')}`);
      v = riskCell(r.types);
    }
    values.set(col.field, v);
  });
  return { row, values, idNumber, bidx: null, text };
}

