/**
 * WRN-5 in the browser, on a phone (Chromium at 390×844, touch): a household opens the public
 * page /report without an account, reports (the village chosen level by level, the proof of work
 * solved in the browser), keeps the reference code, signs the authorization commitment for two
 * members and checks its status with the code and the head's ID number. Then the village cadre
 * finds the report on the 农户申报 worklist with both signatures.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { regionPath } from '../../src/store/regions.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, startServer, type E2eServer } from './server.ts';

// Read when the server starts: enough work to be real, little enough for a busy test machine.
process.env.JIANBANG_POW_BITS = '12';

let env: E2eServer;
let browser: Browser;

beforeAll(async () => {
  env = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({
    baseURL: env.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[browser error]', e.message));
  return page;
}

/** A level of the village picker: typed into its search (long lists are virtual), then tapped. */
async function pickRegion(page: Page, selector: string, name: string) {
  const input = page.locator(selector);
  await input.click();
  await input.fill(name);
  const list = await input.getAttribute('aria-controls');
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)', list ? { has: page.locator(`[id="${list}"]`) } : {});
  // The only option left after typing the full name; Enter takes the active one.
  await open.locator('.ant-select-item-option-active').getByText(name, { exact: true }).waitFor();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.ant-select', { has: input }).textContent()).toContain(name);
}

/** Nothing wider than the phone's screen (no sideways scrolling). */
async function expectFitsScreen(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
}

describe('household self-report on a phone (WRN-5)', () => {
  test('report → reference code → two members sign → status by code; the village sees it', async () => {
    const village = env.login('village');
    // People nobody registered (born in another province): the report waits on the village's worklist.
    const head = makeIdNumber('110101', '1931-07-01', 998, 'male');
    const spouse = makeIdNumber('110101', '1933-02-11', 996, 'female');
    const path = await regionPath(env.database.db, village.regionCode);

    const page = await phonePage();
    await page.goto('/report');
    await page.getByText('农户自主申报').first().waitFor();
    await expectFitsScreen(page);

    // 申报
    await page.locator('#report_headName').fill('孔德福');
    await page.locator('#report_headIdNumber').fill(head);
    await page.locator('#report_phone').fill('13607971234');
    // The province is the only choice (chosen for the household); then city → county → township → village.
    await expect.poll(() => page.locator('.ant-select', { has: page.locator('#report_village_level1') }).textContent()).toContain(path[0]!.name);
    for (const r of path.slice(1)) await pickRegion(page, `#report_village_level${r.level}`, r.name);
    await page.locator('label.ant-checkbox-wrapper', { hasText: /^因病$/ }).click();
    await page.locator('label.ant-checkbox-wrapper', { hasText: /^因学$/ }).click();
    await page.locator('#report_description').fill('户主突发脑梗住院，孙子读高中费用无着');
    await expectFitsScreen(page);
    await page.getByRole('button', { name: /提交申报/ }).click();
    const codeBox = page.getByTestId('ref-code');
    await codeBox.waitFor();
    const refCode = (await codeBox.textContent())!.trim();
    expect(refCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    await page.getByText(/请抄写或截图保存申报编号/).waitFor();
    await expectFitsScreen(page);
    await screenshot(page, 'self-report-code');

    const report = await env.database.db.selectFrom('self_report').selectAll().where('ref_code', '=', refCode).executeTakeFirstOrThrow();
    expect(report).toMatchObject({ head_name: '孔德福', region_code: village.regionCode, difficulties: 'illness,education', state: 'received' });

    // 签署承诺授权书: the code, the head's ID number and the head as first member come along.
    await page.getByRole('button', { name: /签署家庭成员承诺授权书/ }).click();
    await page.getByTestId('commitment-text').getByText(/授权有关部门和机构依法依规查询、核对/).waitFor();
    expect(await page.locator('#consent_refCode').inputValue()).toBe(refCode);
    expect(await page.locator('#consent_headIdNumber').inputValue()).toBe(head);
    expect(await page.locator('#consent_members_0_name').inputValue()).toBe('孔德福');
    await page.locator('#consent_members_0_consent').check();
    await page.getByRole('button', { name: /添加家庭成员/ }).click();
    await page.locator('#consent_members_1_name').fill('曾秀兰');
    await page.locator('#consent_members_1_idNumber').fill(spouse);
    // Without the tick the form says so, and nothing is sent.
    await page.getByRole('button', { name: /提交承诺授权/ }).click();
    await page.getByText('须本人阅读并勾选同意承诺授权书').waitFor();
    await page.locator('#consent_members_1_consent').check();
    await page.getByRole('button', { name: /提交承诺授权/ }).click();
    await page.getByTestId('consent-done').getByText('已记录2位家庭成员的承诺授权。').waitFor();
    await expectFitsScreen(page);
    const consents = await env.database.db.selectFrom('self_report_consent').selectAll().where('self_report_id', '=', report.id).orderBy('id').execute();
    expect(consents.map((c) => c.name)).toEqual(['孔德福', '曾秀兰']);
    for (const c of consents) {
      expect(c.ip).toMatch(/127\.0\.0\.1/);
      expect(c.signed_at).toBeInstanceOf(Date);
    }

    // 查询进度 with the code and the head's ID number: the status and the date, nothing else.
    await page.getByRole('tab', { name: '查询进度' }).click();
    expect(await page.locator('#status_refCode').inputValue()).toBe(refCode);
    await page.getByRole('button', { name: /查询进度/ }).click();
    await expect.poll(() => page.getByTestId('status-name').textContent()).toBe('已受理');
    const answer = (await page.getByTestId('status-answer').textContent())!;
    expect(answer).toContain(`申报日期：${report.reported_on}`);
    expect(answer).not.toContain('孔德福');
    await screenshot(page, 'self-report-status');

    // A wrong head ID number gets the message of an unknown code.
    await page.locator('#status_headIdNumber').fill(spouse);
    await page.getByRole('button', { name: /查询进度/ }).click();
    await page.getByText('未找到该申报：请核对申报编号和户主身份证号').waitFor();
    await page.context().close();

    // The village cadre's worklist (desktop).
    const desk = await newPage(browser, env.baseUrl);
    await loginThroughUi(desk, 'village', DEMO_PASSWORD);
    await desk.waitForURL((u) => u.pathname === '/');
    await desk.getByRole('menuitem', { name: /农户申报/ }).click();
    await desk.waitForURL('**/self-reports');
    const row = desk.locator('.ant-table-tbody tr', { hasText: '孔德福' });
    await row.waitFor();
    expect(await row.textContent()).toContain('2 人');
    expect(await row.textContent()).not.toContain(head);
    await row.getByText('处理', { exact: true }).click();
    const detail = desk.getByTestId('self-report-detail');
    await detail.getByText('家庭成员承诺授权书（2 人已签署）').waitFor();
    expect(await detail.textContent()).toContain(refCode);
    expect(await detail.textContent()).toContain('户主突发脑梗住院');
    // Nobody registered the reporter yet: the cadre is told to register the household first.
    await detail.getByText('未找到申报人已登记的农户').waitFor();
    await screenshot(desk, 'self-report-worklist');
    await desk.context().close();
  });
});
