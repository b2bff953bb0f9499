/**
 * Authentication (SEC-4) on a real database, through the use cases and the HTTP layer:
 * argon2id, lockout (atomic under parallel attempts), no username enumeration, case-insensitive
 * usernames, one-time passwords, idle timeout, login log, first admin and the forced password change.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { login } from '../../src/app/auth/login.ts';
import { resumeSession } from '../../src/app/auth/session.ts';
import { dummyPasswordHash, verifyPassword } from '../../src/app/auth/passwords.ts';
import { totpCode } from '../../src/app/auth/totp.ts';
import { ensureFirstAdmin } from '../../src/app/users/ensure-first-admin.ts';
import { createUser } from '../../src/app/users/create-user.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { AppError } from '../../src/app/errors.ts';
import { passwordProblem, DEFAULT_PASSWORD_POLICY } from '../../src/domain/password-policy.ts';
import { adminCreate, adminList, adminResetPassword, adminResetTwoFactor, adminUnlock } from '../../src/cli/admin.ts';
import { buildServer } from '../../src/http/server.ts';
import { migrate } from '../../src/store/migrate.ts';
import { loadRegions } from '../../src/store/regions.ts';
import type { Db } from '../../src/store/transaction.ts';
import { API, cookieFrom, TEST_PASSWORD } from '../helpers/app.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';

// The real argon2 check, watched: an unknown username must cost the same verification.
vi.mock('../../src/app/auth/passwords.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/app/auth/passwords.ts')>();
  return { ...m, verifyPassword: vi.fn(m.verifyPassword) };
});

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

let address = 0;
/** Each call from its own address: the login route's rate limit (30/min per address) is not what these tests look at. */
const apiLogin = (username: string, password: string, remoteAddress = `10.7.${Math.floor(++address / 250)}.${address % 250}`) =>
  app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password }, remoteAddress });

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
      expect(row).toMatchObject({ role: 'system_admin', must_change_password: true, region_code: '360000000000', one_time_password_used_at: null });
      // A one-time password: good for one sign-in within 72 hours.
      expect(new Date(row.one_time_password_expires_at!).getTime()).toBeGreaterThan(Date.now() + 71 * 60 * MINUTE);
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

    it('must change the password, then bind a second factor, before any other route (403 until done)', async () => {
      const res = await apiLogin('admin', firstAdmin!.password);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mustChangePassword: true, next: 'change_password' });
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
      expect(r.json()).toMatchObject({ ok: true, next: 'enrol_two_factor' });

      // The system admin always signs in with a second factor: binding comes next, nothing else.
      const users = await get(`${API}/users`);
      expect(users.statusCode).toBe(403);
      expect(users.json().errors[0].message).toBe('您的账号须启用双因素认证：请先绑定身份验证器');
      expect((await get(`${API}/auth/me`)).json()).toMatchObject({ mustChangePassword: false, next: 'enrol_two_factor', twoFactorRequired: true });
      const post = (url: string, payload: object = {}) => app.inject({ method: 'POST', url: `${API}${url}`, headers: { cookie }, payload });
      const offer = (await post('/auth/two-factor/enrol')).json();
      expect((await post('/auth/two-factor/confirm', { code: totpCode(offer.secret, clock) })).statusCode).toBe(200);

      expect((await get(`${API}/users`)).statusCode).toBe(200);
      expect((await get(`${API}/auth/me`)).json()).toMatchObject({ next: null, twoFactorEnabled: true });
      // The wrong old password counted as a failed sign-in.
      expect((await loginLog('admin')).map((l) => l.outcome)).toEqual(['success', 'bad_password', 'password_changed', 'two_factor_enrolled']);
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
      expect(await loginLog('nobody-here')).toEqual([{ outcome: 'unknown_user', detail: '第1次密码错误', user_id: null }]);
    });

    it('refuses a disabled account with 403 only to the right password; a wrong one gets the generic answer', async () => {
      const u = await newUser('disabledone');
      await db.updateTable('app_user').set({ disabled: true }).where('id', '=', u.id).execute();
      const wrong = await apiLogin('disabledone', 'Wrong@pass1');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ errors: [{ path: '', message: '用户名或密码错误' }] });
      const r = await apiLogin('disabledone', TEST_PASSWORD);
      expect(r.statusCode).toBe(403);
      expect(r.json().errors[0].message).toBe('账号已停用，请联系系统管理员');
      // The login log keeps the real outcome.
      expect(await loginLog('disabledone')).toMatchObject([
        { outcome: 'disabled', detail: '账号已停用；第1次密码错误' },
        { outcome: 'disabled', detail: '账号已停用' },
      ]);
    });

    it('counts 20 parallel wrong passwords atomically: the account ends locked (423 even with the right password)', async () => {
      const u = await newUser('parallel');
      const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => apiLogin('parallel', `Wrong@pass${i}`)));
      const statuses = attempts.map((r) => r.statusCode);
      // Exactly the first four are plain failures; the fifth locks and the rest meet the lock.
      expect(statuses.filter((s) => s === 401)).toHaveLength(4);
      expect(statuses.filter((s) => s === 423)).toHaveLength(16);
      const right = await apiLogin('parallel', TEST_PASSWORD);
      expect(right.statusCode).toBe(423);
      expect(right.json().errors[0].message).toMatch(/账号已锁定，请15分钟后再试/);
      const row = await db.selectFrom('app_user').select(['locked_until']).where('id', '=', u.id).executeTakeFirstOrThrow();
      expect(new Date(row.locked_until!).getTime()).toBe(clock.getTime() + 15 * MINUTE);
      const outcomes = (await loginLog('parallel')).map((l) => l.outcome);
      expect(outcomes.filter((o) => o === 'bad_password')).toHaveLength(4);
      expect(outcomes.filter((o) => o === 'locked')).toHaveLength(17);
    });
  });

  describe('no username enumeration', () => {
    it('checks an unknown username against a dummy argon2 hash, so it takes as long as a real one', async () => {
      const spy = vi.mocked(verifyPassword);
      spy.mockClear();
      expect((await apiLogin('no-such-account', 'Some@Password1')).statusCode).toBe(401);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledWith(await dummyPasswordHash(), 'Some@Password1');
      expect((await dummyPasswordHash()).startsWith('$argon2id$')).toBe(true);
      // The same work as for an account that exists.
      await newUser('timingtwin');
      spy.mockClear();
      expect((await apiLogin('timingtwin', 'Some@Password1')).statusCode).toBe(401);
      expect(spy).toHaveBeenCalledTimes(1);
    });

    it('locks an unknown username after 5 failures with the same answers as a real account', async () => {
      await newUser('realname');
      for (let i = 1; i <= 6; i++) {
        const real = await apiLogin('realname', `Wrong@pass${i}`);
        const ghost = await apiLogin('ghostname', `Wrong@pass${i}`);
        expect(ghost.statusCode, `attempt ${i}`).toBe(real.statusCode);
        expect(ghost.json(), `attempt ${i}`).toEqual(real.json());
        expect(real.statusCode).toBe(i < 5 ? 401 : 423);
      }
      // Counted per lower-cased name, 15 minutes like an account.
      const throttle = await db.selectFrom('login_throttle').selectAll().where('username_key', '=', 'ghostname').executeTakeFirstOrThrow();
      expect(new Date(throttle.locked_until!).getTime()).toBe(clock.getTime() + 15 * MINUTE);
      expect((await apiLogin('GhostName', 'Wrong@pass9')).statusCode).toBe(423);
      expect((await loginLog('ghostname')).map((l) => l.outcome).every((o) => o === 'unknown_user')).toBe(true);
    });
  });

  describe('usernames are case-insensitive', () => {
    it('signs in whatever the case, and refuses a second account differing only in case', async () => {
      await newUser('CaseUser');
      expect((await apiLogin('caseuser', TEST_PASSWORD)).statusCode).toBe(200);
      expect((await apiLogin('CASEUSER', TEST_PASSWORD)).statusCode).toBe(200);
      const err = await appError(newUser('caseUSER'));
      expect(err.errors).toContainEqual({ path: 'username', message: '用户名已存在（不区分大小写）' });
      // The database refuses it too (unique index on lower(username)).
      const hash = (await db.selectFrom('app_user').select('password_hash').where('username', '=', 'CaseUser').executeTakeFirstOrThrow()).password_hash;
      await expect(
        db.insertInto('app_user').values({ username: 'CASEUSER', display_name: 'x', role: 'county', region_code: '360731000000', password_hash: hash }).execute(),
      ).rejects.toThrow(/app_user_username_lower_idx|duplicate key/);
    });
  });

  describe('one-time passwords', () => {
    it('open one session only: a second sign-in with the same password fails', async () => {
      const u = await createUser(db, SYSTEM_ACTOR, { username: 'onetimer', displayName: 'x', role: 'county', regionCode: '360731000000' }, { skipAuthz: true, now: clock });
      expect(u.expiresAt).not.toBeNull();
      const first = await apiLogin('onetimer', u.initialPassword);
      expect(first.statusCode).toBe(200);
      expect(first.json().next).toBe('change_password');
      const second = await apiLogin('onetimer', u.initialPassword);
      expect(second.statusCode).toBe(401);
      expect(second.json().errors[0].message).toBe('一次性密码已被使用（一次性密码只能登录一次），请联系管理员重置密码');
      // Once changed, the new password works as often as needed.
      const cookie = cookieFrom(first);
      const changed = await app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload: { oldPassword: u.initialPassword, newPassword: 'Own#Choice2024' } });
      expect(changed.statusCode).toBe(200);
      expect((await apiLogin('onetimer', 'Own#Choice2024')).statusCode).toBe(200);
      expect((await apiLogin('onetimer', 'Own#Choice2024')).statusCode).toBe(200);
      expect((await loginLog('onetimer')).map((l) => l.outcome)).toEqual(['success', 'one_time_password_spent', 'password_changed', 'success', 'success']);
    });

    it('expire after the policy validity (72 hours) unused', async () => {
      const u = await createUser(db, SYSTEM_ACTOR, { username: 'latecomer', displayName: 'x', role: 'county', regionCode: '360731000000' }, { skipAuthz: true, now: clock });
      const saved = clock;
      clock = new Date(saved.getTime() + 72 * 60 * MINUTE + 1000);
      try {
        const r = await apiLogin('latecomer', u.initialPassword);
        expect(r.statusCode).toBe(401);
        expect(r.json().errors[0].message).toMatch(/^一次性密码已过期/);
      } finally {
        clock = saved;
      }
    });

    it('are spent once even when two sign-ins race', async () => {
      const u = await createUser(db, SYSTEM_ACTOR, { username: 'racer', displayName: 'x', role: 'county', regionCode: '360731000000' }, { skipAuthz: true, now: clock });
      const both = await Promise.all([apiLogin('racer', u.initialPassword), apiLogin('racer', u.initialPassword)]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);
      const sessions = await db.selectFrom('user_session').select('id').where('user_id', '=', u.id).execute();
      expect(sessions).toHaveLength(1);
    });
  });

  describe('changing the password', () => {
    it('counts a wrong old password as a failed login: five lock the account', async () => {
      await newUser('changer');
      const cookie = cookieFrom(await apiLogin('changer', TEST_PASSWORD));
      const change = (oldPassword: string) =>
        app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload: { oldPassword, newPassword: 'Another#Pass2024' } });
      for (let i = 1; i <= 4; i++) {
        const r = await change(`Wrong@old${i}`);
        expect(r.statusCode, `attempt ${i}`).toBe(400);
        expect(r.json().errors).toEqual([{ path: 'oldPassword', message: '原密码不正确' }]);
      }
      expect((await change('Wrong@old5')).statusCode).toBe(423);
      expect((await change(TEST_PASSWORD)).statusCode).toBe(423);
      expect((await apiLogin('changer', TEST_PASSWORD)).statusCode).toBe(423);
      const log = await loginLog('changer');
      expect(log.map((l) => l.outcome)).toEqual(['success', 'bad_password', 'bad_password', 'bad_password', 'bad_password', 'locked', 'locked']);
      expect(log[1]!.detail).toBe('修改密码：第1次密码错误');
    });

    it('is rate limited per session (10 a minute) besides the lockout', async () => {
      await newUser('hammer');
      const cookie = cookieFrom(await apiLogin('hammer', TEST_PASSWORD));
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await app.inject({ method: 'POST', url: `${API}/auth/password`, headers: { cookie }, payload: { oldPassword: '', newPassword: '' } });
        statuses.push(r.statusCode);
      }
      expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
      expect(statuses[10]).toBe(429);
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

  describe('admin command line (npx jianbang admin …)', () => {
    const run = async (fn: (print: (l: string) => void) => Promise<void>) => {
      const lines: string[] = [];
      await fn((l) => lines.push(l));
      return lines;
    };
    const printedPassword = (lines: string[]) => /一次性密码（仅显示这一次）：(\S+)/.exec(lines.join('\n'))![1]!;

    it('creates the three admin roles only, with a one-time password that must be changed and a second factor bound', async () => {
      const out = await run((p) => adminCreate(db, { role: 'audit_admin', username: 'auditor2', name: '审计管理员二' }, p));
      expect(out[0]).toBe('已创建审计管理员账号。');
      const password = printedPassword(out);
      const first = await apiLogin('auditor2', password);
      expect(first.json()).toEqual({ mustChangePassword: true, next: 'change_password' });
      expect((await apiLogin('auditor2', password)).statusCode).toBe(401);
      await expect(run((p) => adminCreate(db, { role: 'county', username: 'cli_county', name: 'x' }, p))).rejects.toThrow(/--role 应为 system_admin/);
      await expect(run((p) => adminCreate(db, { role: 'security_admin', username: 'AUDITOR2', name: 'x' }, p))).rejects.toThrow(/用户名已存在/);
      const entry = await db.selectFrom('audit_log').select(['actor_name', 'reason']).where('action', '=', 'user.create').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(entry).toEqual({ actor_name: '服务器命令行', reason: '服务器命令行创建三员账号' });
    });

    it('rescues a locked-out admin: reset password (lifts the lock), reset the second factor, unlock; lists the admins', async () => {
      const out = await run((p) => adminCreate(db, { role: 'security_admin', username: 'sec_cli', name: '安全管理员二' }, p));
      const first = cookieFrom(await apiLogin('sec_cli', printedPassword(out)));
      const post = (url: string, payload: object = {}) => app.inject({ method: 'POST', url: `${API}${url}`, headers: { cookie: first }, payload });
      await post('/auth/password', { oldPassword: printedPassword(out), newPassword: 'Sec#Cli2024pw' });
      const offer = (await post('/auth/two-factor/enrol')).json();
      expect((await post('/auth/two-factor/confirm', { code: totpCode(offer.secret, clock) })).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) await apiLogin('sec_cli', 'Wrong#pass000');
      expect((await apiLogin('sec_cli', 'Sec#Cli2024pw')).statusCode).toBe(423);

      const unlocked = await run((p) => adminUnlock(db, { username: 'sec_cli' }, p, clock));
      expect(unlocked).toEqual(['已解除 sec_cli 的锁定。']);
      expect((await apiLogin('sec_cli', 'Sec#Cli2024pw')).json().next).toBe('second_factor');
      await expect(run((p) => adminUnlock(db, { username: 'sec_cli' }, p, clock))).rejects.toThrow('sec_cli 未被锁定');

      const reset = await run((p) => adminResetTwoFactor(db, { username: 'sec_cli', reason: '手机丢失' }, p));
      expect(reset[0]).toMatch(/^已重置 sec_cli 的双因素认证，结束其\d+个会话/);
      expect((await apiLogin('sec_cli', 'Sec#Cli2024pw')).json().next).toBe('enrol_two_factor');

      const again = await run((p) => adminResetPassword(db, { username: 'sec_cli' }, p));
      expect((await apiLogin('sec_cli', 'Sec#Cli2024pw')).statusCode).toBe(401);
      expect((await apiLogin('sec_cli', printedPassword(again))).json().next).toBe('change_password');
      await expect(run((p) => adminResetPassword(db, { username: 'nobody' }, p))).rejects.toThrow('用户 nobody 不存在');

      const list = await run((p) => adminList(db, p, clock));
      expect(list[0]).toBe('用户名\t角色\t名称\t区划\t状态\t双因素认证');
      expect(list.find((l) => l.startsWith('sec_cli\t'))).toBe('sec_cli\t安全管理员\t安全管理员二\t江西省\t正常、待改密码\t未绑定');
      expect(list.some((l) => l.startsWith('admin\t系统管理员'))).toBe(true);
      expect(list.every((l) => !/\t(县级|村级)/.test(l))).toBe(true);
    });
  });
});
