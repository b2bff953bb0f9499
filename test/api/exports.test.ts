/**
 * Export of every list (DAT-2, SEC-3): each `GET <list>/export.xlsx` answers a workbook with the
 * declared header row and exactly the list's rows for the same filter, in the actor's scope,
 * masked as on screen (no ID number, phone, bank account or birth date in any cell), refuses whom
 * the list refuses, writes cells that start with = + - @ as text behind an apostrophe, and leaves
 * one audit entry per export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { addDays } from '../../src/domain/deadlines.ts';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { createCaseTestApp, type CaseTestApp } from '../helpers/cases.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';
import { randomBytes } from 'node:crypto';
import { listExport, type ExportSheet } from '../../src/app/exports/xlsx-list.ts';

/** One user of every role. */
const ROLES = ['village', 'township', 'county', 'city', 'province', 'national', 'department', 'hotline', 'sysadmin', 'secadmin', 'auditadmin'];

const FORMULA = '=HYPERLINK("http://evil.example","点我")';
const PLUS = '+1+1';
const AT = '@SUM(1,2)';
const MINUS = '-2+3';

interface Sheet {
  name: string;
  rows: ExcelJS.Cell[][];
}

async function readWorkbook(res: LightMyRequestResponse): Promise<Sheet[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: ExcelJS.Cell[][] = [];
    ws.eachRow((row) => {
      const cells: ExcelJS.Cell[] = [];
      for (let i = 1; i <= ws.columnCount; i++) cells.push(row.getCell(i));
      rows.push(cells);
    });
    return { name: ws.name, rows };
  });
}

const text = (c: ExcelJS.Cell) => (c.value == null ? '' : String(c.value));
const header = (s: Sheet) => s.rows[0]!.map(text);
const body = (s: Sheet) => s.rows.slice(1);
const column = (s: Sheet, name: string) => {
  const i = header(s).indexOf(name);
  expect(i, `${s.name} 没有列 ${name}`).toBeGreaterThanOrEqual(0);
  return body(s).map((r) => r[i]!);
};

/** Values nobody may read from a list: the members' numbers, phones, accounts and birth dates. */
const secrets = { idNumbers: [] as string[], phones: [] as string[], accounts: [] as string[], birthDates: [] as string[] };

function expectNothingSensitive(sheets: Sheet[], where: string) {
  for (const s of sheets)
    for (const row of s.rows)
      for (const c of row) {
        const v = text(c);
        if (/^[0-9a-f]{64}$/.test(v)) continue; // the audit chain's hashes
        const at = `${where} ${s.name}!${c.address}: ${v}`;
        expect(v, at).not.toMatch(/\d{17}[\dXx]/); // an ID number
        expect(v, at).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // a mobile
        expect(v, at).not.toMatch(/\d{13,}/); // a bank account (region codes have 12 digits)
        for (const id of secrets.idNumbers) expect(v, at).not.toContain(id.slice(6, 14));
        for (const x of [...secrets.phones, ...secrets.accounts]) expect(v, at).not.toContain(x);
        for (const d of secrets.birthDates) expect(v, at).not.toContain(d);
      }
}

describe(`list exports (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  const ids = {} as { h1: number; h2: number; other: number; case1: number; measure: number };

  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
    const head = memberBody({ name: PLUS, relation: 'head', sex: 'male', phone: '13800138011', bankAccount: '6222020200112233451' });
    const spouse = memberBody({ name: '王秀英', relation: 'spouse', sex: 'female', phone: '13912345681', bankAccount: '6222020200112233452' });
    const second = memberBody({ name: '赵小河', relation: 'head', sex: 'male', phone: '13800138012', bankAccount: '6222020200112233453' });
    const far = memberBody({ name: '兴国户主', relation: 'head', sex: 'male', phone: '13800138013', bankAccount: '6222020200112233454' });
    for (const m of [head, spouse, second, far]) {
      secrets.idNumbers.push(m.idNumber);
      secrets.birthDates.push(`${m.idNumber.slice(6, 10)}-${m.idNumber.slice(10, 12)}-${m.idNumber.slice(12, 14)}`);
      secrets.phones.push(m.phone);
      if (m.bankAccount) secrets.accounts.push(m.bankAccount);
    }
    const h1 = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA, { members: [head, spouse], household: { villageGroup: FORMULA } }));
    const h2 = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageC, { members: [second], household: { formerlyPoor: false, povertyExitYear: null } }));
    const other = await k.ok('othercounty', 'POST', '/households', householdBody(k.regions.villageD, { members: [far] }));
    Object.assign(ids, { h1: h1.id, h2: h2.id, other: other.id });

    // H1 becomes a monitoring object through a case; a plan with a measure that is not started.
    await k.ok('county', 'POST', `/households/${ids.h1}/risks`, { type: 'illness', selfResolvable: false, foundOn: addDays(k.today(), -1) });
    ids.case1 = (await k.ok('village', 'POST', '/cases', { householdId: ids.h1, source: 'cadre_visit', leadOn: k.today() })).id;
    await k.runToNotice(ids.case1, h1.members.map((m: any) => m.id));
    await k.runToApproval(ids.case1);
    const plan = await k.ok('county', 'POST', `/households/${ids.h1}/plan`, { measures: [{ type: 'temporary_assistance', description: AT, plannedStart: k.today() }] });
    ids.measure = plan.measures[0].id;
    // A birth recorded in H1, and the year's update done with a note.
    const newborn = { birth: '2024-02-20', idNumber: makeIdNumber('360731', '2024-02-20', 517, 'female') };
    secrets.idNumbers.push(newborn.idNumber);
    secrets.birthDates.push(newborn.birth);
    await k.ok('village', 'POST', `/households/${ids.h1}/member-changes`, {
      direction: 'increase', reason: 'birth', evidenceType: 'birth_certificate', evidenceRef: MINUS, eventDate: newborn.birth,
      note: MINUS, member: { name: '李小花', idNumber: newborn.idNumber, relation: 'child', laborAbility: 'none' },
    });
    await k.ok('county', 'POST', '/yearly-updates', { year: 2024 });
    await k.ok('village', 'POST', `/households/${ids.h1}/yearly-updates/2024/done`, { version: 1, note: FORMULA });
    // The planned start passes: the measure is overdue (not started).
    k.advance(10);
  }, 120_000);
  afterAll(() => k?.close());

  interface ExportCase {
    name: string;
    list: string;
    /** The list's filter, also the export's. */
    query: string;
    user: string;
    /** Roles the list refuses. */
    refused: string[];
    header: string[];
    /** The list's rows for the same filter: their keys (ids). */
    listKeys: () => Promise<number[]>;
    /** The export column holding the same keys. */
    keyColumn: string;
    sheet?: number;
  }

  const items = async (user: string, url: string) => {
    const all: any[] = [];
    for (let page = 1; ; page++) {
      const r = await k.ok(user, 'GET', `${url}${url.includes('?') ? '&' : '?'}page=${page}&pageSize=100`);
      const got = Array.isArray(r) ? r : r.items;
      all.push(...got);
      if (got.length < 100) return all;
    }
  };

  const CASES: ExportCase[] = [
    {
      name: 'households', list: '/households', query: '', user: 'county', refused: ['sysadmin', 'auditadmin'], keyColumn: '户编号',
      header: ['户编号', '省', '市', '县', '乡镇', '村', '村民小组', '户主姓名', '户主身份证号', '人口数', '户类型', '监测状态', '监测类别', '识别日期', '风险消除日期', '低保户', '特困户'],
      listKeys: async () => (await items('county', '/households')).map((i) => i.id),
    },
    {
      name: 'households of one village', list: '/households', query: `?regionCode=${'villageA'}`, user: 'county', refused: [], keyColumn: '户编号',
      header: [], listKeys: async () => (await items('county', `/households?regionCode=${k.regions.villageA}`)).map((i) => i.id),
    },
    {
      name: 'cases', list: '/cases', query: '?kind=identification', user: 'county', refused: ['sysadmin', 'secadmin'], keyColumn: '案件编号',
      header: ['案件编号', '类型', '户编号', '户主姓名', '所在村', '村区划代码', '线索来源', '线索日期', '状态', '办理情况', '绿色通道', '监测类别', '最近期限', '期限情况'],
      listKeys: async () => (await items('county', '/cases?kind=identification')).map((i) => i.id),
    },
    {
      name: 'measures', list: '/measures', query: '?status=planned', user: 'township', refused: ['sysadmin', 'auditadmin'], keyColumn: '措施编号',
      header: ['措施编号', '户编号', '户主姓名', '所在村', '村区划代码', '措施类型', '开发式', '状态', '逾期', '责任部门', '计划开始日期', '期限', '期限规则', '措施内容', '开始实施日期', '实施完成日期', '结束日期', '暂停日期', '暂停原因'],
      listKeys: async () => (await items('township', '/measures?status=planned')).map((i) => i.id),
    },
    {
      name: 'assistance gaps', list: '/supervision/assistance-gaps', query: '?kind=no_developmental', user: 'city', refused: ['department', 'hotline', 'sysadmin'], keyColumn: '户编号',
      header: ['户编号', '户主姓名', '所在村', '村区划代码', '监测类别', '识别日期', '有劳动能力人数', '现有措施', '无发展意愿说明'],
      listKeys: async () => (await items('city', '/supervision/assistance-gaps?kind=no_developmental')).map((i) => i.householdId),
    },
    {
      name: 'overdue measures', list: '/supervision/overdue-measures', query: '', user: 'county', refused: ['sysadmin', 'secadmin'], keyColumn: '措施编号', sheet: 1,
      header: ['措施编号', '户编号', '户主姓名', '所在村', '村区划代码', '措施类型', '开发式', '状态', '逾期', '责任部门', '计划开始日期', '期限', '期限规则', '措施内容', '开始实施日期', '实施完成日期', '结束日期', '暂停日期', '暂停原因'],
      listKeys: async () => (await items('county', '/supervision/overdue-measures')).map((i) => i.id),
    },
    {
      name: 'member changes', list: '/member-changes', query: '?direction=increase', user: 'province', refused: ['sysadmin', 'auditadmin'], keyColumn: '户编号',
      header: ['所在村', '村区划代码', '户编号', '类型', '原因', '姓名', '与户主关系', '身份证号', '性别', '出生年份', '变更日期', '登记日期', '登记期限', '逾期登记', '佐证材料', '佐证材料编号', '登记人', '备注'],
      listKeys: async () => (await items('province', '/member-changes?direction=increase')).map((i) => i.householdId),
    },
    {
      name: 'yearly updates', list: '/yearly-updates', query: '?year=2024', user: 'village', refused: ['sysadmin', 'secadmin'], keyColumn: '户编号',
      header: ['年度', '户编号', '户主姓名', '所在村', '村区划代码', '监测状态', '监测类别', '风险消除日期', '更新状态', '开启日期', '完成日期', '完成人', '备注'],
      listKeys: async () => (await items('village', '/yearly-updates?year=2024')).map((i) => i.householdId),
    },
    {
      name: 'audit log', list: '/audit', query: '?action=household.create', user: 'auditadmin', refused: ['county', 'secadmin', 'sysadmin'], keyColumn: '序号',
      header: ['序号', '时间', '操作人', '操作人编号', '角色', '操作', '对象类型', '对象编号', '县级代码', '原因', '修改前', '修改后', '哈希'],
      listKeys: async () => (await items('auditadmin', '/audit?action=household.create')).map((i) => i.seq),
    },
    {
      name: 'login log', list: '/login-log', query: '', user: 'secadmin', refused: ['county', 'sysadmin'], keyColumn: '编号',
      header: ['编号', '时间', '用户名', '用户编号', 'IP 地址', '结果', '说明'],
      // The export's own sign-in is already on record: the list is read after it.
      listKeys: async () => (await items('secadmin', '/login-log')).map((i) => i.id),
    },
  ];
  const url = (c: ExportCase) => `${c.list}/export.xlsx${c.query.replace('villageA', k.regions.villageA)}`;

  describe.each(CASES)('$name', (c) => {
    it('answers a workbook with the declared header and exactly the list’s rows', async () => {
      const res = await k.call(c.user, 'GET', url(c));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename\\*=UTF-8''.+${k.today()}\\.xlsx$`));
      const sheets = await readWorkbook(res);
      const s = sheets[c.sheet ?? 0]!;
      if (c.header.length) expect(header(s)).toEqual(c.header);
      const keys = column(s, c.keyColumn).map((x) => Number(x.value));
      const expected = await c.listKeys();
      expect(keys.length).toBe(expected.length);
      expect(keys).toEqual(expected); // same rows, same order
      expect(keys.length, 'the fixture gives every list rows').toBeGreaterThan(0);
      expectNothingSensitive(sheets, `${c.user} ${url(c)}`);
    });

    it('refuses whom the list refuses, and only them', async () => {
      const listUrl = `${c.list}${c.query.replace('villageA', k.regions.villageA)}`;
      for (const user of ROLES) {
        const [list, exp] = [(await k.call(user, 'GET', listUrl)).statusCode, (await k.call(user, 'GET', url(c))).statusCode];
        expect(exp, `${user}: list ${list}, export ${exp}`).toBe(list);
        expect([200, 403], user).toContain(exp);
        if (c.refused.includes(user)) expect(exp, user).toBe(403);
      }
    });
  });

  it('exports only the actor’s subtree: another county’s household is absent, its own county’s present', async () => {
    const ours = column((await readWorkbook(await k.call('county', 'GET', '/households/export.xlsx')))[0]!, '户编号').map((c) => Number(c.value));
    expect(ours).toContain(ids.h1);
    expect(ours).toContain(ids.h2);
    expect(ours).not.toContain(ids.other);
    const theirs = column((await readWorkbook(await k.call('othercounty', 'GET', '/households/export.xlsx')))[0]!, '户编号').map((c) => Number(c.value));
    expect(theirs).toEqual([ids.other]);
    const village = (await readWorkbook(await k.call('village', 'GET', '/households/export.xlsx')))[0]!;
    expect(column(village, '户编号').map((c) => Number(c.value))).toEqual([ids.h1]);
    expect(column(village, '村').map(text)).toEqual([(await k.ok('village', 'GET', `/households/${ids.h1}`)).regionPath.at(-1).name]);
  });

  it('names the province, city, county and township and masks the head’s ID number as the list does', async () => {
    const s = (await readWorkbook(await k.call('county', 'GET', '/households/export.xlsx')))[0]!;
    const row = body(s).find((r) => Number(r[0]!.value) === ids.h1)!.map(text);
    const path = (await k.ok('county', 'GET', `/households/${ids.h1}`)).regionPath.map((p: { name: string }) => p.name);
    expect(row.slice(1, 6)).toEqual(path);
    const listed = (await k.ok('county', 'GET', `/households?regionCode=${k.regions.villageA}`)).items.find((i: any) => i.id === ids.h1);
    expect(row[8]).toBe(listed.headIdNumber);
    expect(row[8]).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(row.slice(9, 17)).toEqual([
      String(listed.memberCount), '脱贫户', '监测对象（未消除风险）', row[12], listed.identifiedOn, '', '否', '否',
    ]);
    expect(row[12]).not.toBe('');
  });

  it('writes cells that start with = + - @ as text behind an apostrophe', async () => {
    const cellsOf = async (u: string) => (await readWorkbook(await k.call('county', 'GET', u))).flatMap((s) => s.rows.flat());
    const expectEscaped = (cells: ExcelJS.Cell[], raw: string, where: string) => {
      const hits = cells.filter((c) => text(c).includes(raw));
      expect(hits.length, `${where}: ${raw}`).toBeGreaterThan(0);
      for (const c of hits) {
        expect(c.type, `${where} ${c.address}`).toBe(ExcelJS.ValueType.String);
        expect(text(c), `${where} ${c.address}`).toBe(`'${raw}`);
      }
    };
    const households = await cellsOf('/households/export.xlsx');
    expectEscaped(households, FORMULA, 'households 村民小组');
    expectEscaped(households, PLUS, 'households 户主姓名');
    expectEscaped(await cellsOf('/cases/export.xlsx'), PLUS, 'cases 户主姓名');
    expectEscaped(await cellsOf('/measures/export.xlsx'), AT, 'measures 措施内容');
    expectEscaped(await cellsOf('/supervision/overdue-measures/export.xlsx'), AT, 'overdue 措施内容');
    expectEscaped(await cellsOf('/supervision/assistance-gaps/export.xlsx?kind=no_developmental'), PLUS, 'gaps 户主姓名');
    expectEscaped(await cellsOf('/member-changes/export.xlsx'), MINUS, 'member changes 备注');
    expectEscaped(await cellsOf('/yearly-updates/export.xlsx?year=2024'), FORMULA, 'yearly 备注');
    // Numbers stay numbers.
    const s = (await readWorkbook(await k.call('county', 'GET', '/households/export.xlsx')))[0]!;
    for (const c of [...column(s, '户编号'), ...column(s, '人口数')]) expect(c.type).toBe(ExcelJS.ValueType.Number);
  });

  it('leaves one audit entry per export with its filter (no personal data) and row count', async () => {
    const head = secrets.idNumbers[0]!;
    const before = (await k.ok('auditadmin', 'GET', '/audit?action=export.households&pageSize=200')).length;
    const res = await k.call('county', 'GET', `/households/export.xlsx?q=${head}`);
    const rows = body((await readWorkbook(res))[0]!);
    expect(rows).toHaveLength(1);
    const entries = await k.db.selectFrom('audit_log').selectAll().where('action', '=', 'export.households').orderBy('seq', 'desc').execute();
    expect(entries.length).toBe(before + 1);
    const e = entries[0]!;
    expect(e.actor_name).toBe(k.users.county.displayName);
    expect(e.object_type).toBe('export');
    expect(e.after).toMatchObject({ rows: 1, completed: true, title: '农户名单' });
    expect(JSON.stringify(e.after)).not.toContain(head);
    expect(JSON.stringify(e.after)).toContain(head.slice(-4));
    for (const list of ['cases', 'measures', 'overdue_measures', 'assistance_gaps', 'member_changes', 'yearly_updates', 'audit', 'login_log'])
      expect(await k.db.selectFrom('audit_log').select('seq').where('action', '=', `export.${list}`).executeTakeFirst(), list).toBeDefined();
  });

  describe('streaming', () => {
    /** A source of many pages of incompressible rows, counting the pages it was asked for. */
    function source() {
      const state = { pulled: 0 };
      const sheet: ExportSheet<{ n: number; s: string }> = {
        name: '测试',
        columns: [{ header: '序号', value: (r) => r.n }, { header: '内容', value: (r) => r.s }],
        pages: async function* () {
          for (let i = 0; i < 500; i++) {
            state.pulled++;
            yield Array.from({ length: 1000 }, (_, j) => ({ n: i * 1000 + j, s: randomBytes(24).toString('hex') }));
          }
        },
      };
      return { state, sheet };
    }
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const entry = (list: string) => k.db.selectFrom('audit_log').selectAll().where('action', '=', `export.${list}`).executeTakeFirst();

    it('waits for a reader that does not read, instead of filling memory', async () => {
      const { state, sheet } = source();
      const exp = listExport(k.db, k.users.county, { list: 'stalled', title: '测试', filter: {}, sheets: [sheet] });
      // It stops asking for pages after a few (what the buffers hold), however long one waits.
      let seen = -1;
      while (seen !== state.pulled) {
        seen = state.pulled;
        await sleep(300);
      }
      expect(state.pulled).toBeLessThan(20);
      exp.stream.destroy();
      await expect.poll(() => entry('stalled')).toBeTruthy();
    });

    it('stops when the reader goes away and records the rows written so far', async () => {
      const { state, sheet } = source();
      const exp = listExport(k.db, k.users.county, { list: 'aborted', title: '测试', filter: {}, sheets: [sheet] });
      await new Promise((r) => exp.stream.once('data', r));
      exp.stream.destroy();
      await expect.poll(() => entry('aborted')).toBeTruthy();
      const e = (await entry('aborted'))!;
      expect(e.after).toMatchObject({ completed: false });
      expect((e.after as { rows: number }).rows).toBe(state.pulled * 1000);
      expect(state.pulled).toBeLessThan(500);
    });
  });

  it('refuses unknown and paging parameters, and a region outside the actor’s subtree', async () => {
    expect((await k.call('county', 'GET', '/households/export.xlsx?page=2')).statusCode).toBe(400);
    expect((await k.call('county', 'GET', '/cases/export.xlsx?pageSize=10')).statusCode).toBe(400);
    expect((await k.call('county', 'GET', '/households/export.xlsx?bogus=1')).statusCode).toBe(400);
    expect((await k.call('county', 'GET', `/households/export.xlsx?regionCode=${k.regions.villageD}`)).statusCode).toBe(403);
    expect((await k.call('county', 'GET', '/supervision/assistance-gaps/export.xlsx?kind=nonsense')).statusCode).toBe(400);
  });
});

