/**
 * End-to-end harness: the real server in-process on a free port, with an in-memory PGlite
 * bootstrapped like a first start (migrations, Jiangxi regions, first admin) plus demo data, and
 * Debian's Chromium driven by playwright-core.
 *
 *   const env = await startServer();          // env.baseUrl, env.logins, env.firstAdmin, env.api(...)
 *   const browser = await launchBrowser();
 *   ...
 *   await browser.close(); await env.close();
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../src/store/connection.ts';
import { bootstrap } from '../../src/app/bootstrap.ts';
import { loadDemo, DEMO_PASSWORD, type DemoLogin } from '../../src/app/demo/load-demo.ts';
import { buildServer } from '../../src/http/server.ts';
import { totpCode, totpStep } from '../../src/app/auth/totp.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = new URL('../../test-results/', import.meta.url).pathname;
export { DEMO_PASSWORD };

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  database: Database;
  /** Credentials printed once on first start (must change password at first login). */
  firstAdmin: { username: string; password: string };
  logins: DemoLogin[];
  login(username: string): DemoLogin;
  /** Calls the API as a user (cookie session), through the same HTTP stack the browser uses. */
  api(username: string, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

// Authenticators of the accounts signed in by this harness (the three admins must have one), and
// the last time step each used: a code is accepted once, so a second sign-in waits for the next step.
const secrets = new Map<string, string>();
const usedSteps = new Map<string, number>();
let serverClock: () => Date = () => new Date();

/** Records an authenticator bound just now (the code that confirmed it used the current step). */
export function rememberSecret(username: string, secret: string) {
  secrets.set(username.toLowerCase(), secret);
  usedSteps.set(username.toLowerCase(), totpStep(serverClock()));
}

/** A code of `username`'s authenticator that the server has not accepted yet (waits up to one step). */
export async function freshCode(username: string): Promise<string> {
  const key = username.toLowerCase();
  const secret = secrets.get(key);
  if (!secret) throw new Error(`${username} has no authenticator yet`);
  let step = totpStep(serverClock());
  const last = usedSteps.get(key) ?? -1;
  if (step <= last) {
    await new Promise((r) => setTimeout(r, (last + 1) * 30_000 - serverClock().getTime() + 200));
    step = totpStep(serverClock());
  }
  usedSteps.set(key, step);
  return totpCode(secret, serverClock());
}

/** `now`: the clock of sessions and deadlines (tests move it; sessions end after 30 idle minutes of it). */
export async function startServer(opts: { households?: number; now?: () => Date } = {}): Promise<E2eServer> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const report = await bootstrap(database);
  if (!report.firstAdmin) throw new Error('bootstrap did not create the first admin');
  const demo = await loadDemo(database.db, { seed: 1, households: opts.households ?? 200, county: '360731' });
  // webRoot left to its default: web/dist (built by the e2e global setup).
  const app = await buildServer({ db: database.db, now: opts.now });
  serverClock = opts.now ?? (() => new Date());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no port');
  const baseUrl = `http://127.0.0.1:${addr.port}`;
  const cookies = new Map<string, string>();

  async function cookieFor(username: string): Promise<string> {
    const cached = cookies.get(username);
    if (cached) return cached;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: HTTP ${res.statusCode} ${res.body}`);
    const c = res.cookies.find((x) => x.name === 'jb_sid');
    if (!c) throw new Error('no session cookie');
    const cookie = `jb_sid=${c.value}`;
    // The admin roles bind an authenticator at their first sign-in, then send a code each time.
    const post = async (url: string, payload: object = {}) => {
      const r = await app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { cookie }, payload });
      if (r.statusCode !== 200) throw new Error(`${url} ${username}: HTTP ${r.statusCode} ${r.body}`);
      return r.json();
    };
    const next = res.json().next as string | null;
    if (next === 'enrol_two_factor') {
      const { secret } = await post('/auth/two-factor/enrol');
      secrets.set(username.toLowerCase(), secret);
      await post('/auth/two-factor/confirm', { code: await freshCode(username) });
    } else if (next === 'second_factor') await post('/auth/two-factor/verify', { code: await freshCode(username) });
    cookies.set(username, cookie);
    return cookie;
  }

  return {
    baseUrl,
    app,
    database,
    firstAdmin: report.firstAdmin,
    logins: demo.logins,
    login(username) {
      const l = demo.logins.find((x) => x.username === username);
      if (!l) throw new Error(`no demo login ${username}`);
      return l;
    },
    async api(username, method, path, body) {
      const res = await app.inject({ method, url: path, headers: { cookie: await cookieFor(username) }, payload: body as any });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh browser context (own cookies) with a desktop viewport and Chinese locale. */
export async function newPage(browser: Browser, baseUrl: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // Surface browser-side errors in the test output.
  page.on('pageerror', (e) => console.error('[browser error]', e.message));
  page.on('console', (m) => {
    // Expected HTTP errors (401 before login, 403 by design) are logged by Chromium as resource errors.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error('[browser console]', m.text());
  });
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs in through the login form, taking the second-factor step as a user with an authenticator would. */
export async function loginThroughUi(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await secondFactorThroughUi(page, username);
}

/**
 * After the password: binds an authenticator on the enrolment page (reading the secret shown as
 * text) or enters a fresh code on the verification page; nothing to do for other pages.
 */
export async function secondFactorThroughUi(page: Page, username: string) {
  await page.waitForURL((u) => u.pathname !== '/login').catch(() => undefined);
  const path = new URL(page.url()).pathname;
  if (path === '/login/verify') {
    await page.locator('#verify_code').fill(await freshCode(username));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await page.waitForURL((u) => u.pathname !== '/login/verify');
  } else if (path === '/two-factor/enrol') {
    secrets.set(username.toLowerCase(), (await page.getByTestId('totp-secret').textContent())!.trim());
    await page.locator('#enrol_code').fill(await freshCode(username));
    await page.getByRole('button', { name: /确认绑定/ }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await page.getByRole('checkbox', { name: /我已将恢复码/ }).check();
    await page.getByRole('button', { name: /我已保存/ }).click();
    await page.waitForURL((u) => u.pathname !== '/two-factor/enrol');
  }
}

/**
 * Picks an option of an antd Select by its label. The dropdown animates in, so a click can land
 * before the option is ready; check the shown value and try again if needed.
 */
export async function selectOption(page: Page, inputSelector: string, label: string) {
  const select = page.locator('.ant-select', { has: page.locator(inputSelector) });
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.locator(inputSelector).click();
    // The dropdown of this select (its list's id is the input's aria-controls): another select's
    // dropdown may still be closing with the same options in it.
    const list = await page.locator(inputSelector).getAttribute('aria-controls');
    const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)', list ? { has: page.locator(`[id="${list}"]`) } : {});
    const option = open.locator('.ant-select-item-option').getByText(label, { exact: true });
    await option.waitFor({ state: 'visible' });
    await option.click();
    for (let i = 0; i < 20; i++) {
      if ((await select.textContent())?.includes(label)) return;
      await page.waitForTimeout(50);
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`could not choose ${label} in ${inputSelector}`);
}
