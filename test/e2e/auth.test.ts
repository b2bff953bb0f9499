/**
 * SEC-4…SEC-6 through the browser: a wrong password shows the server's message, repeated failures
 * lock the account (HTTP 423 message); the first admin signs in with the printed one-time password,
 * must change it, must bind an authenticator (the test reads the secret shown as text and computes
 * the code with otpauth), then sees the users page with region names, creates a village account and
 * gets its one-time password once; that user signs in with it and must change it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import {
  DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, rememberSecret, screenshot, selectOption, startServer, type E2eServer,
} from './server.ts';

let env: E2eServer;
let browser: Browser;

beforeAll(async () => {
  env = await startServer({ households: 60 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function submitLogin(page: Page, username: string, password: string) {
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.getByRole('button', { name: /登\s*录/ }).click();
  return (await response).status();
}

describe('login and passwords in the browser', () => {
  test('wrong password shows the server message; five failures lock the account (423)', async () => {
    const page = await newPage(browser, env.baseUrl);
    await page.goto('/login');
    expect(await submitLogin(page, 'city', 'Wrong#Password1')).toBe(401);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    for (let i = 2; i <= 4; i++) expect(await submitLogin(page, 'city', `Wrong#Password${i}`)).toBe(401);
    expect(await submitLogin(page, 'city', 'Wrong#Password5')).toBe(423);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('账号已锁定');
    // Locked means locked: the right password is refused too, with the same message.
    expect(await submitLogin(page, 'city', DEMO_PASSWORD)).toBe(423);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/账号已锁定，请\d+分钟后再试/);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });

  test('first admin: one-time password → forced change → binds an authenticator → creates a village account, whose user must change its password', async () => {
    const page = await newPage(browser, env.baseUrl);
    const { username, password } = env.firstAdmin;

    await page.goto('/login');
    expect(await submitLogin(page, username, 'Not-the-password1')).toBe(401);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');

    expect(await submitLogin(page, username, password)).toBe(200);
    await page.waitForURL('**/change-password');
    await page.getByText('首次登录须先修改密码').first().waitFor();

    // The server refuses everything else until the password is changed, and so does the UI.
    const refused = await page.evaluate(async () => {
      const r = await fetch('/api/v1/users');
      return { status: r.status, body: await r.json() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toContain('首次登录须先修改密码');
    await page.goto('/users');
    await page.waitForURL('**/change-password');

    // Server-side policy error lands under the field; a mismatch is caught in the form.
    await page.locator('#password_oldPassword').fill(password);
    await page.locator('#password_newPassword').fill('short1A!');
    await page.locator('#password_confirm').fill('short1A!');
    await page.getByRole('button', { name: /确认修改/ }).click();
    const newPasswordItem = page.locator('.ant-form-item', { has: page.locator('#password_newPassword') });
    await expect.poll(() => newPasswordItem.locator('.ant-form-item-explain-error').textContent()).toContain('密码长度至少10位');

    const newPassword = 'Gov#Jianbang2024';
    await page.locator('#password_newPassword').fill(newPassword);
    await page.locator('#password_confirm').fill('Gov#Jianbang2025');
    await page.getByRole('button', { name: /确认修改/ }).click();
    await page.getByText('两次输入的新密码不一致').waitFor();
    await page.locator('#password_confirm').fill(newPassword);
    await page.getByRole('button', { name: /确认修改/ }).click();

    // Next: the system admin must bind an authenticator before anything else.
    await page.waitForURL('**/two-factor/enrol');
    await page.getByText('您的账号须启用双因素认证').waitFor();
    await page.goto('/users');
    await page.waitForURL('**/two-factor/enrol');
    await page.getByTestId('totp-qr').waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
    await page.locator('#enrol_code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: /确认绑定/ }).click();
    await expect.poll(() => page.getByTestId('enrol-error').textContent()).toContain('动态口令不正确');
    await page.locator('#enrol_code').fill(new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await page.getByRole('button', { name: /确认绑定/ }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'recovery-codes');
    // "我已保存" only once the box is ticked.
    const saved = page.getByRole('button', { name: /我已保存/ });
    expect(await saved.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: /我已将恢复码/ }).check();
    await saved.click();
    rememberSecret(username, secret);

    // System admin lands on 用户管理, which shows region names, not codes.
    await page.waitForURL('**/users');
    const villageRow = page.locator('.ant-table-tbody tr', { hasText: 'village2' });
    await villageRow.waitFor();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['用户管理']);
    const village2 = env.login('village2');
    expect(await villageRow.textContent()).toContain(village2.regionName);
    expect(await villageRow.textContent()).not.toContain(village2.regionCode);
    expect(await page.locator('.ant-table-tbody tr', { hasText: 'secadmin' }).textContent()).toContain('命令行管理');
    await screenshot(page, 'users-page');

    // Create a village account; its one-time password is shown once.
    await page.getByRole('button', { name: /新建用户/ }).click();
    await page.locator('#action_username').fill('cadre9');
    await page.locator('#action_displayName').fill('新任村干部');
    await selectOption(page, '#action_role', '村级（村干部/驻村工作队）');
    // The three admin roles are not offered.
    await page.locator('#action_role').click();
    expect(await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '审计管理员' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    const village = env.login('village');
    await page.locator('#action_regionCode').click();
    for (const name of await regionNames(village.regionCode)) await page.locator('.ant-cascader-menu-item', { hasText: name }).first().click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-form-item', { has: page.locator('#action_regionCode') }).textContent()).toContain(village.regionName);
    await page.locator('#action_reason').fill('新任村干部上岗');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    const initialPassword = (await page.getByTestId('initial-password').textContent())!.trim();
    expect(initialPassword.length).toBeGreaterThanOrEqual(10);
    await page.getByText('一次性密码只显示这一次').waitFor();
    await screenshot(page, 'user-created');
    await page.getByRole('button', { name: /我已记下/ }).click();
    const row = page.locator('.ant-table-tbody tr', { hasText: 'cadre9' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('一次性密码未使用');

    // 退出, then the new account signs in with the one-time password and must change it.
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL('**/login');
    expect(await submitLogin(page, 'cadre9', initialPassword)).toBe(200);
    await page.waitForURL('**/change-password');
    await page.locator('#password_oldPassword').fill(initialPassword);
    await page.locator('#password_newPassword').fill('Cadre#Nine2024');
    await page.locator('#password_confirm').fill('Cadre#Nine2024');
    await page.getByRole('button', { name: /确认修改/ }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('menuitem', { name: /工作台/ }).waitFor();

    // The one-time passwords are spent; the admin's own password and a code work.
    await page.context().clearCookies();
    await page.goto('/login');
    expect(await submitLogin(page, 'cadre9', initialPassword)).toBe(401);
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    expect(await submitLogin(page, username, password)).toBe(401);
    await loginThroughUi(page, username, newPassword);
    await page.waitForURL('**/users');
    await page.context().close();
  });

  test('an expired or missing session sends the user to the login page', async () => {
    const page = await newPage(browser, env.baseUrl);
    await page.goto('/households');
    await page.waitForURL('**/login');
    await loginThroughUi(page, 'county', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/households');
    await page.locator('.ant-table-tbody tr.ant-table-row').nth(19).waitFor();
    await screenshot(page, 'households-list-county');
    // The session ends on the server (e.g. idle timeout); the next request gets a 401.
    await env.database.db.deleteFrom('user_session').execute();
    await page.locator('#filters_q').fill('张');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL('**/login');
    await page.getByText('未登录或会话已超时，请重新登录').waitFor();
    await page.context().close();
  });

  test('audit admin reads the audit and login logs (after binding an authenticator); security admin has the security pages', async () => {
    const page = await newPage(browser, env.baseUrl);
    await page.goto('/login');
    expect(await submitLogin(page, 'hotline', 'Wrong#Password0')).toBe(401);
    await loginThroughUi(page, 'auditor', DEMO_PASSWORD);
    await page.waitForURL('**/audit');
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['审计日志', '登录日志', '用户（只读）']);
    await page.locator('.ant-table-tbody tr.ant-table-row', { hasText: '载入演示数据' }).first().waitFor();
    await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' });
    await screenshot(page, 'audit-log');
    await page.getByRole('menuitem', { name: /登录日志/ }).click();
    await page.waitForURL('**/login-log');
    // The failed attempt above is in the login log.
    await page.locator('.ant-table-tbody tr.ant-table-row', { hasText: 'hotline' }).filter({ hasText: '密码错误' }).first().waitFor();
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL('**/login');

    await loginThroughUi(page, 'secadmin', DEMO_PASSWORD);
    await page.waitForURL('**/sessions');
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['在线用户', '用户管理', '安全策略', '接口令牌', '登录日志']);
    // The audit log is not theirs: the server refuses and the page says so.
    await page.goto('/audit');
    await page.getByText('您的角色无权执行此操作').waitFor();
    await page.context().close();
  });
});

/** The names from the province down to a region (the cascader's clicks). */
async function regionNames(code: string): Promise<string[]> {
  const codes = [2, 4, 6, 9, 12].map((n) => code.slice(0, n).padEnd(12, '0')).filter((c, i, a) => a.indexOf(c) === i);
  const rows = await env.database.db.selectFrom('region').select(['code', 'name']).where('code', 'in', codes).execute();
  return codes.map((c) => rows.find((r) => r.code === c)!.name);
}
