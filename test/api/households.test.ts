/** Household registry through the HTTP API (REG-1, REG-2, SEC-2, SEC-3, DAT-2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ID_NUMBER_TAKEN } from '../../src/app/households/create-household.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';
import { checkDigit, makeIdNumber } from '../../src/domain/id-number.ts';

const ID_NUMBER = /\d{17}[\dX]/;

let t: TestApp;
/** Every raw ID number, phone and bank account registered in this file. */
const secrets: string[] = [];
let created: Awaited<ReturnType<typeof register>>;

async function register(regionCode: string, user = 'village', opts?: Parameters<typeof householdBody>[1]) {
  const body = householdBody(regionCode, opts);
  for (const m of body.members) secrets.push(...[m.idNumber, m.phone, m.bankAccount].filter((x): x is string => typeof x === 'string'));
  const res = await t.as(user).post(`${API}/households`, body);
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as number, body, res };
}

function expectNoSecrets(text: string) {
  for (const s of secrets) expect(text).not.toContain(s);
}

beforeAll(async () => {
  t = await createTestApp();
  created = await register(t.regions.villageA);
  await register(t.regions.villageA);
  await register(t.regions.villageB, 'village2');
  await register(t.regions.villageC, 'county');
  await register(t.regions.villageD, 'othercounty');
});
afterAll(async () => {
  await t?.close();
});

describe(`households API [${TEST_DB_KIND}]`, () => {
  describe('create', () => {
    it('answers 201 with the household and masked members', async () => {
      const body = created.res.json();
      expect(body).toMatchObject({ id: created.id, regionCode: t.regions.villageA, version: 1 });
      expect(body.members).toHaveLength(2);
      expect(body.members[0]).toMatchObject({ name: '李大山', relation: 'head', sex: 'male', health: '***', phone: '138****8000', bankAccount: '6222***********3445' });
      expectNoSecrets(created.res.body);
    });

    it('answers 400 with every bad field named by its path, in Chinese', async () => {
      const head = memberBody();
      const first17 = head.idNumber.slice(0, 17);
      const bad = { ...head, idNumber: first17 + (checkDigit(first17) === '1' ? '2' : '1'), phone: '12345' };
      const res = await t.as('village').post(`${API}/households`, { household: { regionCode: t.regions.villageA, povertyExitYear: 2030 }, members: [bad] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual(
        expect.arrayContaining([
          { path: 'members[0].idNumber', message: '身份证号校验码错误（GB 11643）' },
          { path: 'members[0].phone', message: '电话号码格式不正确' },
          { path: 'household.povertyExitYear', message: '不能大于2020' },
        ]),
      );
    });

    it('answers 400 for an ID number whose birth date lies in the future', async () => {
      const unborn = makeIdNumber('360731', '2099-01-01', 11, 'male');
      const res = await t.as('village').post(`${API}/households`, householdBody(t.regions.villageA, { members: [memberBody({ idNumber: unborn })] }));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toContainEqual({ path: 'members[0].idNumber', message: '身份证号中的出生日期 2099-01-01 晚于今天' });
    });

    it('answers 400 for a person already registered in another household', async () => {
      const res = await t.as('village').post(`${API}/households`, householdBody(t.regions.villageA, { members: [memberBody({ idNumber: created.body.members[0]!.idNumber })] }));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toContainEqual({ path: 'members[0].idNumber', message: ID_NUMBER_TAKEN });
    });
  });

  describe('list', () => {
    it('lists the actor’s subtree only, with masked head ID numbers', async () => {
      const res = await t.as('village').get(`${API}/households`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(2);
      expect(body.items.every((i: any) => i.regionCode === t.regions.villageA)).toBe(true);
      const item = body.items.find((i: any) => i.id === created.id);
      const head = created.body.members[0]!.idNumber;
      expect(item).toMatchObject({ headName: '李大山', memberCount: 2, formerlyPoor: true, version: 1 });
      expect(item.headIdNumber).toBe(`${head.slice(0, 6)}********${head.slice(-4)}`);
      expectNoSecrets(res.body);
    });

    it('shows the township both villages, the county three, and the city all four', async () => {
      const total = async (u: string) => (await t.as(u).get(`${API}/households`)).json().total;
      expect(await total('township')).toBe(3);
      expect(await total('county')).toBe(4);
      expect(await total('othercounty')).toBe(1);
      expect(await total('city')).toBe(5);
    });

    it('narrows by region, name and full ID number, and pages', async () => {
      const county = t.as('county');
      expect((await county.get(`${API}/households?regionCode=${t.regions.villageB}`)).json().total).toBe(1);
      expect((await county.get(`${API}/households?q=${encodeURIComponent('李大山')}`)).json().total).toBe(4);
      const byId = (await county.get(`${API}/households?q=${created.body.members[1]!.idNumber}`)).json();
      expect(byId.items.map((i: any) => i.id)).toEqual([created.id]);
      const page = (await county.get(`${API}/households?pageSize=2&page=2`)).json();
      expect(page).toMatchObject({ page: 2, pageSize: 2, total: 4 });
      expect(page.items).toHaveLength(2);
    });

    it('answers 400 for bad filters', async () => {
      const res = await t.as('county').get(`${API}/households?pageSize=1000&regionCode=abc`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: any) => e.path).sort()).toEqual(['pageSize', 'regionCode']);
    });
  });

  describe('detail', () => {
    it('masks ID number, phone, bank account and health without reveal', async () => {
      const res = await t.as('village').get(`${API}/households/${created.id}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ id: created.id, sensitiveRevealed: false, canRevealSensitive: true, canEdit: true });
      expect(body.regionPath.map((r: any) => r.level)).toEqual([1, 2, 3, 4, 5]);
      const spouse = body.members[1];
      expect(spouse).toMatchObject({ relation: 'spouse', health: '***', disabilityGrade: null, phone: '139****5678', bankAccount: null });
      expect(spouse.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expectNoSecrets(res.body);
      expect(res.body).not.toContain('chronic');
    });

    it('does not write an audit entry for a masked read', async () => {
      const n = await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'household.read_sensitive').execute();
      await t.as('township').get(`${API}/households/${created.id}`);
      const m = await t.db.selectFrom('audit_log').select('seq').where('action', '=', 'household.read_sensitive').execute();
      expect(m.length).toBe(n.length);
    });

    it('reveals sensitive fields with reveal=true and audits the read as household.read_sensitive', async () => {
      const res = await t.as('township').get(`${API}/households/${created.id}?reveal=true`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.sensitiveRevealed).toBe(true);
      expect(body.members.map((m: any) => m.idNumber)).toEqual(created.body.members.map((m) => m.idNumber));
      expect(body.members[1]).toMatchObject({ health: 'chronic', phone: '13912345678' });
      expect(body.members[0].bankAccount).toBe('6222020200112233445');
      const entry = await t.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'household.read_sensitive')
        .where('object_id', '=', String(created.id))
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor_id: t.users.township.id, actor_role: 'township', object_type: 'household', county_code: '360731' });
      expect(entry.reason).toMatch(/身份证号/);
      // the audit admin sees it through the API
      const audit = await t.as('auditadmin').get(`${API}/audit?action=household.read_sensitive&objectId=${created.id}`);
      expect(audit.statusCode).toBe(200);
      expect(audit.json().map((e: any) => e.actor_name)).toContain(t.users.township.displayName);
    });

    it('offers neither reveal nor edit to a city supervisor, and refuses reveal=true with 403', async () => {
      const body = (await t.as('city').get(`${API}/households/${created.id}`)).json();
      expect(body).toMatchObject({ canRevealSensitive: false, canEdit: false, sensitiveRevealed: false });
      const res = await t.as('city').get(`${API}/households/${created.id}?reveal=true`);
      expect(res.statusCode).toBe(403);
      expectNoSecrets(res.body);
    });

    it('answers 404 for an unknown household and for a non-numeric id', async () => {
      expect((await t.as('county').get(`${API}/households/99999999`)).statusCode).toBe(404);
      expect((await t.as('county').get(`${API}/households/abc`)).statusCode).toBe(404);
    });
  });

  describe('edit', () => {
    it('PATCH with the current version saves and bumps the version; the stale version gets 409', async () => {
      const { id } = await register(t.regions.villageA);
      const first = await t.as('village').patch(`${API}/households/${id}`, { address: '新地址1号', version: 1, reason: '搬家' });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ address: '新地址1号', version: 2 });
      const stale = await t.as('county').patch(`${API}/households/${id}`, { address: '旧页面上的修改', version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toEqual({ errors: [{ path: 'version', message: '记录已被他人修改，请刷新后重试' }] });
      const detail = (await t.as('county').get(`${API}/households/${id}`)).json();
      expect(detail).toMatchObject({ address: '新地址1号', version: 2 });
    });

    it('PATCH validates fields and refuses unknown ones', async () => {
      // A wrong type is answered by the route's schema, before the use case looks at the rest.
      const res = await t.as('village').patch(`${API}/households/${created.id}`, { formerlyPoor: 'yes', colour: 'red', version: 1 });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'formerlyPoor', message: '应为 true 或 false' }]);
      const unknown = await t.as('village').patch(`${API}/households/${created.id}`, { formerlyPoor: true, povertyExitYear: 2012, colour: 'red', version: 1 });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors).toEqual(
        expect.arrayContaining([
          { path: 'povertyExitYear', message: '不能小于2013' },
          { path: 'colour', message: '未知字段（可能是拼写错误）' },
        ]),
      );
    });

    it('PATCH cannot move a household out of the actor’s subtree', async () => {
      const { id } = await register(t.regions.villageA);
      const res = await t.as('township').patch(`${API}/households/${id}`, { regionCode: t.regions.villageC, version: 1 });
      expect(res.statusCode).toBe(403);
      const moved = await t.as('township').patch(`${API}/households/${id}`, { regionCode: t.regions.villageB, version: 1 });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ regionCode: t.regions.villageB, version: 2 });
    });

    it('adds a member (201) and edits it with its version (409 when stale)', async () => {
      const { id } = await register(t.regions.villageA);
      const child = memberBody({ name: '李小花', relation: 'child', sex: 'female', laborAbility: 'none', schooling: 'primary', phone: null, bankAccount: null });
      secrets.push(child.idNumber);
      const add = await t.as('village').post(`${API}/households/${id}/members`, child);
      expect(add.statusCode).toBe(201);
      const member = add.json();
      expect(member).toMatchObject({ name: '李小花', householdId: id, version: 1, health: '***' });
      expectNoSecrets(add.body);
      const url = `${API}/households/${id}/members/${member.id}`;
      const ok = await t.as('village').patch(url, { schooling: 'junior', version: 1 });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ schooling: 'junior', version: 2 });
      const stale = await t.as('village').patch(url, { schooling: 'senior', version: 1 });
      expect(stale.statusCode).toBe(409);
      const detail = (await t.as('village').get(`${API}/households/${id}`)).json();
      expect(detail.members).toHaveLength(3);
    });
  });

  describe('XLSX export', () => {
    async function readXlsx(buf: Buffer) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buf as any);
      const ws = wb.worksheets[0]!;
      const rows: string[][] = [];
      ws.eachRow((row) => rows.push(Array.from(row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
      return { name: ws.name, rows };
    }

    it('returns a valid workbook of the actor’s households with no unmasked ID number in any cell', async () => {
      const res = await t.as('county').get(`${API}/households/export.xlsx`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toMatch(/attachment; filename\*=UTF-8''/);
      expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK'); // a zip container
      const { name, rows } = await readXlsx(res.rawPayload);
      expect(name).toBe('农户名单');
      expect(rows[0]).toEqual(['户编号', '省', '市', '县', '乡镇', '村', '村民小组', '户主姓名', '户主身份证号', '人口数', '户类型', '监测状态', '监测类别', '识别日期', '风险消除日期', '低保户', '特困户']);
      const list = (await t.as('county').get(`${API}/households?pageSize=100`)).json();
      expect(rows.length - 1).toBe(list.total);
      expect(rows.slice(1).map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual(list.items.map((i: any) => i.id).sort((a: number, b: number) => a - b));
      for (const row of rows) for (const cell of row) expect(cell).not.toMatch(ID_NUMBER);
      expectNoSecrets(rows.flat().join('\n'));
      const mine = rows.find((r) => Number(r[0]) === created.id)!;
      expect(mine[8]).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(mine[10]).toBe('脱贫户');
      expect(mine.slice(1, 4)).toEqual(['江西省', '赣州市', '于都县']);
    });

    it('exports only the actor’s subtree and applies the list filters', async () => {
      const village = await readXlsx((await t.as('village').get(`${API}/households/export.xlsx`)).rawPayload);
      const villageList = (await t.as('village').get(`${API}/households?pageSize=100`)).json();
      expect(village.rows.length - 1).toBe(villageList.total);
      expect(new Set(village.rows.slice(1).map((r) => r[5])).size).toBe(1);
      const filtered = await readXlsx((await t.as('county').get(`${API}/households/export.xlsx?regionCode=${t.regions.villageC}`)).rawPayload);
      expect(filtered.rows).toHaveLength(2);
    });

    it('refuses the export to admin roles and to anonymous callers', async () => {
      expect((await t.as('sysadmin').get(`${API}/households/export.xlsx`)).statusCode).toBe(403);
      expect((await t.anonymous.get(`${API}/households/export.xlsx`)).statusCode).toBe(401);
    });
  });
});
