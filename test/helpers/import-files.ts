/** Import files for tests, written with the sheets' own column specifications (headers as the template). */
import { expect } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { deflateRawSync } from 'node:zlib';
import { HOUSEHOLDS_SHEET, MEMBERS_SHEET } from '../../src/domain/sheets/registry.ts';
import type { SheetSpec } from '../../src/domain/sheets/spec.ts';
import { importsIdle } from '../../src/app/imports/import-queue.ts';
import { API, type TestApp } from './app.ts';

/** A row as header → cell text (or number / Date). */
export type SheetRow = Record<string, string | number | Date | null>;

export interface WorkbookPart {
  spec: SheetSpec;
  rows: SheetRow[];
  /** Sheet name to write (default the spec's). */
  name?: string;
}

export async function workbook(parts: WorkbookPart[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const p of parts) {
    const ws = wb.addWorksheet(p.name ?? p.spec.name);
    const headers = p.spec.columns.map((c) => c.header);
    ws.addRow(headers);
    for (const r of p.rows) ws.addRow(headers.map((h) => r[h] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function csv(spec: SheetSpec, rows: SheetRow[], encoding: 'utf8' | 'utf8bom' | 'gbk' = 'utf8'): Buffer {
  const headers = spec.columns.map((c) => c.header);
  const q = (v: unknown) => {
    const s = v == null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const text = [headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))].map((cells) => cells.map(q).join(',')).join('\r\n') + '\r\n';
  if (encoding === 'gbk') return iconv.encode(text, 'gbk');
  return Buffer.concat([encoding === 'utf8bom' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
}

export interface PersonRow {
  name: string;
  idNumber: string;
  relation?: string;
  laborAbility?: string;
  phone?: string;
  [header: string]: string | number | Date | null | undefined;
}

/** Household and member rows of a registry file: one household per head, members in order. */
export function registryRows(households: { region: string; head: PersonRow; members?: PersonRow[]; group?: string; kind?: string }[]) {
  const hh: SheetRow[] = [];
  const mm: SheetRow[] = [];
  for (const h of households) {
    hh.push({ 户主姓名: h.head.name, 户主身份证号: h.head.idNumber, 负责村区划代码: h.region, 村民小组: h.group ?? '一组', 户类型: h.kind ?? '一般农户' });
    for (const p of [{ relation: '户主', ...h.head }, ...(h.members ?? [])]) {
      const { name, idNumber, relation, laborAbility, phone, ...more } = p;
      mm.push({ 户主身份证号: h.head.idNumber, 姓名: name, 身份证号: idNumber, 与户主关系: relation ?? '子女', 劳动能力: laborAbility ?? '有劳动能力', 联系电话: phone ?? null, ...(more as SheetRow) });
    }
  }
  return { households: hh, members: mm };
}

export const registryWorkbook = (rows: ReturnType<typeof registryRows>) =>
  workbook([{ spec: HOUSEHOLDS_SHEET, rows: rows.households }, { spec: MEMBERS_SHEET, rows: rows.members }]);

/** Reads every sheet of an XLSX as arrays of cell values (row 1 first). */
export async function readWorkbook(buf: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as any);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1)));
    out[ws.name] = rows;
  });
  return out;
}

/** Uploads a file to the import route as `user` (the body is the file itself). */
export function uploadImport(t: TestApp, user: string, file: Buffer, query: string) {
  return t.as(user).inject({ method: 'POST', url: `${API}/imports?${query}`, headers: { 'content-type': 'application/octet-stream' }, payload: file });
}

/** Uploads and waits for the background job to end; the job as GET /imports/:id shows it. */
export async function importFile(t: TestApp, user: string, file: Buffer, query: string) {
  const res = await uploadImport(t, user, file, query);
  expect(res.statusCode, res.body).toBe(202);
  await importsIdle(t.db);
  const job = await t.as(user).get(`${API}/imports/${res.json().id}`);
  expect(job.statusCode).toBe(200);
  return job.json();
}

/**
 * A zip whose directory declares one entry of 200 MB that deflates to ~200 KB: what an XLSX zip
 * bomb looks like to the reader (which must refuse it from the directory alone).
 */
export function zipBomb(): Buffer {
  const size = 200 * 1024 * 1024;
  const data = deflateRawSync(Buffer.alloc(size));
  const name = Buffer.from('xl/workbook.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12); end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
