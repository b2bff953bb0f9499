/**
 * Sessions (SEC-8): a password change ends the user's other sessions; the security admin sees who
 * is online (user, role, region name, IP, user agent, signed in, last activity) and forces a
 * logout with a reason (audited, in the login log); behind a trusted proxy the login log and the
 * rate limit see the client's address, and the cookie can be Secure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import { createAccount } from '../../src/app/users/create-account.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { API, cookieFrom, createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';

let clock = new Date('2024-06-03T01:00:00Z');
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
});
afterAll(async () => {
  await t?.close();
});

const login = (username: string, opts: { ip?: string; ua?: string; password?: string } = {}) =>
  t.app.inject({
    method: 'POST', url: `${API}/auth/login`, payload: { username, password: opts.password ?? TEST_PASSWORD },
    remoteAddress: opts.ip ?? '10.3.0.1', headers: opts.ua ? { 'user-agent': opts.ua } : {},
  });
/** A fresh security admin session (the tests move the clock past the idle timeout). */
async function secadmin() {
  const cookie = await t.login('secadmin');
  const call = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  return { get: (url: string) => call('GET', url), post: (url: string, payload: object) => call('POST', url, payload) };
}
const me = (cookie: string) => t.app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } });

let seq = 0;
async function account(role = 'county', regionCode = t.regions.county) {
  const username = `ss_${++seq}`;
  const u = await createAccount(t.db, SYSTEM_ACTOR, { username, displayName: `在线${seq}`, role, regionCode, password: TEST_PASSWORD, mustChangePassword: false });
  return { id: u.id, username };
}

describe(`sessions (SEC-8) [${TEST_DB_KIND}]`, () => {
  it('a password change ends the other sessions of the account, not the one that changed it', async () => {
    const a = await account();
    const here = cookieFrom(await login(a.username, { ip: '10.3.1.1' }));
    const there = cookieFrom(await login(a.username, { ip: '10.3.1.2' }));
    const elsewhere = cookieFrom(await login(a.username, { ip: '10.3.1.3' }));
    const r = await t.app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie: here }, payload: { oldPassword: TEST_PASSWORD, newPassword: 'Fresh#Pass2024' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ ok: true, endedSessions: 2, next: null });
    expect((await me(here)).statusCode).toBe(200);
    expect((await me(there)).statusCode).toBe(401);
    expect((await me(elsewhere)).statusCode).toBe(401);
    const log = await t.db.selectFrom('login_log').select(['outcome', 'detail', 'ip']).where('user_id', '=', a.id).where('outcome', '=', 'password_changed').execute();
    expect(log).toEqual([{ outcome: 'password_changed', detail: '同时结束该账号的其他2个会话', ip: '127.0.0.1' }]);
  });

  it('the security admin lists online users with region name, address, user agent and times', async () => {
    const a = await account('village', t.regions.villageA);
    clock = new Date(clock.getTime() + 60_000);
    const signedIn = clock;
    await login(a.username, { ip: '10.3.2.7', ua: 'Mozilla/5.0 (测试浏览器)' });
    clock = new Date(clock.getTime() + 5 * 60_000);
    const list = await (await secadmin()).get(`${API}/security/sessions?pageSize=200`);
    expect(list.statusCode, list.body).toBe(200);
    const mine = list.json().items.find((s: any) => s.username === a.username);
    const villageName = (await t.db.selectFrom('region').select('name').where('code', '=', t.regions.villageA).executeTakeFirstOrThrow()).name;
    expect(mine).toMatchObject({
      displayName: `在线${seq}`, role: 'village', roleName: '村级（村干部/驻村工作队）', regionName: villageName, ip: '10.3.2.7',
      userAgent: 'Mozilla/5.0 (测试浏览器)', signedInAt: signedIn.toISOString(), lastActiveAt: signedIn.toISOString(), secondFactorPending: false, own: false,
    });
    expect(typeof mine.id).toBe('number');
    expect(JSON.stringify(list.json())).not.toMatch(/[0-9a-f]{64}/); // no token hashes
    expect(list.json().items.some((s: any) => s.own && s.username === 'secadmin')).toBe(true);
    for (const u of ['sysadmin', 'auditadmin', 'county'])
      expect((await t.app.inject({ method: 'GET', url: `${API}/security/sessions`, headers: { cookie: await t.login(u) } })).statusCode, u).toBe(403);
  });

  it('leaves out sessions idle past the policy', async () => {
    const a = await account();
    await login(a.username, { ip: '10.3.3.1' });
    clock = new Date(clock.getTime() + 31 * 60_000);
    const list = (await (await secadmin()).get(`${API}/security/sessions?pageSize=200`)).json();
    expect(list.items.find((s: any) => s.username === a.username)).toBeUndefined();
  });

  it('force logout ends the session with a reason; its next request is 401; audited and in the login log', async () => {
    const a = await account();
    const cookie = cookieFrom(await login(a.username, { ip: '10.3.4.1' }));
    const sec = await secadmin();
    const list = (await sec.get(`${API}/security/sessions?pageSize=200`)).json();
    const target = list.items.find((s: any) => s.username === a.username);
    expect((await sec.post(`${API}/security/sessions/${target.id}/end`, {})).json().errors).toEqual([{ path: 'reason', message: '必填' }]);
    expect((await me(cookie)).statusCode).toBe(200);
    const sys = await t.login('sysadmin');
    expect((await t.app.inject({ method: 'POST', url: `${API}/security/sessions/${target.id}/end`, headers: { cookie: sys }, payload: { reason: '越权' } })).statusCode).toBe(403);
    const r = await sec.post(`${API}/security/sessions/${target.id}/end`, { reason: '疑似账号被盗用' });
    expect(r.statusCode, r.body).toBe(200);
    const after = await me(cookie);
    expect(after.statusCode).toBe(401);
    expect(after.json().errors[0].message).toBe('未登录或会话已超时，请重新登录');
    expect((await sec.post(`${API}/security/sessions/${target.id}/end`, { reason: '再次' })).statusCode).toBe(404);
    const log = await t.db.selectFrom('login_log').select(['outcome', 'detail', 'ip']).where('user_id', '=', a.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(log).toEqual({ outcome: 'forced_logout', detail: '安全管理员强制下线：疑似账号被盗用', ip: '10.3.4.1' });
    const entry = await t.db.selectFrom('audit_log').select(['reason', 'actor_name', 'after']).where('action', '=', 'session.force_logout').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ reason: '疑似账号被盗用', actor_name: '安全管理员', after: { session: target.id, ip: '10.3.4.1' } });
  });

  it('the security admin cannot end their own session here', async () => {
    const sec = await secadmin();
    const own = (await sec.get(`${API}/security/sessions?pageSize=200`)).json().items.find((s: any) => s.own);
    const r = await sec.post(`${API}/security/sessions/${own.id}/end`, { reason: '自己' });
    expect(r.statusCode).toBe(403);
    expect(r.json().errors[0].message).toBe('不能强制结束本人的会话（请使用“退出”）');
  });

  it('behind a trusted proxy: the login log has the client address, the cookie is Secure', async () => {
    const app = await buildServer({ db: t.db, webRoot: null, secureCookies: true, trustProxy: '10.0.0.1', now: () => clock });
    await app.ready();
    try {
      const a = await account();
      const res = await app.inject({
        method: 'POST', url: `${API}/auth/login`, payload: { username: a.username, password: TEST_PASSWORD },
        remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((c) => c.name === 'jb_sid')!.secure).toBe(true);
      const log = await t.db.selectFrom('login_log').select('ip').where('user_id', '=', a.id).executeTakeFirstOrThrow();
      expect(log.ip).toBe('203.0.113.9');
      // An untrusted sender's header is ignored.
      const b = await account();
      await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: b.username, password: TEST_PASSWORD }, remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect((await t.db.selectFrom('login_log').select('ip').where('user_id', '=', b.id).executeTakeFirstOrThrow()).ip).toBe('192.0.2.50');
    } finally {
      await app.close();
    }
  });
});
