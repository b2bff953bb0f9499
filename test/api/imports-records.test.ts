/**
 * Import of the record sheets through the upload route (DAT-1, INC-1…3, IDN-3, AST-2, RPT-1's
 * population): income, claims, expenditure, risks, measures and rural registered population. Each
 * sheet: a good file creates, the same file again changes nothing, a changed value updates with
 * version and audit, a bad row writes nothing and names its row and column, a household outside
 * the importer's scope is a problem; and each sheet's template downloads with its drop-downs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { IMPORT_SHEETS, importerFor } from '../../src/app/imports/importers.ts';
import { RECORD_TABLES, type RecordKind } from '../../src/domain/household-records.ts';
import { MEASURES_SHEET } from '../../src/domain/sheets/measures.ts';
import { POPULATION_SHEET } from '../../src/domain/sheets/population.ts';
import { RECORD_SHEETS } from '../../src/domain/sheets/records.ts';
import { enumLabels } from '../../src/domain/sheets/spec.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';
import { csv, importFile, uploadImport, workbook, type SheetRow } from '../helpers/import-files.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface Registered {
  id: number;
  head: string;
  members: { id: number; idNumber: string }[];
}

/** A household registered through the API; its head's ID number names it in the files. */
async function household(region: string, status: 'none' | 'monitored' | 'eliminated' = 'none'): Promise<Registered> {
  const body = householdBody(region, { members: [memberBody({ name: '户主', relation: 'head' }), memberBody({ name: '配偶', relation: 'spouse', sex: 'female' })] });
  const res = await t.as('county').post(`${API}/households`, body);
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as number;
  if (status !== 'none') await t.db.updateTable('household').set({ monitoring_status: status, monitoring_category: 'marginal_at_risk', identified_on: '2024-01-10' }).where('id', '=', id).execute();
  const members = await t.db.selectFrom('member').select(['id', 'id_number']).where('household_id', '=', id).orderBy('id').execute();
  return { id, head: body.members[0]!.idNumber, members: members.map((m) => ({ id: m.id, idNumber: m.id_number! })) };
}

const rowsOf = async (kind: RecordKind, householdId: number) =>
  (await t.db.selectFrom(RECORD_TABLES[kind] as 'income_record').selectAll().where('household_id', '=', householdId).orderBy('id').execute()) as Record<string, any>[];

const auditOf = (action: string, objectId: number | string) =>
  t.db.selectFrom('audit_log').select(['before', 'after', 'reason']).where('action', '=', action).where('object_id', '=', String(objectId)).orderBy('seq').execute();

interface KindCase {
  /** Two good rows for one household (header → cell). */
  rows: (h: Registered) => SheetRow[];
  /** A changed value of the first row and what it becomes in the table. */
  change: SheetRow;
  changed: Record<string, unknown>;
  /** A bad cell and the problem it gives. */
  bad: SheetRow;
  problem: { column: string; reason: string };
}

const CASES: Record<RecordKind, KindCase> = {
  incomes: {
    rows: (h) => <SheetRow[]>[
      { 户主身份证号: h.head, 收入类型: '工资性收入', '金额（元）': '12,000.50', 起始月份: '2024-01', 截止月份: '2024-12', 成员身份证号: h.members[1]!.idNumber, 备注: null },
      { 户主身份证号: h.head, 收入类型: '转移性收入', '金额（元）': 3600, 起始月份: '2024年1月', 截止月份: '2024/12', 备注: '养老金' },
    ],
    change: { '金额（元）': '13000' },
    changed: { amount_fen: 1_300_000 },
    bad: { 截止月份: '2023-12' },
    problem: { column: '截止月份', reason: '截止月份不能早于起始月份' },
  },
  claims: {
    rows: (h) => <SheetRow[]>[
      { 户主身份证号: h.head, 理赔类型: '商业保险理赔', '金额（元）': '5000', 月份: '2024-03', 到位情况: '未到位（跟踪中）' },
      { 户主身份证号: h.head, 理赔类型: '第三方赔偿', '金额（元）': '800.5', 月份: '2024-05', 到位情况: '已到位' },
    ],
    change: { 到位情况: '已到位' },
    changed: { status: 'paid' },
    bad: { '金额（元）': '12.345' },
    problem: { column: '金额（元）', reason: '金额最多两位小数' },
  },
  expenses: {
    rows: (h) => <SheetRow[]>[
      { 户主身份证号: h.head, 支出类型: '医疗自付（经三重保障后）', '金额（元）': '20000', 月份: '2024-02', 备注: null },
      { 户主身份证号: h.head, 支出类型: '学费', '金额（元）': '4500', 月份: '2024-09', 备注: '高中' },
    ],
    change: { 备注: '住院两次' },
    changed: { note: '住院两次' },
    bad: { 支出类型: '买车' },
    problem: { column: '支出类型', reason: '应为' },
  },
  risks: {
    rows: (h) => <SheetRow[]>[
      { 户主身份证号: h.head, 风险类型: '因病', 发现日期: '2024-03-05', 能否依靠自身力量解决: '难以依靠自身力量解决', 收入大幅缩减: '是' },
      { 户主身份证号: h.head, 风险类型: '住房安全', 发现日期: '2024/4/1', 能否依靠自身力量解决: '可依靠自身力量解决', 是否已解决: '是', 解决日期: '2024-05-01' },
    ],
    change: { 是否已解决: '是', 解决日期: '2024-06-30' },
    changed: { resolved: true, resolved_on: '2024-06-30' },
    bad: { 解决日期: '2024-01-01', 是否已解决: '是' },
    problem: { column: '解决日期', reason: '解决日期不能早于发现日期' },
  },
};

describe(`import of household records [${TEST_DB_KIND}]`, () => {
  describe.each(Object.keys(CASES) as RecordKind[])('%s', (kind) => {
    const c = CASES[kind];
    const spec = RECORD_SHEETS[kind];
    const file = (rows: SheetRow[]) => workbook([{ spec, rows }]);
    const query = `sheet=${kind}`;
    let h: Registered;

    it('a good file creates the records, stored in fen, audited per record', async () => {
      h = await household(t.regions.villageA);
      const job = await importFile(t, 'county', await file(c.rows(h)), query);
      expect(job, JSON.stringify(job.problems)).toMatchObject({ status: 'succeeded', created: 2, updated: 0, unchanged: 0 });
      const rows = await rowsOf(kind, h.id);
      expect(rows).toHaveLength(2);
      if (kind === 'incomes') {
        expect(rows[0]).toMatchObject({ type: 'wage', amount_fen: 1_200_050, from_month: '2024-01', to_month: '2024-12', member_id: h.members[1]!.id });
        expect(rows[1]).toMatchObject({ type: 'transfer', amount_fen: 360_000, member_id: null, note: '养老金' });
      }
      const audit = await auditOf(`${kind}.create`, h.id);
      expect(audit).toHaveLength(2);
      expect(audit[0]!.reason).toContain(`导入任务 ${job.id}`);
    });

    it('the same file again changes nothing', async () => {
      const job = await importFile(t, 'county', await file(c.rows(h)), query);
      expect(job).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 2 });
      expect((await rowsOf(kind, h.id)).map((r) => r.version)).toEqual([1, 1]);
    });

    it('a changed value updates the record: version + 1, audit with before and after', async () => {
      const [first, second] = c.rows(h);
      const job = await importFile(t, 'county', await file([{ ...first, ...c.change }, second!]), query);
      expect(job).toMatchObject({ status: 'succeeded', created: 0, updated: 1, unchanged: 1 });
      const rows = await rowsOf(kind, h.id);
      expect(rows[0]).toMatchObject({ ...c.changed, version: 2 });
      expect(rows[1]!.version).toBe(1);
      const [entry] = await auditOf(`${kind}.update`, h.id);
      expect(entry!.before).toMatchObject({ id: rows[0]!.id, version: 1 });
      expect(entry!.after).toMatchObject({ id: rows[0]!.id, version: 2 });
    });

    it('a bad row writes nothing; the problem names row and column', async () => {
      const fresh = await household(t.regions.villageA);
      const rows = c.rows(fresh);
      const job = await importFile(t, 'county', await file([rows[0]!, { ...rows[1]!, ...c.bad }, rows[0]!]), query);
      expect(job.status).toBe('rejected');
      expect(job.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ sheet: spec.name, row: 3, column: c.problem.column, reason: expect.stringContaining(c.problem.reason) }),
          // The first row repeated: one record, two rows.
          expect.objectContaining({ row: 4, reason: expect.stringContaining('与第 2 行是同一条') }),
        ]),
      );
      expect(await rowsOf(kind, fresh.id)).toHaveLength(0);
    });

    it('a household outside the importer’s scope, or not registered, is a problem of its row', async () => {
      const elsewhere = await household(t.regions.villageB);
      const rows = [c.rows(elsewhere)[0]!, { ...c.rows(elsewhere)[1]!, 户主身份证号: nextIdNumber() }];
      const job = await importFile(t, 'village', await file(rows), query);
      expect(job.status).toBe('rejected');
      // The same answer for both: the file does not tell where a number is registered.
      expect(job.problems).toEqual([
        expect.objectContaining({ row: 2, column: '户主身份证号', reason: expect.stringContaining('没有以该身份证号为户主的农户') }),
        expect.objectContaining({ row: 3, column: '户主身份证号', reason: job.problems[0].reason }),
      ]);
      expect(JSON.stringify(job.problems)).not.toContain(elsewhere.head);
      expect(await rowsOf(kind, elsewhere.id)).toHaveLength(0);
    });
  });

  it('incomes: a member must belong to the household, and a member’s number is not a head', async () => {
    const a = await household(t.regions.villageA);
    const b = await household(t.regions.villageA);
    const row = { 收入类型: '工资性收入', '金额（元）': 100, 起始月份: '2024-01', 截止月份: '2024-01' };
    const job = await importFile(t, 'county', csv(RECORD_SHEETS.incomes, [{ ...row, 户主身份证号: a.head, 成员身份证号: b.members[1]!.idNumber }, { ...row, 户主身份证号: a.members[1]!.idNumber }], 'gbk'), 'sheet=incomes');
    expect(job.problems).toEqual([
      expect.objectContaining({ row: 2, column: '成员身份证号', reason: '该成员不属于本户' }),
      expect.objectContaining({ row: 3, column: '户主身份证号', reason: expect.stringContaining('不是户主') }),
    ]);
  });

  it('risks: a new unresolved risk of an eliminated household opens an identification case (Q39), once', async () => {
    const h = await household(t.regions.villageA, 'eliminated');
    const rows = [
      { 户主身份证号: h.head, 风险类型: '因灾', 发现日期: '2024-07-10', 能否依靠自身力量解决: '难以依靠自身力量解决' },
      { 户主身份证号: h.head, 风险类型: '因意外事故', 发现日期: '2024-07-12', 能否依靠自身力量解决: '难以依靠自身力量解决' },
    ];
    const job = await importFile(t, 'county', await workbook([{ spec: RECORD_SHEETS.risks, rows }]), 'sheet=risks');
    expect(job, JSON.stringify(job.problems)).toMatchObject({ status: 'succeeded', created: 2 });
    const cases = await t.db.selectFrom('workflow_case').select(['id', 'kind', 'source', 'lead_on', 'state']).where('household_id', '=', h.id).execute();
    expect(cases).toEqual([expect.objectContaining({ kind: 'identification', source: 'new_risk', lead_on: '2024-07-10', state: 'lead' })]);
    expect(await auditOf('case.open', cases[0]!.id)).toHaveLength(1);
    // A resolved risk, or one of a household that is not eliminated, opens none.
    const other = await household(t.regions.villageA);
    await importFile(t, 'county', await workbook([{ spec: RECORD_SHEETS.risks, rows: [{ ...rows[0]!, 户主身份证号: other.head }] }]), 'sheet=risks');
    expect(await t.db.selectFrom('workflow_case').select('id').where('household_id', '=', other.id).execute()).toHaveLength(0);
  });
});

describe(`import of measures [${TEST_DB_KIND}]`, () => {
  let h: Registered;
  let planId: number;
  const query = 'sheet=measures';
  const file = (rows: SheetRow[]) => workbook([{ spec: MEASURES_SHEET, rows }]);
  const rows = (head: string): SheetRow[] => [
    { 户主身份证号: head, 措施类型: '产业帮扶', 措施内容: '种植脐橙3亩', 计划开始日期: '2024-04-01' },
    { 户主身份证号: head, 措施类型: '公益性岗位', 措施内容: '村道保洁员', 计划开始日期: '2024-05-01', 结束日期: '2025-04-30' },
  ];
  const measuresOf = (id: number) => t.db.selectFrom('measure').selectAll().where('household_id', '=', id).orderBy('id').execute();

  it('a good file adds the measures to the household’s current plan, as planned, audited', async () => {
    h = await household(t.regions.villageA, 'monitored');
    const res = await t.as('county').post(`${API}/households/${h.id}/plan`, { measures: [{ type: 'health', description: '家庭医生签约', plannedStart: '2024-03-01' }] });
    expect(res.statusCode, res.body).toBe(201);
    planId = res.json().plan.id;
    const job = await importFile(t, 'county', await file(rows(h.head)), query);
    expect(job, JSON.stringify(job.problems)).toMatchObject({ status: 'succeeded', created: 2 });
    const measures = await measuresOf(h.id);
    expect(measures.slice(1)).toEqual([
      expect.objectContaining({ plan_id: planId, type: 'industry', status: 'planned', developmental: true, department_kind: null }),
      expect.objectContaining({ plan_id: planId, type: 'public_welfare_job', period_end: '2025-04-30', department_kind: 'human_resources' }),
    ]);
    expect(await auditOf('measure.create', h.id)).toHaveLength(2); // the plan's own measure is in its plan.create entry
  });

  it('the same file again changes nothing; a new description or period end updates with version and audit', async () => {
    expect(await importFile(t, 'county', await file(rows(h.head)), query)).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 2 });
    const [a, b] = rows(h.head);
    const job = await importFile(t, 'county', await file([{ ...a, 措施内容: '种植脐橙5亩' }, { ...b, 结束日期: '2025-06-30' }]), query);
    expect(job).toMatchObject({ status: 'succeeded', created: 0, updated: 2 });
    const measures = await measuresOf(h.id);
    expect(measures.slice(1)).toEqual([
      expect.objectContaining({ description: '种植脐橙5亩', version: 2, status: 'planned' }),
      expect.objectContaining({ period_end: '2025-06-30', version: 2 }),
    ]);
    const updates = await auditOf('measure.update', h.id);
    expect(updates).toHaveLength(2);
    expect(updates[0]!.before).toMatchObject({ version: 1 });
    expect(updates[0]!.after).toMatchObject({ version: 2 });
  });

  it('refuses changes beyond description and period end, a missing period end (Q28), households without a plan', async () => {
    const [a, b] = rows(h.head);
    const noPlan = await household(t.regions.villageA, 'monitored');
    const notMonitored = await household(t.regions.villageA);
    const job = await importFile(t, 'county', await file([
      { ...a, 措施内容: '种植脐橙5亩', 责任部门: '民政' },
      { ...b, 计划开始日期: '2024-06-01', 结束日期: null },
      rows(noPlan.head)[0]!,
      rows(notMonitored.head)[0]!,
    ]), query);
    expect(job.status).toBe('rejected');
    // The rows' own problems as the file is read, then those found against the database.
    expect(job.problems).toEqual([
      expect.objectContaining({ row: 3, column: '结束日期', reason: '公益性岗位须填写岗位协议到期日：持续至岗位协议到期（Q28）' }),
      expect.objectContaining({ row: 2, column: '责任部门', reason: expect.stringContaining('只能修改已登记措施的措施内容和结束日期') }),
      expect.objectContaining({ row: 4, column: '户主身份证号', reason: '本户尚无帮扶计划，请先制定帮扶计划' }),
      expect.objectContaining({ row: 5, column: '户主身份证号', reason: expect.stringContaining('不是监测对象') }),
    ]);
    expect(await measuresOf(noPlan.id)).toHaveLength(0);
  });

  it('a household outside the importer’s scope is a problem', async () => {
    const elsewhere = await household(t.regions.villageB, 'monitored');
    const job = await importFile(t, 'village', await file(rows(elsewhere.head)), query);
    expect(job.problems.map((p: any) => [p.row, p.column])).toEqual([[2, '户主身份证号'], [3, '户主身份证号']]);
  });
});

describe(`import of the rural registered population [${TEST_DB_KIND}]`, () => {
  const query = 'sheet=population';
  const file = (rows: SheetRow[]) => workbook([{ spec: POPULATION_SHEET, rows }]);
  let names: Record<string, string>;
  beforeAll(async () => {
    const rs = await t.db.selectFrom('region').select(['code', 'name']).where('code', 'in', [t.regions.villageA, t.regions.township, t.regions.county, t.regions.villageD]).execute();
    names = Object.fromEntries(rs.map((r) => [r.code, r.name]));
  });
  const row = (code: string, population: number | string, year = 2031): SheetRow => ({ 区划代码: code, 区划名称: names[code]!, 年度: year, 农村户籍人口数: population });
  const stored = (code: string, year = 2031) => t.db.selectFrom('region_population').selectAll().where('region_code', '=', code).where('year', '=', year).executeTakeFirst();

  it('the county imports its villages, townships and itself; again changes nothing; a change updates with audit', async () => {
    const rows = [row(t.regions.villageA, 2350), row(t.regions.township, '18000'), row(t.regions.county, 560000)];
    expect(await importFile(t, 'county', await file(rows), query)).toMatchObject({ status: 'succeeded', created: 3 });
    expect(await stored(t.regions.township)).toMatchObject({ rural_registered_population: 18000 });
    expect(await importFile(t, 'county', await file(rows), query)).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const job = await importFile(t, 'county', await file([row(t.regions.villageA, 2400), ...rows.slice(1)]), query);
    expect(job).toMatchObject({ status: 'succeeded', updated: 1, unchanged: 2 });
    expect(await stored(t.regions.villageA)).toMatchObject({ rural_registered_population: 2400 });
    const [entry] = await auditOf('population.update', `${t.regions.villageA}:2031`);
    expect(entry).toMatchObject({ before: { regionCode: t.regions.villageA, ruralRegisteredPopulation: 2350 }, after: { ruralRegisteredPopulation: 2400 } });
    expect(await auditOf('population.create', `${t.regions.county}:2031`)).toHaveLength(1);
  });

  it('a wrong name, an unknown code, another county, a bad count: nothing written, each named', async () => {
    const job = await importFile(t, 'county', await file([
      row(t.regions.villageA, 100, 2032),
      { ...row(t.regions.township, 100, 2032), 区划名称: '别的镇' },
      { ...row(t.regions.villageA, 100, 2032), 区划代码: '360731999999' },
      row(t.regions.villageD, 100, 2032),
      row(t.regions.county, -5, 2032),
      row(t.regions.villageA, 200, 2032),
    ]), query);
    expect(job.status).toBe('rejected');
    const problem = (row: number, column: string, reason: string) => expect.objectContaining({ row, column, reason: expect.stringContaining(reason) });
    expect(job.problems).toEqual([
      problem(6, '农村户籍人口数', '不能小于0'),
      problem(7, '年度', '与第 2 行的区划和年度相同'),
      problem(3, '区划名称', `与区划代码 ${t.regions.township} 的名称“${names[t.regions.township]}”不一致`),
      problem(4, '区划代码', '区划代码不存在'),
      problem(5, '区划代码', '不在本次导入的范围内'),
    ]);
    expect(await stored(t.regions.villageA, 2032)).toBeUndefined();
  });

  it('only a county imports it, and only a county is offered the sheet', async () => {
    const f = await file([row(t.regions.villageA, 1, 2033)]);
    expect((await uploadImport(t, 'township', f, query)).statusCode).toBe(403);
    expect((await uploadImport(t, 'city', f, query)).statusCode).toBe(403);
    const offered = async (user: string) => ((await t.as(user).get(`${API}/imports/sheets`)).json() as { key: string }[]).map((s) => s.key);
    expect(await offered('county')).toContain('population');
    // The township gets the registry and record sheets; warnings are the departments' (WRN-1).
    expect(await offered('township')).toEqual(IMPORT_SHEETS.filter((k) => k !== 'population' && k !== 'warnings'));
  });
});

describe(`templates of the record sheets [${TEST_DB_KIND}]`, () => {
  it.each(['incomes', 'claims', 'expenses', 'risks', 'measures', 'population'])('%s: data sheet, drop-downs for every enum, 说明, example row', async (sheet) => {
    expect(IMPORT_SHEETS).toContain(sheet);
    const spec = importerFor(sheet)!.sheets[0]!;
    const res = await t.as('county').get(`${API}/imports/templates/${sheet}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent(`${spec.title}导入模板`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual([spec.name, '说明', '选项']);
    const ws = wb.getWorksheet(spec.name)!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(spec.columns.map((c) => c.header));
    const validations = Object.entries<any>((ws as any).dataValidations.model);
    const lists = wb.getWorksheet('选项')!;
    spec.columns.forEach((c, i) => {
      if (c.type !== 'enum' && c.type !== 'boolean') return;
      const letter = String.fromCharCode(65 + i);
      const v = validations.find(([range]) => range.startsWith(`${letter}2`));
      expect(v?.[1].type, `${c.header} 下拉`).toBe('list');
      // The drop-down lists the column's labels.
      const [, col] = /!\$([A-Z]+)\$/.exec(v![1].formulae[0])!;
      const listed: unknown[] = [];
      lists.getColumn(col!).eachCell((cell) => void (cell.value !== null && listed.push(cell.value)));
      expect(listed).toEqual([c.header, ...enumLabels(c)]);
    });
    const notes: string[] = [];
    wb.getWorksheet('说明')!.eachRow((r) => notes.push((r.values as unknown[]).join(' ')));
    expect(notes.join('\n')).toContain(spec.identity);
    expect(ws.getRow(2).getCell(1).value).toBe(spec.columns[0]!.example);
  });
});
