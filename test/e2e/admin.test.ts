/**
 * The security admin's pages in the browser (SEC-5, SEC-6, SEC-8): unlock a locked account with a
 * reason, force a signed-in user out (that browser is sent to the login page on its next request),
 * change the security policy; and a business user binds an authenticator from 账号安全.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, startServer, type E2eServer } from './server.ts';

let env: E2eServer;
let browser: Browser;

beforeAll(async () => {
  env = await startServer({ households: 40 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const apiLogin = (username: string, password: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: `10.2.0.${Math.floor(Math.random() * 250)}` });

/** Fills the reason of the open action modal and confirms with the button `ok`. */
async function confirmWithReason(page: Page, reason: string, ok: RegExp) {
  const modal = page.locator('.ant-modal:visible');
  await modal.locator('#action_reason').fill(reason);
  await modal.getByRole('button', { name: ok }).click();
  await modal.waitFor({ state: 'hidden' });
}

describe('security admin in the browser', () => {
  test('unlocks a locked account with a reason', async () => {
    for (let i = 0; i < 5; i++) await apiLogin('township', `Wrong#Password${i}`);
    expect((await apiLogin('township', DEMO_PASSWORD)).statusCode).toBe(423);

    const page = await newPage(browser, env.baseUrl);
    await loginThroughUi(page, 'secadmin', DEMO_PASSWORD);
    await page.waitForURL('**/sessions');
    await page.getByRole('menuitem', { name: /用户管理/ }).click();
    await page.waitForURL('**/users');
    const row = page.locator('.ant-table-tbody tr', { hasText: 'township' });
    await expect.poll(() => row.textContent()).toContain('锁定中');
    // The security admin unlocks; creating and disabling are the system admin's.
    expect(await page.getByRole('button', { name: /新建用户/ }).count()).toBe(0);
    expect(await row.getByRole('button').allTextContents()).toEqual(['解除锁定']);
    await row.getByRole('button', { name: '解除锁定' }).click();
    // No reason, no action.
    await page.locator('.ant-modal:visible').getByRole('button', { name: /解除锁定/ }).click();
    await page.getByText('请填写原因（记入审计日志）').waitFor();
    await confirmWithReason(page, '本人电话核实，忘记密码后多次尝试', /解除锁定/);
    await expect.poll(() => row.textContent()).not.toContain('锁定中');
    await screenshot(page, 'users-unlocked');
    expect((await apiLogin('township', DEMO_PASSWORD)).statusCode).toBe(200);
    const entry = await env.database.db.selectFrom('audit_log').select(['action', 'reason']).where('action', '=', 'user.unlock').executeTakeFirstOrThrow();
    expect(entry.reason).toBe('本人电话核实，忘记密码后多次尝试');
    await page.context().close();
  });

  test('forces a signed-in user out: their next request goes to the login page', async () => {
    const county = await newPage(browser, env.baseUrl);
    await loginThroughUi(county, 'county2', DEMO_PASSWORD);
    await county.waitForURL((u) => u.pathname === '/');

    const page = await newPage(browser, env.baseUrl);
    await loginThroughUi(page, 'secadmin', DEMO_PASSWORD);
    await page.waitForURL('**/sessions');
    const row = page.locator('.ant-table-tbody tr', { hasText: 'county2' });
    await row.waitFor();
    expect(await row.textContent()).toContain('在线');
    expect(await row.textContent()).toContain('于都县');
    // The admin's own session is marked and cannot be ended here (an earlier one of theirs can).
    const own = page.locator('.ant-table-tbody tr', { hasText: '本人当前会话' });
    expect(await own.textContent()).toContain('secadmin');
    expect(await own.getByRole('button').count()).toBe(0);
    await screenshot(page, 'online-users');
    await row.getByRole('button', { name: '强制下线' }).click();
    await confirmWithReason(page, '离岗未退出，按规定下线', /强制下线/);
    await row.waitFor({ state: 'detached' });

    // The other browser's next request is refused and it lands on the login page.
    await county.getByRole('menuitem', { name: /农户管理/ }).click();
    await county.waitForURL('**/login');
    await county.getByText('未登录或会话已超时，请重新登录').waitFor();
    const log = await env.database.db.selectFrom('login_log').select(['outcome', 'detail']).where('username', '=', 'county2').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(log).toEqual({ outcome: 'forced_logout', detail: '安全管理员强制下线：离岗未退出，按规定下线' });
    await county.context().close();
    await page.context().close();
  });

  test('changes the security policy with a reason', async () => {
    const page = await newPage(browser, env.baseUrl);
    await loginThroughUi(page, 'secadmin', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: /安全策略/ }).click();
    await page.waitForURL('**/security-policy');
    await page.getByText('第 1 版').waitFor();
    await page.locator('#policy_lockMinutes').fill('30');
    await page.getByRole('checkbox', { name: '县级' }).check();
    await page.getByRole('button', { name: /保存安全策略/ }).click();
    await page.getByText('请填写修改原因（记入审计日志）').waitFor();
    await page.locator('#policy_reason').fill('等保测评整改：县级启用双因素认证');
    await page.getByRole('button', { name: /保存安全策略/ }).click();
    await page.getByText('第 2 版').waitFor();
    await screenshot(page, 'security-policy');
    const row = await env.database.db.selectFrom('security_setting').select(['value', 'version']).where('key', '=', 'password_policy').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ version: 2, value: { lockMinutes: 30, twoFactorRoles: ['county'] } });
    // A county user must now bind an authenticator at sign-in.
    expect((await apiLogin('county', DEMO_PASSWORD)).json().next).toBe('enrol_two_factor');
    await page.context().close();
  });
});

describe('账号安全 for a business user', () => {
  test('binds an authenticator voluntarily, then signs in with a code', async () => {
    const page = await newPage(browser, env.baseUrl);
    await loginThroughUi(page, 'village', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('button', { name: /账号安全/ }).click();
    await page.waitForURL('**/account');
    await page.getByTestId('two-factor-card').getByText('未启用').waitFor();
    await page.getByRole('button', { name: /绑定身份验证器/ }).click();
    await page.waitForURL('**/two-factor/enrol');
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.locator('#enrol_code').fill(totp.generate());
    await page.getByRole('button', { name: /确认绑定/ }).click();
    await page.getByRole('checkbox', { name: /我已将恢复码/ }).check();
    await page.getByRole('button', { name: /我已保存/ }).click();
    await page.waitForURL('**/account');
    await page.getByTestId('two-factor-card').getByText('已启用').waitFor();
    expect(await page.getByTestId('two-factor-card').textContent()).toContain('剩余恢复码 10 个');

    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL('**/login');
    await page.locator('#login_username').fill('village');
    await page.locator('#login_password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL('**/login/verify');
    // A wrong code is refused in the page and counted.
    await page.locator('#verify_code').fill(totp.generate() === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await expect.poll(() => page.getByTestId('verify-error').textContent()).toContain('动态口令不正确');
    // The code that bound the app is spent: wait for the next one.
    const step = Math.floor(Date.now() / 30_000);
    await page.waitForTimeout(Math.max(0, (step + 1) * 30_000 - Date.now() + 300));
    await page.locator('#verify_code').fill(totp.generate());
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.context().close();
  });
});
