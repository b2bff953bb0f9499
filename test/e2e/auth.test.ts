/**
 * SEC-4 through the browser: a wrong password shows the server's message, repeated failures
 * lock the account (HTTP 423 message), and the first admin must change the one-time password
 * before anything else works; then the admin creates an account and gets its initial password once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer,
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

  test('first admin must change the one-time password, then manages users', async () => {
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

    // System admin lands on 用户管理.
    await page.waitForURL('**/users');
    await page.locator('.ant-table-tbody tr', { hasText: 'village2' }).waitFor();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['用户管理']);

    // Create an account; its initial password is shown once.
    await page.getByRole('button', { name: /新建用户/ }).click();
    await page.locator('#newUser_username').fill('sec2');
    await page.locator('#newUser_displayName').fill('第二安全管理员');
    await selectOption(page, '#newUser_role', '安全管理员');
    await page.locator('#newUser_regionCode').click();
    await page.locator('.ant-cascader-menu-item', { hasText: '江西省' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-form-item', { has: page.locator('#newUser_regionCode') }).textContent()).toContain('江西省');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    const initialPassword = (await page.getByTestId('initial-password').textContent())!.trim();
    expect(initialPassword.length).toBeGreaterThanOrEqual(10);
    await screenshot(page, 'user-created');
    await page.getByRole('button', { name: /我已记下/ }).click();
    await page.locator('.ant-table-tbody tr', { hasText: 'sec2' }).waitFor();

    // 退出, then the new account logs in with the initial password and must change it too.
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.waitForURL('**/login');
    expect(await submitLogin(page, 'sec2', initialPassword)).toBe(200);
    await page.waitForURL('**/change-password');

    // The admin's new password works; the old one-time password no longer does.
    await page.context().clearCookies();
    await page.goto('/login');
    expect(await submitLogin(page, username, password)).toBe(401);
    expect(await submitLogin(page, username, newPassword)).toBe(200);
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

  test('audit admin reads the audit and login logs; security admin sees only the login log', async () => {
    const page = await newPage(browser, env.baseUrl);
    await page.goto('/login');
    expect(await submitLogin(page, 'hotline', 'Wrong#Password0')).toBe(401);
    await loginThroughUi(page, 'auditor', DEMO_PASSWORD);
    await page.waitForURL('**/audit');
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['审计日志', '登录日志']);
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
    await page.waitForURL('**/login-log');
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['登录日志']);
    // The audit log is not theirs: the server refuses and the page says so.
    await page.goto('/audit');
    await page.getByText('您的角色无权执行此操作').waitFor();
    await page.context().close();
  });
});
