/**
 * What every request meets before a route (src/http/guards.ts) and the deployment settings of
 * the HTTP layer (issue 9 finding 7): no caching of personal data, JSON bodies only, no
 * cross-site writes, the client address behind a trusted proxy, Secure cookies behind HTTPS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { API, countRows, createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';
import { buildServer, type ServerOptions } from '../../src/http/server.ts';
import { httpOptionsFromEnv } from '../../src/cli/serve.ts';

let t: TestApp;
let householdId: number;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('county').post(`${API}/households`, householdBody(t.regions.villageA));
  expect(res.statusCode, res.body).toBe(201);
  householdId = res.json().id;
});
afterAll(() => t?.close());

const written = async () => ({ households: await countRows(t.db, 'household'), members: await countRows(t.db, 'member'), audit: await countRows(t.db, 'audit_log') });

describe(`HTTP guards (${TEST_DB_KIND})`, () => {
  it('answers every API response with Cache-Control: no-store (detail, lists, exports, errors)', async () => {
    for (const url of [`/households/${householdId}`, `/households/${householdId}?reveal=true`, '/households', '/households/export.xlsx', '/cases', '/audit']) {
      const res = await t.as(url === '/audit' ? 'auditadmin' : 'county').get(`${API}${url}`);
      expect(res.statusCode, `${url} ${res.body.slice(0, 100)}`).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const refused = await t.anonymous.get(`${API}/households/${householdId}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('takes bodies only as application/json: text/plain and forms are 415 and write nothing', async () => {
    const before = await written();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.as('county').inject({
        method: 'POST', url: `${API}/households`, headers: { 'content-type': contentType }, payload: JSON.stringify(householdBody(t.regions.villageA)),
      });
      expect(res.statusCode, contentType).toBe(415);
      expect(res.json()).toEqual({ errors: [{ path: '', message: '不支持的请求体格式：只接受 application/json' }] });
    }
    const patch = await t.as('county').inject({
      method: 'PATCH', url: `${API}/households/${householdId}`, headers: { 'content-type': 'text/plain' }, payload: '{"version":1,"address":"跨站"}',
    });
    expect(patch.statusCode).toBe(415);
    expect(await written()).toEqual(before);
  });

  it('refuses a state-changing request from a foreign origin or a cross-site browser context (403), writing nothing', async () => {
    const before = await written();
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'http://localhost.evil.example' }]) {
      const res = await t.as('county').inject({ method: 'POST', url: `${API}/households`, headers, payload: householdBody(t.regions.villageA) });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().errors[0].message).toMatch(/拒绝跨站请求/);
    }
    expect(await written()).toEqual(before);
    // Reading is not a change: a GET from elsewhere is answered (the cookie is SameSite=Strict anyway).
    const read = await t.as('county').inject({ method: 'GET', url: `${API}/households/${householdId}`, headers: { origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200);
  });

  it('accepts the same origin, however the port is written, and requests that are not from a browser', async () => {
    // inject sends Host: localhost:80; a browser writes its Origin without the default port.
    for (const headers of [{ origin: 'http://localhost' }, { origin: 'http://localhost:80' }, { 'sec-fetch-site': 'same-origin' }, {}]) {
      const res = await t.as('county').inject({ method: 'POST', url: `${API}/households`, headers, payload: householdBody(t.regions.villageA) });
      expect(res.statusCode, `${JSON.stringify(headers)} ${res.body}`).toBe(201);
    }
    const custom = await t.as('county').inject({
      method: 'POST', url: `${API}/households`, headers: { host: 'jianbang.example:8443', origin: 'http://jianbang.example:8443' }, payload: householdBody(t.regions.villageA),
    });
    expect(custom.statusCode, custom.body).toBe(201);
  });
});

describe(`deployment settings of the HTTP layer (${TEST_DB_KIND})`, () => {
  async function server(opts: Partial<ServerOptions>): Promise<FastifyInstance> {
    const app = await buildServer({ db: t.db, webRoot: null, ...opts });
    await app.ready();
    return app;
  }
  const failedLoginIp = async (app: FastifyInstance, username: string, headers: Record<string, string>) => {
    const res = await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password: 'wrong-password' }, headers });
    expect(res.statusCode).toBe(401);
    const row = await t.db.selectFrom('login_log').select('ip').where('username', '=', username).executeTakeFirstOrThrow();
    return row.ip;
  };

  it('behind a trusted proxy sees the client address from X-Forwarded-For (login log); without trustProxy it does not', async () => {
    const trusting = await server({ trustProxy: '127.0.0.1' });
    expect(await failedLoginIp(trusting, 'proxy-probe-1', { 'x-forwarded-for': '203.0.113.7' })).toBe('203.0.113.7');
    await trusting.close();
    const direct = await server({});
    expect(await failedLoginIp(direct, 'proxy-probe-2', { 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
    await direct.close();
    // A proxy that is not the trusted one cannot make up an address.
    const other = await server({ trustProxy: '10.0.0.1' });
    expect(await failedLoginIp(other, 'proxy-probe-3', { 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
    await other.close();
  });

  it('marks the session cookie Secure when told the site is served over HTTPS', async () => {
    for (const secureCookies of [true, false]) {
      const app = await server({ secureCookies });
      const res = await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'county', password: TEST_PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'jb_sid')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(!!cookie.secure, `secureCookies ${secureCookies}`).toBe(secureCookies);
      await app.close();
    }
  });

  it('accepts another origin only when it is configured', async () => {
    const app = await server({ allowedOrigins: ['https://portal.example'] });
    const cookie = (await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username: 'county', password: TEST_PASSWORD } })).cookies.find((c) => c.name === 'jb_sid')!;
    const post = (origin: string) =>
      app.inject({ method: 'POST', url: `${API}/households`, headers: { origin, cookie: `jb_sid=${cookie.value}` }, payload: householdBody(t.regions.villageA) });
    expect((await post('https://portal.example')).statusCode).toBe(201);
    expect((await post('https://other.example')).statusCode).toBe(403);
    await app.close();
  });
});

describe('httpOptionsFromEnv (JIANBANG_SECURE_COOKIES, JIANBANG_TRUST_PROXY, JIANBANG_ALLOWED_ORIGINS)', () => {
  it('is off by default: no Secure cookies, no proxy trusted, only the own origin', () => {
    expect(httpOptionsFromEnv({})).toEqual({ secureCookies: false, trustProxy: false, allowedOrigins: [] });
    expect(httpOptionsFromEnv({ JIANBANG_SECURE_COOKIES: '0', JIANBANG_TRUST_PROXY: 'false' })).toEqual({ secureCookies: false, trustProxy: false, allowedOrigins: [] });
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('reads Secure cookies from 1 or true', () => {
    expect(httpOptionsFromEnv({ JIANBANG_SECURE_COOKIES: '1' }).secureCookies).toBe(true);
    expect(httpOptionsFromEnv({ JIANBANG_SECURE_COOKIES: 'true' }).secureCookies).toBe(true);
  });

  it('reads the trusted proxy as a hop count, a list of addresses or CIDRs, or loopback', () => {
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
  });

  it('refuses a proxy setting that is not an address, a network or a named range, saying so in Chinese', () => {
    expect(() => httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: 'true' })).toThrow('JIANBANG_TRUST_PROXY 无效：true');
    expect(() => httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '127.0.0.1,proxy.local' })).toThrow('JIANBANG_TRUST_PROXY 无效：proxy.local');
    expect(httpOptionsFromEnv({ JIANBANG_TRUST_PROXY: '::1,fd00::/8' }).trustProxy).toEqual(['::1', 'fd00::/8']);
  });

  it('reads the allowed origins as a comma-separated list', () => {
    expect(httpOptionsFromEnv({ JIANBANG_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443' }).allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
  });

  it('gives settings a real server starts with (a hop count and loopback both resolve the client)', async () => {
    for (const env of [{ JIANBANG_TRUST_PROXY: '1' }, { JIANBANG_TRUST_PROXY: 'loopback' }]) {
      const app = await buildServer({ db: t.db, webRoot: null, ...httpOptionsFromEnv(env) });
      await app.ready();
      const username = `env-probe-${env.JIANBANG_TRUST_PROXY}`;
      await app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password: 'x' }, headers: { 'x-forwarded-for': '198.51.100.9' } });
      const row = await t.db.selectFrom('login_log').select('ip').where('username', '=', username).executeTakeFirstOrThrow();
      expect(row.ip, JSON.stringify(env)).toBe('198.51.100.9');
      await app.close();
    }
  });
});
