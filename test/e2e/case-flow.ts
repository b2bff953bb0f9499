/**
 * What the case e2e tests share: the household they pick, the step modals of the case page, a
 * second login after the server's clock has moved, and a browser clock that moves with it.
 *
 *   const h = await pickHousehold(env, village.regionCode);
 *   await openStep(page, '入户核实'); …; await submit(page); await waitForState(page, '已入户核实');
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { chinaDate } from '../../src/domain/clock.ts';
import { DEMO_PASSWORD, type E2eServer } from './server.ts';

/** The server's clock for a test: real time, moved forward by whole days (`advance`). */
export function movableClock() {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  return {
    now,
    /** The server's date (China time). */
    today: () => chinaDate(now()),
    advance(days: number) {
      offset += days * 86_400_000;
    },
  };
}

/**
 * A household of the village that is not monitored, has no case yet and is within the monitoring
 * range (Q10). `notFallback`: not marked whole-household no-labour fallback (Q34 would bar elimination).
 */
export async function pickHousehold(env: E2eServer, villageCode: string, opts: { notFallback?: boolean } = {}) {
  let q = env.database.db
    .selectFrom('household as h')
    .innerJoin('member as m', (j) => j.onRef('m.household_id', '=', 'h.id').on('m.relation', '=', 'head'))
    .select(['h.id', 'h.formerly_poor', 'm.name'])
    .where('h.region_code', '=', villageCode)
    .where('h.monitoring_status', '=', 'none')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('workflow_case as c').select('c.id').whereRef('c.household_id', '=', 'h.id'))));
  if (opts.notFallback) q = q.where('h.fallback_since', 'is', null);
  const rows = await q.orderBy('h.id').execute();
  for (const r of rows) {
    const a = await env.api('village', 'GET', `/api/v1/households/${r.id}/assessment`);
    if (a.status === 200 && a.body.withinRange) return r;
  }
  throw new Error(`no unmonitored household within the monitoring range in ${villageCode}`);
}

/** The open modal (antd keeps closed ones in the page, hidden). */
export const modal = (page: Page) => page.locator('.ant-modal:visible');
export const caseState = (page: Page) => page.getByTestId('case-state').first();

/** Waits until the open modal has zoomed in: a click while it grows can land beside its target. */
export async function modalSettled(page: Page) {
  await page.locator('.ant-modal:visible:not(.ant-zoom-appear)').waitFor();
}

/** Opens the form of a step from the case page's 办理 buttons. */
export async function openStep(page: Page, label: string) {
  await page.getByTestId('step-buttons').getByRole('button', { name: label, exact: true }).click();
  await modalSettled(page);
}

/** Submits the open modal and waits for it to close (when it stays open, says what it shows). */
export async function submit(page: Page, button: RegExp = /^提\s*交$/) {
  await modalSettled(page);
  // Not while a previous submit is still loading (a loading button ignores the click and its
  // accessible name gains the spinner's label).
  await modal(page).locator('button:not(.ant-btn-loading)', { hasText: button }).click();
  try {
    await modal(page).waitFor({ state: 'detached' });
  } catch (e) {
    const shown = await modal(page).textContent().catch(() => null);
    throw new Error(`${(e as Error).message}\nThe modal stayed open showing: ${shown}`);
  }
}

export async function waitForState(page: Page, name: string) {
  await expect.poll(() => caseState(page).textContent()).toBe(name);
}

/**
 * After the server's clock moved the session has ended (30 idle minutes): reloading lands on the
 * login page; logging in again returns to the page the user was on.
 */
export async function loginAgain(page: Page, username: string) {
  const back = new URL(page.url()).pathname;
  await page.reload();
  await page.waitForURL('**/login');
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(`**${back}`);
}

const clocked = new WeakSet<object>();

/**
 * Sets the browser's clock to the server's and lets it run from there, so that the date pickers'
 * "today" is the server's. Call before the first navigation of the page's context, and again
 * after moving the server's clock.
 */
export async function followServerClock(page: Page, now: () => Date) {
  const context = page.context();
  if (clocked.has(context)) return context.clock.setSystemTime(now());
  clocked.add(context);
  await context.clock.install({ time: now() });
}

/** Types a date (or `YYYY-MM` month) into an antd DatePicker and confirms it. */
export async function typeDate(page: Page, selector: string, value: string) {
  const input = page.locator(selector);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(value);
}
