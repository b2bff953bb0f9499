/** Exchange with the national monitoring system (DAT-4, Q45, SEC-2, SEC-3) through the HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { addDays } from '../../src/domain/deadlines.ts';
import { NATIONAL_HEADERS as H, NATIONAL_HOUSEHOLD_SHEET, NATIONAL_MEMBER_SHEET } from '../../src/domain/sheets/national.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

const NOW = new Date('2024-06-10T04:00:00Z');
const TODAY = '2024-06-10';
const ID_NUMBER = /\d{17}[\dX]/;
const FORMULA = '=HYPERLINK("http://x.example","点我")';

let t: TestApp;
const heads: Record<string, string> = {};
const ids: Record<string, number> = {};
let countyName = '';
let otherCountyName = '';

async function register(key: string, regionCode: string, user: string, status?: { status: 'monitored' | 'eliminated'; identifiedOn: string; category?: string }) {
  const head = memberBody({ name: `户主${key}`, relation: 'head', sex: 'male' });
  const body = householdBody(regionCode, { members: [head, memberBody({ name: `配偶${key}`, relation: 'spouse', sex: 'female' })] });
  const res = await t.as(user).post(`${API}/households`, body);
  expect(res.statusCode, res.body).toBe(201);
  heads[key] = head.idNumber;
  ids[key] = res.json().id;
  if (status)
    await t.db
      .updateTable('household')
      .set({
        monitoring_status: status.status, monitoring_category: status.category ?? 'marginal_at_risk', identified_on: status.identifiedOn,
        eliminated_on: status.status === 'eliminated' ? addDays(status.identifiedOn, 200) : null,
      })
      .where('id', '=', ids[key]!)
      .execute();
}

async function workbook(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(String(res.headers['content-type'])).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}

const rowsOf = (ws: ExcelJS.Worksheet) => {
  const out: string[][] = [];
  ws.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return out;
};

const upload = (user: string, payload: Buffer, contentType = 'application/octet-stream') =>
  t.as(user).inject({ method: 'POST', url: `${API}/exchange/national/reconciliations`, payload, headers: { 'content-type': contentType } });

/** The national file: the county's own export, changed the way the national system would differ. */
let nationalRows: string[][] = [];

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  const names = await t.db.selectFrom('region').select(['code', 'name']).where('code', 'in', [t.regions.county, t.regions.otherCounty]).execute();
  countyName = names.find((n) => n.code === t.regions.county)!.name;
  otherCountyName = names.find((n) => n.code === t.regions.otherCounty)!.name;
  await register('same', t.regions.villageA, 'village', { status: 'monitored', identifiedOn: addDays(TODAY, -20) });
  await register('differs', t.regions.villageA, 'village', { status: 'monitored', identifiedOn: addDays(TODAY, -20) });
  await register('overdue', t.regions.villageB, 'village2', { status: 'eliminated', identifiedOn: addDays(TODAY, -300), category: 'unstable_out_of_poverty' });
  await register('onlyHere', t.regions.villageC, 'county', { status: 'monitored', identifiedOn: addDays(TODAY, -3) });
  await register('notMonitored', t.regions.villageA, 'village');
  await register('otherCounty', t.regions.villageD, 'othercounty', { status: 'monitored', identifiedOn: addDays(TODAY, -20) });
  for (const type of ['education', 'illness']) {
    const risk = await t.as('village').post(`${API}/households/${ids.same}/risks`, { type, selfResolvable: false, resolved: false, foundOn: addDays(TODAY, -25) });
    expect(risk.statusCode, risk.body).toBe(201);
  }
});
afterAll(async () => {
  await t?.close();
});

describe(`national exchange API [${TEST_DB_KIND}]`, () => {
  describe('export in the national layout', () => {
    it("writes the county's monitoring objects in two worksheets, headers in the national order, full numbers for the county", async () => {
      const wb = await workbook(await t.as('county').get(`${API}/exchange/national/export.xlsx`));
      expect(wb.worksheets.map((w) => w.name)).toEqual([NATIONAL_HOUSEHOLD_SHEET.name, NATIONAL_MEMBER_SHEET.name]);
      const households = rowsOf(wb.worksheets[0]!);
      const members = rowsOf(wb.worksheets[1]!);
      expect(households[0]).toEqual(NATIONAL_HOUSEHOLD_SHEET.columns.map((c) => c.header));
      expect(members[0]).toEqual(NATIONAL_MEMBER_SHEET.columns.map((c) => c.header));
      const idCol = households[0]!.indexOf(H.headId);
      expect(households.slice(1).map((r) => r[idCol]).sort()).toEqual([heads.same, heads.differs, heads.overdue, heads.onlyHere].sort());
      expect(members).toHaveLength(1 + 4 * 2);
      const col = (row: string[], header: string) => row[households[0]!.indexOf(header)];
      const overdue = households.find((r) => r[idCol] === heads.overdue)!;
      expect([col(overdue, H.county), col(overdue, H.category), col(overdue, H.eliminated), col(overdue, H.size), col(overdue, H.identifiedOn)])
        .toEqual([countyName, '脱贫不稳定户', '是', '2', addDays(TODAY, -300)]);
      const same = households.find((r) => r[idCol] === heads.same)!;
      expect([col(same, H.eliminated), col(same, H.risks), col(same, H.phone)]).toEqual(['否', '因病、因学', '13800138000']);
      nationalRows = households;
    });

    it('audits each export as a sensitive read with its row counts', async () => {
      const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.national_export.read_sensitive').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_name: t.users.county.displayName, object_type: 'county', object_id: t.regions.county.slice(0, 6) });
      expect(audit[0]!.after).toEqual({ households: 4, members: 8, sensitiveRevealed: true });
    });

    it('masks ID numbers and phones for a supervising city, which must name the county', async () => {
      expect((await t.as('city').get(`${API}/exchange/national/export.xlsx`)).statusCode).toBe(400);
      const wb = await workbook(await t.as('city').get(`${API}/exchange/national/export.xlsx?countyCode=${t.regions.county.slice(0, 6)}`));
      const text = wb.worksheets.flatMap((ws) => rowsOf(ws).flat()).join('\n');
      expect(text).not.toMatch(ID_NUMBER);
      expect(text).not.toContain('13800138000');
      expect(rowsOf(wb.worksheets[0]!)).toHaveLength(5);
      const audit = await t.db.selectFrom('audit_log').select('after').where('action', '=', 'exchange.national_export').execute();
      expect(audit.map((a) => a.after)).toEqual([{ households: 4, members: 8, sensitiveRevealed: false }]);
    });

    it('refuses another county, roles below the county and the admins', async () => {
      expect((await t.as('othercounty').get(`${API}/exchange/national/export.xlsx?countyCode=${t.regions.county.slice(0, 6)}`)).statusCode).toBe(403);
      for (const user of ['village', 'township', 'department', 'hotline', 'sysadmin'])
        expect((await t.as(user).get(`${API}/exchange/national/export.xlsx`)).statusCode, user).toBe(403);
      expect((await t.as('province').get(`${API}/exchange/national/export.xlsx?countyCode=369999`)).statusCode).toBe(404);
      expect((await t.anonymous.get(`${API}/exchange/national/export.xlsx`)).statusCode).toBe(401);
    });
  });

  describe('reconciliation with the national export', () => {
    /** The export changed: one field differs, one entry late, one household gone, one only there, one out of scope. */
    function nationalTable(): string[][] {
      const header = nationalRows[0]!;
      const at = (h: string) => header.indexOf(h);
      const idCol = at(H.headId);
      const rows = nationalRows.slice(1).filter((r) => r[idCol] !== heads.onlyHere).map((r) => [...r]);
      for (const r of rows) r[at(H.enteredOn)] = addDays(r[at(H.identifiedOn)]!, 3);
      const differs = rows.find((r) => r[idCol] === heads.differs)!;
      differs[at(H.category)] = '突发严重困难户';
      const overdue = rows.find((r) => r[idCol] === heads.overdue)!;
      overdue[at(H.enteredOn)] = addDays(overdue[at(H.identifiedOn)]!, 15);
      const fresh = (name: string, county: string) => {
        const r = header.map(() => '');
        Object.assign(r, { [at(H.county)]: county, [at(H.township)]: '某乡', [at(H.village)]: '某村', [at(H.headName)]: name, [at(H.headId)]: nextIdNumber(), [at(H.category)]: '边缘易致贫户', [at(H.identifiedOn)]: addDays(TODAY, -8), [at(H.enteredOn)]: addDays(TODAY, -2) });
        return r;
      };
      rows.push(fresh(FORMULA, countyName), fresh('外县户', otherCountyName));
      return [header, ...rows];
    }

    async function xlsxOf(table: string[][]) {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('监测对象户信息');
      for (const r of table) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    }

    const expectedItems = () => [
      { kind: 'field_differs', headName: '户主differs', field: H.category, nationalValue: '突发严重困难户', jianbangValue: '边缘易致贫户', fileRow: 3 },
      { kind: 'entry_overdue', headName: '户主overdue', field: H.enteredOn, nationalValue: addDays(TODAY, -285), jianbangValue: addDays(TODAY, -300), fileRow: 4 },
      { kind: 'only_in_national', headName: FORMULA, field: null, nationalValue: null, jianbangValue: null, fileRow: 5 },
      { kind: 'only_in_jianbang', headName: '户主onlyHere', field: null, nationalValue: null, jianbangValue: null, fileRow: null },
    ];
    const expectedErrors = () => [{ row: 6, column: H.county, value: otherCountyName, reason: `“${otherCountyName}”不是您管辖区域内的县，不能在本辖区对账` }];

    let runId = 0;
    let file: Buffer;

    it('reports households in one system only, differing fields, late entries, and rows out of scope as errors', async () => {
      file = await xlsxOf(nationalTable());
      const res = await upload('county', file);
      expect(res.statusCode, res.body).toBe(201);
      runId = res.json().id;
      expect(res.json().summary).toEqual({ rowsRead: 5, matched: 3, onlyInNational: 1, onlyInJianbang: 1, fieldDiffers: 1, entryOverdue: 1, errors: 1 });
      const run = (await t.as('county').get(`${API}/exchange/national/reconciliations/${runId}?pageSize=100`)).json();
      expect(run.items.total).toBe(4);
      expect(run.items.items.map((i: any) => ({ kind: i.kind, headName: i.headName, field: i.field, nationalValue: i.nationalValue, jianbangValue: i.jianbangValue, fileRow: i.fileRow })))
        .toEqual(expectedItems());
      expect(run.items.items.find((i: any) => i.kind === 'entry_overdue').detail).toContain('15 天');
      expect(run.errors).toEqual(expectedErrors());
      expect(run.fileSha256).toBe(createHash('sha256').update(file).digest('hex'));
      const only = (await t.as('county').get(`${API}/exchange/national/reconciliations/${runId}?kind=only_in_jianbang`)).json();
      expect(only.items.items.map((i: any) => i.householdId)).toEqual([ids.onlyHere]);
    });

    it('writes one audit entry per run with the file SHA-256 and counts', async () => {
      const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.national_reconcile').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ object_type: 'reconciliation_run', object_id: String(runId) });
      expect(audit[0]!.after).toMatchObject({ fileSha256: createHash('sha256').update(file).digest('hex'), only_in_national: 1, errors: 1 });
    });

    it('reads a GBK CSV of the same table the same way', async () => {
      const csv = nationalTable().map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
      const res = await upload('county', iconv.encode(csv, 'gbk'), 'text/csv');
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().summary).toEqual({ rowsRead: 5, matched: 3, onlyInNational: 1, onlyInJianbang: 1, fieldDiffers: 1, entryOverdue: 1, errors: 1 });
      const run = (await t.as('county').get(`${API}/exchange/national/reconciliations/${res.json().id}?pageSize=100`)).json();
      expect(run.items.items.map((i: any) => ({ kind: i.kind, headName: i.headName, field: i.field, nationalValue: i.nationalValue, jianbangValue: i.jianbangValue, fileRow: i.fileRow })))
        .toEqual(expectedItems());
      expect(run.fileKind).toBe('csv');
    });

    it('finds nothing to fix in its own export once the entries are dated', async () => {
      const table = nationalRows.map((r) => [...r]);
      const at = (h: string) => table[0]!.indexOf(h);
      for (const r of table.slice(1)) r[at(H.enteredOn)] = r[at(H.identifiedOn)]!;
      const res = await upload('county', await xlsxOf(table));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().summary).toEqual({ rowsRead: 4, matched: 4, onlyInNational: 0, onlyInJianbang: 0, fieldDiffers: 0, entryOverdue: 0, errors: 0 });
    });

    it('names row, column and reason in Chinese for bad cells, and refuses a file that is not the national layout', async () => {
      const table = nationalTable().slice(0, 2);
      const at = (h: string) => table[0]!.indexOf(h);
      table[1]![at(H.identifiedOn)] = '2024-13-01';
      table[1]![at(H.risks)] = '因病、掉钱';
      const res = await upload('county', await xlsxOf(table));
      expect(res.statusCode, res.body).toBe(201);
      const run = (await t.as('county').get(`${API}/exchange/national/reconciliations/${res.json().id}`)).json();
      expect(run.errors).toEqual([
        { row: 2, column: H.identifiedOn, value: '2024-13-01', reason: '日期格式应为 YYYY-MM-DD（如 2023-03-05）' },
        { row: 2, column: H.risks, value: '因病、掉钱', reason: '无法识别的风险类型：掉钱' },
      ]);
      const wrong = await upload('county', await xlsxOf([['姓名', '电话'], ['张三', '1']]));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0].message).toContain('表头缺少');
      const notATable = await upload('county', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
      expect(notATable.statusCode).toBe(400);
      expect((await upload('village', file)).statusCode).toBe(403);
    });

    it('shows the item list masked: no whole ID number for the county or a supervising city', async () => {
      for (const user of ['county', 'city']) {
        const res = await t.as(user).get(`${API}/exchange/national/reconciliations/${runId}?pageSize=100`);
        expect(res.statusCode).toBe(200);
        expect(res.body, user).not.toMatch(ID_NUMBER);
        for (const i of res.json().items.items) expect(i.headIdNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      }
      expect((await t.as('othercounty').get(`${API}/exchange/national/reconciliations/${runId}`)).statusCode).toBe(404);
      const list = (await t.as('city').get(`${API}/exchange/national/reconciliations`)).json();
      expect(list.items.map((r: any) => r.id)).toContain(runId);
    });

    it('exports the differences to XLSX masked, with formula cells escaped', async () => {
      const wb = await workbook(await t.as('city').get(`${API}/exchange/national/reconciliations/${runId}/items/export.xlsx`));
      const [items, errors] = wb.worksheets.map(rowsOf);
      expect(items![0]).toEqual(['类型', '文件行号', '所在地', '户主姓名', '户主身份证号', '字段', '全国系统', '监帮', '说明']);
      expect(items).toHaveLength(5);
      expect(items!.map((r) => r[3])).toContain(`'${FORMULA}`);
      expect(items!.flat().join('\n')).not.toMatch(ID_NUMBER);
      expect(errors!.slice(1)).toEqual([['6', H.county, otherCountyName, expectedErrors()[0]!.reason]]);
      const overdueOnly = await workbook(await t.as('county').get(`${API}/exchange/national/reconciliations/${runId}/items/export.xlsx?kind=entry_overdue`));
      expect(rowsOf(overdueOnly.worksheets[0]!)).toHaveLength(2);
    });
  });
});
