/**
 * Two-factor sign-in (SEC-6, TOTP RFC 6238 via otpauth): always for the three admin roles, for
 * business roles as the security policy says; enrolment with a QR code and the secret as text,
 * ten recovery codes shown once; a code is accepted once per step; wrong codes count toward the
 * lockout; the secret is stored sealed; the security admin resets with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TOTP, Secret } from 'otpauth';
import { createAccount } from '../../src/app/users/create-account.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { API, cookieFrom, createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';

let clock = new Date('2024-05-06T02:00:00Z');
let t: TestApp;
let address = 0;

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
});
afterAll(async () => {
  await t?.close();
});

/** Moves the clock to the next 30-second step (codes are accepted once per step). */
const nextStep = () => (clock = new Date(clock.getTime() + 30_000));
/** What an authenticator app shows for `secret` now (computed independently of our code). */
const appCode = (secret: string, at = clock) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at.getTime() });

const login = (username: string, password = TEST_PASSWORD) =>
  t.app.inject({ method: 'POST', url: `${API}/auth/login`, payload: { username, password }, remoteAddress: `10.4.${Math.floor(++address / 250)}.${address % 250}` });
const req = (cookie: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `${API}${url}`, headers: { cookie }, ...(payload ? { payload } : method === 'POST' ? { payload: {} } : {}) });

let seq = 0;
async function account(role: string, regionCode: string) {
  const username = `tf_${role}_${++seq}`;
  const u = await createAccount(t.db, SYSTEM_ACTOR, { username, displayName: username, role, regionCode, password: TEST_PASSWORD, mustChangePassword: false });
  return { id: u.id, username };
}

/** Signs in an account that must bind, binds it, returns the secret and recovery codes. */
async function enrol(username: string) {
  const first = await login(username);
  expect(first.json().next).toBe('enrol_two_factor');
  const cookie = cookieFrom(first);
  const offer = (await req(cookie, 'POST', '/auth/two-factor/enrol')).json();
  const confirmed = await req(cookie, 'POST', '/auth/two-factor/confirm', { code: appCode(offer.secret) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { cookie, secret: offer.secret as string, recoveryCodes: confirmed.json().recoveryCodes as string[] };
}

async function loginLog(userId: number) {
  return t.db.selectFrom('login_log').select(['outcome', 'detail']).where('user_id', '=', userId).orderBy('id').execute();
}

describe(`two-factor sign-in (SEC-6) [${TEST_DB_KIND}]`, () => {
  it('an admin role must bind an authenticator before anything else: QR code, secret text, code, ten recovery codes', async () => {
    const a = await account('audit_admin', t.regions.province);
    const first = await login(a.username);
    expect(first.json()).toEqual({ mustChangePassword: false, next: 'enrol_two_factor' });
    const cookie = cookieFrom(first);
    const audit = await req(cookie, 'GET', '/audit');
    expect(audit.statusCode).toBe(403);
    expect(audit.json().errors[0].message).toBe('您的账号须启用双因素认证：请先绑定身份验证器');

    const offer = await req(cookie, 'POST', '/auth/two-factor/enrol');
    expect(offer.statusCode).toBe(200);
    const { secret, otpauthUri, qrCode } = offer.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/Jianbang:${a.username}?issuer=Jianbang&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
    expect(qrCode).toMatch(/^data:image\/png;base64,/);

    const wrong = await req(cookie, 'POST', '/auth/two-factor/confirm', { code: '000000' === appCode(secret) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('code');
    const ok = await req(cookie, 'POST', '/auth/two-factor/confirm', { code: appCode(secret) });
    expect(ok.statusCode).toBe(200);
    const { recoveryCodes } = ok.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect((await req(cookie, 'GET', '/audit')).statusCode).toBe(200);
    expect((await req(cookie, 'GET', '/auth/two-factor')).json()).toMatchObject({ enabled: true, required: true, recoveryCodesLeft: 10 });

    // Stored sealed, recovery codes hashed: the raw table holds neither.
    const raw = await sql<{ prefix: string; found: number }>`select left(totp_secret, 6) as prefix, strpos(totp_secret, ${secret}) as found from app_user where id = ${a.id}`.execute(t.db);
    expect(raw.rows[0]).toEqual({ prefix: 'jbenc:', found: 0 });
    const hashes = await t.db.selectFrom('user_recovery_code').select('code_hash').where('user_id', '=', a.id).execute();
    expect(hashes).toHaveLength(10);
    for (const h of hashes) expect(recoveryCodes.map((c: string) => c.replaceAll('-', ''))).not.toContain(h.code_hash);
  });

  it('after the password, a bound account sends a code; a code is accepted once (no replay)', async () => {
    const a = await account('security_admin', t.regions.province);
    const { secret } = await enrol(a.username);
    nextStep();
    const pending = await login(a.username);
    expect(pending.json().next).toBe('second_factor');
    const cookie = cookieFrom(pending);
    const blocked = await req(cookie, 'GET', '/login-log');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().errors[0].message).toBe('请先输入身份验证器中的6位动态口令（或恢复码）完成登录');
    expect((await req(cookie, 'POST', '/auth/password', { oldPassword: TEST_PASSWORD, newPassword: 'Other#Pass2024x' })).statusCode).toBe(403);
    const code = appCode(secret);
    const ok = await req(cookie, 'POST', '/auth/two-factor/verify', { code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ next: null, recoveryCodesLeft: null });
    expect((await req(cookie, 'GET', '/login-log')).statusCode).toBe(200);

    // The same code again, in another sign-in within the same step: refused.
    const again = cookieFrom(await login(a.username));
    const replay = await req(again, 'POST', '/auth/two-factor/verify', { code });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().errors).toEqual([{ path: 'code', message: '动态口令不正确或已使用过，请输入身份验证器中的新口令' }]);
    // Two sign-ins racing with one code: one wins.
    nextStep();
    const [c1, c2] = [cookieFrom(await login(a.username)), cookieFrom(await login(a.username))];
    const both = await Promise.all([c1, c2].map((c) => req(c, 'POST', '/auth/two-factor/verify', { code: appCode(secret) })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    // The previous step's code still works once for clock drift (±1 step), but not an older one.
    nextStep();
    const drift = cookieFrom(await login(a.username));
    expect((await req(drift, 'POST', '/auth/two-factor/verify', { code: appCode(secret, new Date(clock.getTime() - 90_000)) })).statusCode).toBe(400);
    const outcomes = (await loginLog(a.id)).map((l) => l.outcome);
    expect(outcomes.slice(0, 4)).toEqual(['success', 'two_factor_enrolled', 'password_ok', 'success']);
    expect(outcomes).toContain('bad_code');
  });

  it('a recovery code works once', async () => {
    const a = await account('system_admin', t.regions.province);
    const { recoveryCodes } = await enrol(a.username);
    const cookie = cookieFrom(await login(a.username));
    const r = await req(cookie, 'POST', '/auth/two-factor/verify', { recoveryCode: recoveryCodes[3]!.toLowerCase() });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().recoveryCodesLeft).toBe(9);
    const again = cookieFrom(await login(a.username));
    const reuse = await req(again, 'POST', '/auth/two-factor/verify', { recoveryCode: recoveryCodes[3] });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().errors).toEqual([{ path: 'recoveryCode', message: '恢复码不正确或已使用过' }]);
    expect((await loginLog(a.id)).map((l) => l.detail)).toContain('使用恢复码登录（剩余9个）');
  });

  it('wrong codes count toward the lockout: the fifth locks the account and ends the half-open session', async () => {
    const a = await account('audit_admin', t.regions.province);
    const { secret } = await enrol(a.username);
    const cookie = cookieFrom(await login(a.username));
    const bad = appCode(secret) === '123456' ? '654321' : '123456';
    // The password sign-in reset the counter; four wrong codes, then the lock.
    for (let i = 1; i <= 4; i++) expect((await req(cookie, 'POST', '/auth/two-factor/verify', { code: bad })).statusCode, `code ${i}`).toBe(400);
    const fifth = await req(cookie, 'POST', '/auth/two-factor/verify', { code: bad });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().errors[0].message).toMatch(/账号已锁定，请15分钟后再试/);
    expect((await req(cookie, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await login(a.username)).statusCode).toBe(423);
    const log = await loginLog(a.id);
    expect(log.at(-2)).toEqual({ outcome: 'locked', detail: '登录：连续5次动态口令错误或已使用，锁定15分钟' });
  });

  it('checks the shape of what is sent', async () => {
    const a = await account('security_admin', t.regions.province);
    await enrol(a.username);
    const cookie = cookieFrom(await login(a.username));
    const cases: [object, string, string][] = [
      [{}, 'code', '请输入6位动态口令或恢复码'],
      [{ code: '12345' }, 'code', '动态口令应为6位数字'],
      [{ code: '123456', recoveryCode: 'ABCD-EFGH-JKLM-NPQR' }, 'recoveryCode', '动态口令与恢复码只填一项'],
      [{ recoveryCode: 'short' }, 'recoveryCode', '恢复码应为16位字母数字（如 ABCD-EFGH-JKLM-NPQR）'],
    ];
    for (const [body, path, message] of cases) {
      const r = await req(cookie, 'POST', '/auth/two-factor/verify', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors).toEqual([{ path, message }]);
    }
    const typed = await req(cookie, 'POST', '/auth/two-factor/verify', { code: 123456 });
    expect(typed.statusCode).toBe(400);
    // None of these was a guess: nothing was counted.
    expect((await t.db.selectFrom('app_user').select('failed_logins').where('id', '=', a.id).executeTakeFirstOrThrow()).failed_logins).toBe(0);
  });

  it('business roles sign in without it by default, may bind it voluntarily and turn it off with password and code', async () => {
    const a = await account('village', t.regions.villageA);
    const first = await login(a.username);
    expect(first.json().next).toBeNull();
    const cookie = cookieFrom(first);
    expect((await req(cookie, 'GET', '/auth/two-factor')).json()).toEqual({ enabled: false, enabledAt: null, required: false, recoveryCodesLeft: 0 });
    const offer = (await req(cookie, 'POST', '/auth/two-factor/enrol')).json();
    expect((await req(cookie, 'POST', '/auth/two-factor/confirm', { code: appCode(offer.secret) })).statusCode).toBe(200);
    expect((await req(cookie, 'POST', '/auth/two-factor/enrol')).statusCode).toBe(409);
    nextStep();
    const second = await login(a.username);
    expect(second.json().next).toBe('second_factor');
    const c2 = cookieFrom(second);
    expect((await req(c2, 'POST', '/auth/two-factor/verify', { code: appCode(offer.secret) })).statusCode).toBe(200);
    nextStep();
    const wrongPassword = await req(c2, 'POST', '/auth/two-factor/disable', { password: 'Wrong#pass123', code: appCode(offer.secret) });
    expect(wrongPassword.json().errors).toEqual([{ path: 'password', message: '密码不正确' }]);
    const off = await req(c2, 'POST', '/auth/two-factor/disable', { password: TEST_PASSWORD, code: appCode(offer.secret) });
    expect(off.statusCode, off.body).toBe(200);
    expect((await login(a.username)).json().next).toBeNull();
    expect(await t.db.selectFrom('user_recovery_code').select('id').where('user_id', '=', a.id).execute()).toEqual([]);
    const actions = await t.db.selectFrom('audit_log').select('action').where('object_id', '=', String(a.id)).orderBy('seq').execute();
    expect(actions.map((r) => r.action)).toEqual(['user.create', 'user.enrol_two_factor', 'user.disable_two_factor']);
  });

  it('the security policy can require it of business roles; then it cannot be turned off', async () => {
    const a = await account('county', t.regions.county);
    const cookie = cookieFrom(await login(a.username));
    expect((await req(cookie, 'GET', '/households')).statusCode).toBe(200);
    const sec = t.as('secadmin');
    const got = (await sec.get(`${API}/security/policy`)).json();
    const put = (twoFactorRoles: string[], version: number) =>
      sec.inject({ method: 'PUT', url: `${API}/security/policy`, payload: { ...got.policy, twoFactorRoles, version, reason: '县级以上启用双因素认证' } });
    expect((await put(['county', 'city', 'province'], got.version)).statusCode).toBe(200);
    try {
      // The session in progress must bind before its next request goes through.
      const now = await req(cookie, 'GET', '/households');
      expect(now.statusCode).toBe(403);
      expect(now.json().errors[0].message).toBe('您的账号须启用双因素认证：请先绑定身份验证器');
      const offer = (await req(cookie, 'POST', '/auth/two-factor/enrol')).json();
      expect((await req(cookie, 'POST', '/auth/two-factor/confirm', { code: appCode(offer.secret) })).statusCode).toBe(200);
      expect((await req(cookie, 'GET', '/households')).statusCode).toBe(200);
      nextStep();
      const off = await req(cookie, 'POST', '/auth/two-factor/disable', { password: TEST_PASSWORD, code: appCode(offer.secret) });
      expect(off.statusCode).toBe(403);
      expect(off.json().errors[0].message).toBe('安全策略要求您的角色使用双因素认证，不能关闭');
      expect((await login(a.username)).json().next).toBe('second_factor');
    } finally {
      expect((await put([], got.version + 1)).statusCode).toBe(200);
    }
  });

  it('the security admin resets a second factor with a reason: sessions end, the account binds again', async () => {
    const a = await account('audit_admin', t.regions.province);
    const { cookie } = await enrol(a.username);
    const sec = t.as('secadmin');
    expect((await sec.post(`${API}/users/${a.id}/reset-two-factor`, {})).json().errors).toEqual([{ path: 'reason', message: '必填' }]);
    // The three admin accounts are reset by the command line, business accounts here.
    expect((await sec.post(`${API}/users/${a.id}/reset-two-factor`, { reason: '手机丢失' })).statusCode).toBe(403);
    const v = await account('village', t.regions.villageA);
    const vCookie = cookieFrom(await login(v.username));
    const offer = (await req(vCookie, 'POST', '/auth/two-factor/enrol')).json();
    await req(vCookie, 'POST', '/auth/two-factor/confirm', { code: appCode(offer.secret) });
    expect((await t.as('sysadmin').post(`${API}/users/${v.id}/reset-two-factor`, { reason: '手机丢失' })).statusCode).toBe(403);
    const res = await sec.post(`${API}/users/${v.id}/reset-two-factor`, { reason: '手机丢失，本人来电核实' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ twoFactorEnabled: false });
    expect((await req(vCookie, 'GET', '/auth/me')).statusCode).toBe(401);
    expect((await login(v.username)).json().next).toBeNull();
    const entry = await t.db.selectFrom('audit_log').select(['reason', 'actor_name']).where('action', '=', 'user.reset_two_factor').where('object_id', '=', String(v.id)).executeTakeFirstOrThrow();
    expect(entry).toEqual({ reason: '手机丢失，本人来电核实', actor_name: '安全管理员' });
    expect((await req(cookie, 'GET', '/auth/me')).statusCode).toBe(200); // the audit admin was not touched
  });

  it('renews recovery codes after a current code; the old ones stop working', async () => {
    const a = await account('system_admin', t.regions.province);
    const { cookie, secret, recoveryCodes } = await enrol(a.username);
    nextStep();
    const r = await req(cookie, 'POST', '/auth/two-factor/recovery-codes', { code: appCode(secret) });
    expect(r.statusCode, r.body).toBe(200);
    const fresh = r.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    const pending = cookieFrom(await login(a.username));
    expect((await req(pending, 'POST', '/auth/two-factor/verify', { recoveryCode: recoveryCodes[0] })).statusCode).toBe(400);
    expect((await req(pending, 'POST', '/auth/two-factor/verify', { recoveryCode: fresh[0] })).statusCode).toBe(200);
  });
});
