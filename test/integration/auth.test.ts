/**
 * Authentication (SEC-4) on a real database, through the use cases and the HTTP layer:
 * argon2id, lockout, idle timeout, login log, first admin and the forced password change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { login } from '../../src/app/auth/login.ts';
import { resumeSession } from '../../src/app/auth/session.ts';
import { verifyPassword } from '../../src/app/auth/passwords.ts';
import { ensureFirstAdmin } from '../../src/app/users/ensure-first-admin.ts';
import { createUser } from '../../src/app/users/create-user.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { AppError } from '../../src/app/errors.ts';
import { passwordProblem, DEFAULT_PASSWORD_POLICY } from '../../src/domain/password-policy.ts';
import { buildServer } from '../../src/http/server.ts';
import { migrate } from '../../src/store/migrate.ts';
import { loadRegions } from '../../src/store/regions.ts';
import type { Db } from '../../src/store/transaction.ts';
import { API, cookieFrom, TEST_PASSWORD } from '../helpers/app.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';

const MINUTE = 60_000;
let database: TestDatabase;
let db: Db;
let app: FastifyInstance;
let clock = new Date('2024-03-01T08:00:00Z');
let firstAdmin: { username: string; password: string } | null;

async function newUser(username: string, extra: object = {}) {
  return createUser(
    db, SYSTEM_ACTOR,
    { username, displayName: username, role: 'county', regionCode: '360731000000', password: TEST_PASSWORD, mustChangePassword: false, ...extra },
    { skipAuthz: true },
  );
}

const apiLogin = (username: string, password: string) => app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password } });

async function loginLog(username: string) {
  return db.selectFrom('login_log').select(['outcome', 'detail', 'user_id']).where('username', '=', username).orderBy('id').execute();
}

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  firstAdmin = await ensureFirstAdmin(db); // an empty user table: the first start
  app = await buildServer({ db, webRoot: null, now: () => clock });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe(`authentication [${TEST_DB_KIND}]`, () => {
  describe('first admin', () => {
    it('is created once, with a random password that meets the policy and must be changed', async () => {
      expect(firstAdmin).not.toBeNull();
      expect(firstAdmin!.username).toBe('admin');
      expect(passwordProblem(firstAdmin!.password, DEFAULT_PASSWORD_POLICY, 'admin')).toBeNull();
      const row = await db.selectFrom('app_user').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ role: 'system_admin', must_change_password: true, region_code: '360000000000' });
      expect(await verifyPassword(row.password_hash, firstAdmin!.password)).toBe(true);
      expect(await ensureFirstAdmin(db)).toBeNull(); // users exist: nothing created, nothing printed
    });

    it('gets a different password on another first start (no fixed default)', async () => {
      const other = await createTestDatabase({ empty: true });
      try {
        await migrate(other);
        await loadRegions(other.db, [{ code: '360000000000', name: '江西省', level: 1, parent_code: null, county_code: null }]);
        const second = await ensureFirstAdmin(other.db);
        expect(second!.password).not.toBe(firstAdmin!.password);
      } finally {
        await other.close();
      }
    });

    it('must change the password before any other route (403 until changed)', async () => {
      const res = await apiLogin('admin', firstAdmin!.password);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mustChangePassword: true });
      const cookie = cookieFrom(res);
      const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
      for (const url of [`${API}/users`, `${API}/households`, `${API}/regions/360000000000/children`]) {
        const r = await get(url);
        expect(r.statusCode, url).toBe(403);
        expect(r.json()).toEqual({ errors: [{ path: '', message: '首次登录须先修改密码' }] });
      }
      expect((await get(`${API}/auth/me`)).json()).toMatchObject({ username: 'admin', mustChangePassword: true });

      const change = (payload: object) => app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload });
      let r = await change({ oldPassword: 'wrong-password', newPassword: 'Better#Pass2024' });
      expect(r.statusCode).toBe(400);
      expect(r.json().errors).toEqual([{ path: 'oldPassword', message: '原密码不正确' }]);
      r = await change({ oldPassword: firstAdmin!.password, newPassword: 'short' });
      expect(r.statusCode).toBe(400);
      expect(r.json().errors).toEqual([{ path: 'newPassword', message: '密码长度至少10位' }]);
      r = await change({ oldPassword: firstAdmin!.password, newPassword: 'Better#Pass2024' });
      expect(r.statusCode).toBe(200);

      expect((await get(`${API}/users`)).statusCode).toBe(200);
      expect((await get(`${API}/auth/me`)).json().mustChangePassword).toBe(false);
      expect((await loginLog('admin')).map((l) => l.outcome)).toEqual(['success', 'password_changed']);
      const audit = await db.selectFrom('audit_log').select(['action']).where('action', '=', 'user.change_password').execute();
      expect(audit).toHaveLength(1);
    });
  });

  describe('password storage', () => {
    it('hashes with argon2id and never stores the password', async () => {
      const u = await newUser('hashcheck');
      const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
      expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
      expect(row.password_hash).not.toContain(TEST_PASSWORD);
      expect(await verifyPassword(row.password_hash, TEST_PASSWORD)).toBe(true);
      expect(await verifyPassword(row.password_hash, `${TEST_PASSWORD}!`)).toBe(false);
    });

    it('refuses a weak password when an account is created', async () => {
      const err = await appError(newUser('weakling', { password: 'abc' }));
      expect(err.errors).toContainEqual({ path: 'password', message: '密码长度至少10位' });
    });

    it('stores only a hash of the session token', async () => {
      await newUser('tokencheck');
      const r = await login(db, { username: 'tokencheck', password: TEST_PASSWORD }, clock);
      const sessions = await db.selectFrom('user_session').select('id').where('user_id', '=', r.userId).execute();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]!.id).not.toBe(r.token);
      expect(sessions[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('lockout after 5 failures', () => {
    it('answers 401 four times, then 423 locked for 15 minutes, all in the login log (API)', async () => {
      await newUser('locky');
      const start = clock;
      for (let i = 1; i <= 4; i++) {
        const r = await apiLogin('locky', 'Wrong@pass1');
        expect(r.statusCode, `attempt ${i}`).toBe(401);
        expect(r.json()).toEqual({ errors: [{ path: '', message: '用户名或密码错误' }] });
      }
      const fifth = await apiLogin('locky', 'Wrong@pass1');
      expect(fifth.statusCode).toBe(423);
      expect(fifth.json().errors[0].message).toMatch(/账号已锁定，请15分钟后再试/);
      const row = await db.selectFrom('app_user').select(['locked_until']).where('username', '=', 'locky').executeTakeFirstOrThrow();
      expect(new Date(row.locked_until!).getTime()).toBe(start.getTime() + 15 * MINUTE);

      // even the right password is refused while locked
      clock = new Date(start.getTime() + 14 * MINUTE);
      const during = await apiLogin('locky', TEST_PASSWORD);
      expect(during.statusCode).toBe(423);
      expect(during.json().errors[0].message).toMatch(/请1分钟后再试/);

      const log = await loginLog('locky');
      expect(log.map((l) => l.outcome)).toEqual(['bad_password', 'bad_password', 'bad_password', 'bad_password', 'locked', 'locked']);
      expect(log[4]!.detail).toBe('连续5次密码错误，锁定15分钟');
      expect(log.every((l) => typeof l.user_id === 'number')).toBe(true);

      // after 15 minutes the account opens again
      clock = new Date(start.getTime() + 15 * MINUTE + 1000);
      const after = await apiLogin('locky', TEST_PASSWORD);
      expect(after.statusCode).toBe(200);
      expect((await loginLog('locky')).at(-1)!.outcome).toBe('success');
      const reset = await db.selectFrom('app_user').select(['failed_logins', 'locked_until']).where('username', '=', 'locky').executeTakeFirstOrThrow();
      expect(reset).toEqual({ failed_logins: 0, locked_until: null });
    });

    it('counts failures per account and resets them on success (use case)', async () => {
      await newUser('resetty');
      const now = new Date('2024-03-02T08:00:00Z');
      for (let i = 0; i < 4; i++)
        expect((await appError(login(db, { username: 'resetty', password: 'nope-Nope1' }, now))).status).toBe(401);
      await login(db, { username: 'resetty', password: TEST_PASSWORD }, now);
      // four more failures do not lock: the counter started again
      for (let i = 0; i < 4; i++)
        expect((await appError(login(db, { username: 'resetty', password: 'nope-Nope1' }, now))).status).toBe(401);
      expect((await appError(login(db, { username: 'resetty', password: 'nope-Nope1' }, now))).status).toBe(423);
    });

    it('logs unknown users without revealing that they do not exist', async () => {
      const r = await apiLogin('nobody-here', 'Whatever@123');
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ errors: [{ path: '', message: '用户名或密码错误' }] });
      expect(await loginLog('nobody-here')).toEqual([{ outcome: 'unknown_user', detail: null, user_id: null }]);
    });

    it('refuses a disabled account with 403', async () => {
      const u = await newUser('disabledone');
      await db.updateTable('app_user').set({ disabled: true }).where('id', '=', u.id).execute();
      const r = await apiLogin('disabledone', TEST_PASSWORD);
      expect(r.statusCode).toBe(403);
      expect((await loginLog('disabledone')).map((l) => l.outcome)).toEqual(['disabled']);
    });
  });

  describe('idle timeout of 30 minutes', () => {
    it('slides with activity and ends a session idle for longer (use case)', async () => {
      await newUser('idler');
      const t0 = new Date('2024-03-03T08:00:00Z');
      const { token } = await login(db, { username: 'idler', password: TEST_PASSWORD }, t0);
      const at = (m: number) => new Date(t0.getTime() + m * MINUTE);
      expect(await resumeSession(db, token, at(29))).toMatchObject({ username: 'idler', role: 'county' });
      expect(await resumeSession(db, token, at(58))).not.toBeNull(); // 29 minutes after the last use
      expect(await resumeSession(db, token, at(88) /* 30 min exactly */)).not.toBeNull();
      expect(await resumeSession(db, token, new Date(at(118).getTime() + 1000))).toBeNull(); // 30 minutes and 1 second
      expect(await resumeSession(db, token, at(119))).toBeNull(); // the session is gone, not just expired
      expect((await loginLog('idler')).map((l) => l.outcome)).toEqual(['success', 'idle_timeout']);
      expect((await loginLog('idler'))[1]!.detail).toBe('超过30分钟无操作');
    });

    it('answers 401 through the API once the session idled out', async () => {
      await newUser('idleapi');
      clock = new Date('2024-03-04T08:00:00Z');
      const cookie = cookieFrom(await apiLogin('idleapi', TEST_PASSWORD));
      const me = () => app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } });
      clock = new Date(clock.getTime() + 20 * MINUTE);
      expect((await me()).statusCode).toBe(200);
      clock = new Date(clock.getTime() + 31 * MINUTE);
      const r = await me();
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ errors: [{ path: '', message: '未登录或会话已超时，请重新登录' }] });
    });

    it('answers 401 without a cookie or with an unknown one, and after logout', async () => {
      expect((await app.inject({ method: 'GET', url: `${API}/auth/me` })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie: 'jb_sid=forged' } })).statusCode).toBe(401);
      await newUser('leaver');
      const cookie = cookieFrom(await apiLogin('leaver', TEST_PASSWORD));
      expect((await app.inject({ method: 'POST', url: `${API}/auth/logout`, headers: { cookie } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } })).statusCode).toBe(401);
      expect((await loginLog('leaver')).map((l) => l.outcome)).toEqual(['success', 'logout']);
    });

    it('ends the sessions of an account disabled meanwhile, logged as disabled', async () => {
      const u = await newUser('laterdisabled');
      const cookie = cookieFrom(await apiLogin('laterdisabled', TEST_PASSWORD));
      await db.updateTable('app_user').set({ disabled: true }).where('id', '=', u.id).execute();
      expect((await app.inject({ method: 'GET', url: `${API}/auth/me`, headers: { cookie } })).statusCode).toBe(401);
      expect((await loginLog('laterdisabled')).map((l) => l.outcome)).toEqual(['success', 'disabled']);
    });

    it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
      const res = await apiLogin('leaver', TEST_PASSWORD);
      const c = res.cookies.find((x) => x.name === 'jb_sid')!;
      expect(c.httpOnly).toBe(true);
      expect(c.sameSite).toBe('Strict');
      expect(c.path).toBe('/');
    });
  });
});
