/**
 * Account lifecycle under 三员分立 (SEC-5) through the API: the system admin creates business
 * accounts only, always with a one-time password nobody chose; edits, disables, enables and resets
 * them with a reason, each in one transaction with its audit entry; the security admin unlocks and
 * sets the policy; the audit admin only reads; nobody acts on their own account or on the three
 * admin accounts here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/app/users/create-account.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { API, cookieFrom, countRows, createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';

let t: TestApp;
let address = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const sys = () => t.as('sysadmin');
const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password }, remoteAddress: `10.5.${Math.floor(++address / 250)}.${address % 250}` });

async function audit(action: string, objectId: number) {
  return t.db.selectFrom('audit_log').select(['action', 'reason', 'before', 'after', 'actor_name']).where('action', '=', action).where('object_id', '=', String(objectId)).execute();
}

let seq = 0;
/** A village account made through the API by the system admin; returns its id and one-time password. */
async function newVillageAccount(extra: object = {}) {
  const username = `acct${++seq}`;
  const res = await sys().post(`${API}/users`, { username, displayName: `账号${seq}`, role: 'village', regionCode: t.regions.villageA, reason: '新任村干部', ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { username, ...(res.json() as { id: number; initialPassword: string; expiresAt: string }) };
}

/** Signs in with the one-time password and sets an own password; returns a cookie of a full session. */
async function activate(username: string, initialPassword: string, password = 'Own#Password2024') {
  const cookie = cookieFrom(await login(username, initialPassword));
  const r = await t.app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload: { oldPassword: initialPassword, newPassword: password } });
  expect(r.statusCode, r.body).toBe(200);
  return cookie;
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } });
const version = async (id: number) => (await sys().get(`${API}/users/${id}`)).json().version as number;

describe(`accounts (SEC-5) [${TEST_DB_KIND}]`, () => {
  describe('creation', () => {
    it('gives a new business account a one-time password, shown once to its creator, audited with the reason', async () => {
      const before = await countRows(t.db, 'app_user');
      const a = await newVillageAccount();
      expect(a.initialPassword.length).toBeGreaterThanOrEqual(10);
      expect(new Date(a.expiresAt).getTime()).toBeGreaterThan(Date.now() + 71 * 3600_000);
      expect(await countRows(t.db, 'app_user')).toBe(before + 1);
      const row = await t.db.selectFrom('app_user').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ must_change_password: true, one_time_password_used_at: null });
      expect(row.password_hash).not.toContain(a.initialPassword);
      const [entry] = await audit('user.create', a.id);
      expect(entry).toMatchObject({ reason: '新任村干部', actor_name: '系统管理员' });
      expect(JSON.stringify(entry!.after)).not.toContain(a.initialPassword);
      // Nowhere to read it again.
      expect((await sys().get(`${API}/users/${a.id}`)).body).not.toContain(a.initialPassword);
    });

    it('makes the first sign-in change it, and refuses it after that first use', async () => {
      const a = await newVillageAccount();
      const first = await login(a.username, a.initialPassword);
      expect(first.json()).toEqual({ mustChangePassword: true, next: 'change_password' });
      const households = await t.app.inject({ method: 'GET', url: `${API}/households`, headers: { cookie: cookieFrom(first) } });
      expect(households.statusCode).toBe(403);
      expect(households.json().errors[0].message).toBe('首次登录须先修改密码');
      expect((await login(a.username, a.initialPassword)).statusCode).toBe(401);
    });

    for (const role of ['system_admin', 'security_admin', 'audit_admin']) {
      it(`never creates a ${role} (403 naming the command line)`, async () => {
        const before = await countRows(t.db, 'app_user');
        const res = await sys().post(`${API}/users`, { username: `x_${role}`, displayName: '三员', role, regionCode: t.regions.province, reason: '试图' });
        expect(res.statusCode).toBe(403);
        expect(res.json().errors[0].message).toContain(`npx jianbang admin create --role ${role}`);
        expect(await countRows(t.db, 'app_user')).toBe(before);
      });
    }

    it('never accepts a chosen password nor a waived first-login change (400 naming the field and why)', async () => {
      const before = await countRows(t.db, 'app_user');
      const res = await sys().post(`${API}/users`, {
        username: 'chosen1', displayName: '自选密码', role: 'county', regionCode: t.regions.county, password: 'Chosen#Pass2024', mustChangePassword: false, reason: '试图',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { path: 'password', message: '不能为他人设定密码：系统生成一次性初始密码，只向创建者显示一次' },
        { path: 'mustChangePassword', message: '不能免除首次登录修改密码：一次性初始密码登录后必须修改' },
      ]);
      expect(await countRows(t.db, 'app_user')).toBe(before);
    });

    it('checks every field with a Chinese message, and asks for a reason', async () => {
      const res = await sys().post(`${API}/users`, { username: 'a b', displayName: '', role: 'county', regionCode: t.regions.villageA, extra: 1 });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual(
        expect.arrayContaining([
          { path: 'extra', message: '未知字段（可能是拼写错误）' },
          { path: 'reason', message: '必填' },
          { path: 'username', message: '用户名为3-64位字母、数字或 _ . -' },
          { path: 'displayName', message: '必填' },
          { path: 'regionCode', message: '账号所属区划的级别与角色不符' },
        ]),
      );
      const dup = await sys().post(`${API}/users`, { username: 'VILLAGE', displayName: '重名', role: 'village', regionCode: t.regions.villageA, reason: '重名' });
      expect(dup.json().errors).toEqual([{ path: 'username', message: '用户名已存在（不区分大小写）' }]);
    });

    it('is for the system admin only', async () => {
      for (const u of ['secadmin', 'auditadmin', 'county', 'province']) {
        const res = await t.as(u).post(`${API}/users`, { username: `by_${u}`, displayName: 'x', role: 'village', regionCode: t.regions.villageA, reason: 'x' });
        expect(res.statusCode, u).toBe(403);
      }
    });
  });

  describe('the users list', () => {
    it('shows region names, the actions each viewer may take, and lists the admin accounts as command-line managed', async () => {
      const locked = await newVillageAccount();
      await activate(locked.username, locked.initialPassword);
      for (let i = 0; i < 5; i++) await login(locked.username, 'Wrong#pass0');

      const list = (await sys().get(`${API}/users?pageSize=200`)).json();
      expect(list.total).toBeGreaterThanOrEqual(14);
      const byName = new Map<string, any>(list.items.map((u: any) => [u.username, u]));
      const village = byName.get('village');
      const villageName = (await t.db.selectFrom('region').select('name').where('code', '=', t.regions.villageA).executeTakeFirstOrThrow()).name;
      expect(village).toMatchObject({ regionCode: t.regions.villageA, regionName: villageName, roleName: '村级（村干部/驻村工作队）', actions: ['edit', 'disable', 'reset_password'] });
      expect(village.regionPath).toMatch(new RegExp(`^赣州市 / 于都县 / .+ / ${villageName}$`));
      expect(byName.get('county').regionPath).toBe('赣州市 / 于都县');
      expect(byName.get('secadmin')).toMatchObject({ managedByCommandLine: true, actions: [], twoFactorRequired: true });
      expect(byName.get('sysadmin').actions).toEqual([]); // own account
      expect(byName.get(locked.username)).toMatchObject({ locked: true, actions: ['edit', 'disable', 'reset_password'] });

      // The security admin sees the lock and may lift it; the audit admin only reads.
      const sec = (await t.as('secadmin').get(`${API}/users?state=locked`)).json();
      expect(sec.items.map((u: any) => u.username)).toEqual([locked.username]);
      expect(sec.items[0].actions).toEqual(['unlock']);
      const aud = (await t.as('auditadmin').get(`${API}/users?q=acct`)).json();
      expect(aud.items.length).toBeGreaterThan(0);
      expect(aud.items.every((u: any) => u.actions.length === 0)).toBe(true);
      for (const u of ['county', 'village', 'department'])
        expect((await t.as(u).get(`${API}/users`)).statusCode, u).toBe(403);
      expect((await sys().get(`${API}/users?state=bogus`)).statusCode).toBe(400);
    });
  });

  describe('edit', () => {
    it('changes display name and region, version-checked (409 when stale), audited with the reason', async () => {
      const a = await newVillageAccount();
      const v = await version(a.id);
      const res = await sys().patch(`${API}/users/${a.id}`, { version: v, displayName: '新名称', regionCode: t.regions.villageB, reason: '调任B村' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ displayName: '新名称', regionCode: t.regions.villageB, version: v + 1 });
      const stale = await sys().patch(`${API}/users/${a.id}`, { version: v, displayName: '又改', reason: '再改' });
      expect(stale.statusCode).toBe(409);
      const [entry] = await audit('user.update', a.id);
      expect(entry).toMatchObject({ reason: '调任B村', before: { displayName: `账号${seq}`, regionCode: t.regions.villageA }, after: { displayName: '新名称', regionCode: t.regions.villageB } });
      const bad = await sys().patch(`${API}/users/${a.id}`, { version: v + 1, regionCode: t.regions.county, role: 'county' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual(expect.arrayContaining([{ path: 'role', message: '未知字段（可能是拼写错误）' }, { path: 'reason', message: '必填' }]));
      const level = await sys().patch(`${API}/users/${a.id}`, { version: v + 1, regionCode: t.regions.county, reason: '改到县' });
      expect(level.json().errors).toEqual([{ path: 'regionCode', message: '账号所属区划的级别与角色不符' }]);
    });
  });

  describe('disable and enable', () => {
    it('disabling ends the sessions at once; the account signs in again once enabled', async () => {
      const a = await newVillageAccount();
      const cookie = await activate(a.username, a.initialPassword);
      expect((await me(cookie)).statusCode).toBe(200);
      const off = await sys().post(`${API}/users/${a.id}/disable`, { reason: '离职' });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json()).toMatchObject({ disabled: true, actions: ['edit', 'enable', 'reset_password'] });
      expect((await me(cookie)).statusCode).toBe(401);
      expect((await login(a.username, 'Own#Password2024')).statusCode).toBe(403);
      expect((await sys().post(`${API}/users/${a.id}/disable`, { reason: '再停' })).statusCode).toBe(409);
      const on = await sys().post(`${API}/users/${a.id}/enable`, { reason: '返岗' });
      expect(on.json().disabled).toBe(false);
      expect((await login(a.username, 'Own#Password2024')).statusCode).toBe(200);
      expect((await audit('user.disable', a.id))[0]).toMatchObject({ reason: '离职', after: { disabled: true, endedSessions: 1 } });
      expect((await audit('user.enable', a.id))[0]).toMatchObject({ reason: '返岗' });
      const log = await t.db.selectFrom('login_log').select(['outcome', 'detail']).where('user_id', '=', a.id).where('outcome', '=', 'forced_logout').execute();
      expect(log).toEqual([{ outcome: 'forced_logout', detail: '账号停用，结束1个会话' }]);
    });

    it('requires a reason and changes nothing without one', async () => {
      const a = await newVillageAccount();
      const res = await sys().post(`${API}/users/${a.id}/disable`, {});
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'reason', message: '必填' }]);
      expect((await sys().get(`${API}/users/${a.id}`)).json().disabled).toBe(false);
    });
  });

  describe('reset password', () => {
    it('issues a new one-time password: the old password stops working and the sessions end', async () => {
      const a = await newVillageAccount();
      const cookie = await activate(a.username, a.initialPassword);
      const res = await sys().post(`${API}/users/${a.id}/reset-password`, { reason: '用户忘记密码' });
      expect(res.statusCode, res.body).toBe(200);
      const { initialPassword, endedSessions } = res.json();
      expect(endedSessions).toBe(1);
      expect((await me(cookie)).statusCode).toBe(401);
      expect((await login(a.username, 'Own#Password2024')).statusCode).toBe(401);
      const next = await login(a.username, initialPassword);
      expect(next.json().next).toBe('change_password');
      expect((await login(a.username, initialPassword)).statusCode).toBe(401);
      expect(JSON.stringify(await audit('user.reset_password', a.id))).not.toContain(initialPassword);
    });
  });

  describe('unlock (security admin)', () => {
    it('lifts a lock with a reason; the system admin cannot, an unlocked account is 409', async () => {
      const a = await newVillageAccount();
      await activate(a.username, a.initialPassword);
      for (let i = 0; i < 5; i++) await login(a.username, 'Wrong#pass0');
      expect((await login(a.username, 'Own#Password2024')).statusCode).toBe(423);
      expect((await sys().post(`${API}/users/${a.id}/unlock`, { reason: '核实身份' })).statusCode).toBe(403);
      const res = await t.as('secadmin').post(`${API}/users/${a.id}/unlock`, { reason: '电话核实本人' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ locked: false, lockedUntil: null });
      expect((await login(a.username, 'Own#Password2024')).statusCode).toBe(200);
      expect((await t.as('secadmin').post(`${API}/users/${a.id}/unlock`, { reason: '再解' })).statusCode).toBe(409);
      expect((await audit('user.unlock', a.id))[0]).toMatchObject({ reason: '电话核实本人', actor_name: '安全管理员' });
    });
  });

  describe('who may act on which account', () => {
    it('nobody acts on their own account, and the three admin accounts change only through the command line', async () => {
      const own = await sys().post(`${API}/users/${t.users.sysadmin.id}/disable`, { reason: '自己' });
      expect(own.statusCode).toBe(403);
      expect(own.json().errors[0].message).toMatch(/不能在这里操作本人账号/);
      for (const target of ['secadmin', 'auditadmin'] as const) {
        const r = await sys().post(`${API}/users/${t.users[target].id}/reset-password`, { reason: '试图' });
        expect(r.statusCode, target).toBe(403);
        expect(r.json().errors[0].message).toContain('npx jianbang admin');
      }
      expect((await t.as('secadmin').post(`${API}/users/${t.users.auditadmin.id}/unlock`, { reason: '试图' })).statusCode).toBe(403);
      expect((await t.as('auditadmin').post(`${API}/users/${t.users.village.id}/disable`, { reason: '试图' })).statusCode).toBe(403);
      expect((await sys().post(`${API}/users/999999/disable`, { reason: '无此人' })).statusCode).toBe(404);
      expect((await sys().post(`${API}/users/abc/disable`, { reason: '无此人' })).statusCode).toBe(404);
    });

    it('keeps a county system admin to its county', async () => {
      await createAccount(t.db, SYSTEM_ACTOR, { username: 'sys_xingguo', displayName: '兴国县系统管理员', role: 'system_admin', regionCode: t.regions.otherCounty, password: TEST_PASSWORD, mustChangePassword: false });
      const county = t.as('sys_xingguo');
      const list = (await county.get(`${API}/users?pageSize=200`)).json();
      expect(list.items.map((u: any) => u.username)).toEqual(['othercounty', 'sys_xingguo']);
      expect((await county.post(`${API}/users/${t.users.village.id}/disable`, { reason: '越权' })).statusCode).toBe(403);
      const create = await county.post(`${API}/users`, { username: 'yudu_v', displayName: 'x', role: 'village', regionCode: t.regions.villageA, reason: '越权' });
      expect(create.statusCode).toBe(403);
    });
  });

  describe('security policy (security admin)', () => {
    it('is one versioned, audited setting with bounds; it applies to the next password', async () => {
      const sec = t.as('secadmin');
      const got = (await sec.get(`${API}/security/policy`)).json();
      expect(got.policy).toEqual({ minLength: 10, minClasses: 3, maxFailures: 5, lockMinutes: 15, idleMinutes: 30, initialPasswordHours: 72, twoFactorRoles: [] });
      expect((await sys().get(`${API}/security/policy`)).statusCode).toBe(403);
      const bad = await sec.inject({ method: 'PUT', url: `${API}/security/policy`, payload: { ...got.policy, minLength: 7, version: got.version, reason: '加强' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual([{ path: 'minLength', message: '密码最短长度应在8到64之间' }]);
      const put = (body: object) => sec.inject({ method: 'PUT', url: `${API}/security/policy`, payload: body });
      const ok = await put({ ...got.policy, minLength: 14, version: got.version, reason: '等保测评要求' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ version: got.version + 1, policy: { minLength: 14 } });
      expect((await put({ ...got.policy, minLength: 12, version: got.version, reason: '旧版本' })).statusCode).toBe(409);
      const entry = await t.db.selectFrom('audit_log').select(['reason', 'before', 'after']).where('action', '=', 'security.update_policy').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ reason: '等保测评要求', before: { minLength: 10 }, after: { minLength: 14 } });
      // A new password now needs 14 characters.
      const a = await newVillageAccount();
      const cookie = cookieFrom(await login(a.username, a.initialPassword));
      const r = await t.app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload: { oldPassword: a.initialPassword, newPassword: 'Short#Pass24' } });
      expect(r.json().errors).toEqual([{ path: 'newPassword', message: '密码长度至少14位' }]);
      expect((await me(cookie)).json().passwordRule).toMatch(/^至少14位/);
      // Back to the defaults for the other tests.
      expect((await put({ ...got.policy, version: got.version + 1, reason: '恢复默认' })).statusCode).toBe(200);
    });
  });
});
