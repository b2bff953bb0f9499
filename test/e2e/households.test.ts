/**
 * REG-1, REG-2, SEC-1, SEC-3 through the browser: a village cadre registers a household with two
 * members through the form (a server-side validation error lands under its field), finds it in
 * the list with the ID number masked, sees full values only on an audited reveal, and is refused
 * (403 page) when opening another village's household by URL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { maskIdNumber } from '../../src/domain/masking.ts';
import { memberByIdNumber } from '../../src/store/households.ts';
import {
  DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer,
} from './server.ts';

let env: E2eServer;
let browser: Browser;
let page: Page;
const timings: Record<string, number> = {};
let createdId = 0;
let createdHead = '';

/** A valid ID number not yet registered (the demo data also uses 于都县 numbers). */
async function freshIdNumber(birthDate: string, sex: 'male' | 'female', seq: number): Promise<string> {
  for (let s = seq; s < seq + 500; s += 2) {
    const id = makeIdNumber('360731', birthDate, s, sex);
    const used = await memberByIdNumber(env.database.db, id);
    if (!used) return id;
  }
  throw new Error('no free ID number');
}

beforeAll(async () => {
  let t = Date.now();
  env = await startServer();
  timings.server = Date.now() - t;
  t = Date.now();
  browser = await launchBrowser();
  page = await newPage(browser, env.baseUrl);
  timings.browser = Date.now() - t;
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
  console.log('[e2e households] setup timings (ms):', timings);
});

describe('village cadre: household registry in the browser', () => {
  test('registers a household with two members, list masks the ID number, another village is refused', async () => {
    const village = env.login('village');
    const village2 = env.login('village2');

    // A household of the sibling village, registered through the API by its own cadre.
    const otherHead = await freshIdNumber('1968-11-02', 'male', 301);
    const other = await env.api('village2', 'POST', '/api/v1/households', {
      household: { regionCode: village2.regionCode, formerlyPoor: false },
      members: [{ name: '邻村户主', idNumber: otherHead, relation: 'head', laborAbility: 'full' }],
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);

    // Log in as the village cadre; the 工作台 greets with the region.
    await loginThroughUi(page, 'village', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain(village.regionName);
    await page.getByText(`管辖区域为 ${village.regionName}`).waitFor();
    await screenshot(page, 'home');

    // 农户管理 → 新增农户
    await page.getByRole('menuitem', { name: /农户管理/ }).click();
    await page.waitForURL('**/households');
    await page.getByRole('button', { name: /新增农户/ }).click();
    await page.waitForURL('**/households/new');

    // The responsible village defaults to the cadre's own village.
    const regionField = page.locator('.ant-form-item', { has: page.locator('#hh_household_regionCode') });
    await expect.poll(() => regionField.textContent()).toContain(village.regionName);

    const headId = await freshIdNumber('1975-03-12', 'male', 101);
    const spouseId = await freshIdNumber('1977-08-20', 'female', 202);
    const badSpouseId = spouseId.slice(0, 17) + (spouseId[17] === '0' ? '1' : '0');
    const headName = '赖春生';

    await page.locator('#hh_household_villageGroup').fill('第三组');
    await page.locator('#hh_household_address').fill('长塘下12号');
    await page.locator('#hh_members_0_name').fill(headName);
    await page.locator('#hh_members_0_idNumber').fill(headId);
    await page.locator('#hh_members_0_phone').fill('13907970001');
    // Birth date and sex are read from the ID number (hint only; the server derives them).
    await page.getByText('出生日期 1975-03-12，性别 男').waitFor();

    await page.getByTestId('add-member').click();
    await page.locator('#hh_members_1_name').fill('刘秀英');
    await page.locator('#hh_members_1_idNumber').fill(badSpouseId);
    await selectOption(page, '#hh_members_1_relation', '配偶');

    // First try: a wrong check digit is refused by the server and shown under that member's field.
    await page.getByRole('button', { name: /提交登记/ }).click();
    const fieldError = page.locator('[data-testid="member-1"] .ant-form-item-explain-error');
    await fieldError.first().waitFor();
    expect(await fieldError.first().textContent()).toContain('校验码错误');
    expect(await page.getByTestId('form-errors').textContent()).toContain('第2名成员 · 身份证号');
    expect(page.url()).toContain('/households/new');
    await screenshot(page, 'household-new-error');

    // Fix it and submit again → the detail page of the new household.
    await page.locator('#hh_members_1_idNumber').fill(spouseId);
    await page.getByRole('button', { name: /提交登记/ }).click();
    await page.waitForURL(/\/households\/\d+$/);
    const newId = Number(new URL(page.url()).pathname.split('/').pop());
    createdId = newId;
    createdHead = headName;
    await page.getByText(`农户详情：${headName}户`).waitFor();
    const detailText = await page.getByTestId('members').locator('.ant-table').textContent();
    expect(detailText).toContain(maskIdNumber(headId));
    expect(detailText).toContain(maskIdNumber(spouseId));
    expect(detailText).not.toContain(headId);
    expect(detailText).toContain('配偶');

    // 查看敏感信息: the full number, with a notice that the view is logged (and it is).
    await page.getByRole('button', { name: /查看敏感信息/ }).click();
    await page.getByTestId('reveal-notice').waitFor();
    expect(await page.getByTestId('reveal-notice').textContent()).toContain('留痕');
    expect(await page.getByTestId('members').locator('.ant-table').textContent()).toContain(headId);
    const logged = await env.database.db
      .selectFrom('audit_log').select('seq').where('action', '=', 'household.read_sensitive').where('object_id', '=', String(newId)).execute();
    expect(logged.length).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'household-detail-revealed');

    // The list finds it by name and shows the head's ID number masked, never in full.
    await page.getByRole('link', { name: '返回列表' }).click();
    await page.waitForURL('**/households');
    await page.locator('#filters_q').fill(headName);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.waitForURL(/q=/);
    const row = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: headName });
    await row.waitFor();
    expect(await row.textContent()).toContain(maskIdNumber(headId));
    expect(await page.locator('.ant-table').textContent()).not.toContain(headId);

    // Screenshot of the whole village list (reset the filter) for a look at the layout.
    await page.getByRole('button', { name: /重\s*置/ }).click();
    await page.waitForURL((u) => !u.search.includes('q='));
    await expect.poll(() => page.locator('.ant-table-tbody tr.ant-table-row').count()).toBeGreaterThan(1);
    await page.locator('.ant-spin-spinning').waitFor({ state: 'detached' }).catch(() => undefined);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' }).catch(() => undefined);
    await screenshot(page, 'households-list');

    // Another village's household by URL: refused with the server's reason.
    await page.goto(`/households/${other.body.id}`);
    await page.locator('.ant-result-403').waitFor();
    expect(await page.locator('.ant-result').textContent()).toContain('该户不在您的管辖区域内');
    await screenshot(page, 'household-403');

    // A household that does not exist: 404.
    await page.goto('/households/99999999');
    await page.locator('.ant-result-404').waitFor();
  });

  test('edits the household (409 when someone else saved first) and its members in a drawer', async () => {
    expect(createdId).toBeGreaterThan(0);
    await page.goto(`/households/${createdId}`);
    await page.getByText(`农户详情：${createdHead}户`).waitFor();

    // 编辑 → change the village group and save.
    await page.getByRole('button', { name: /编\s*辑/ }).first().click();
    await page.waitForURL(`**/households/${createdId}/edit`);
    await expect.poll(() => page.locator('#edit_villageGroup').inputValue()).toBe('第三组');
    await page.locator('#edit_villageGroup').fill('第四组');
    await page.locator('#edit_reason').fill('村民小组调整');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.waitForURL(`**/households/${createdId}`);
    await page.locator('.ant-descriptions', { hasText: '第四组' }).waitFor();

    // Someone else saves while the edit page is open: the stale write is refused with 409.
    await page.getByRole('button', { name: /编\s*辑/ }).first().click();
    await page.waitForURL(`**/households/${createdId}/edit`);
    await expect.poll(() => page.locator('#edit_villageGroup').inputValue()).toBe('第四组');
    const current = await env.api('county', 'GET', `/api/v1/households/${createdId}`);
    const other = await env.api('county', 'PATCH', `/api/v1/households/${createdId}`, { address: '长塘下14号', version: current.body.version });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    await page.locator('#edit_villageGroup').fill('第五组');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('stale').waitFor();
    expect(await page.getByTestId('stale').textContent()).toContain('记录已被他人修改，请刷新后重试');
    await page.getByRole('button', { name: /刷\s*新/ }).click();
    await expect.poll(() => page.locator('#edit_address').inputValue()).toBe('长塘下14号');
    await page.getByRole('link', { name: '返回详情' }).click();
    await page.waitForURL(`**/households/${createdId}`);

    // Edit a member in the drawer: masked fields are locked, the others are saved with the version.
    const spouseRow = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: '刘秀英' });
    await spouseRow.getByRole('button', { name: /编\s*辑/ }).click();
    const drawer = page.locator('.ant-drawer-open .ant-drawer-section');
    await drawer.getByText('修改成员：刘秀英').waitFor();
    expect(await drawer.locator('#member_idNumber').isDisabled()).toBe(true);
    await drawer.locator('#member_employment').fill('县内务工');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    await spouseRow.getByText('县内务工').waitFor();

    // Add a child through the drawer.
    const childId = await freshIdNumber('2010-06-01', 'female', 405);
    await page.getByRole('button', { name: /新增成员/ }).click();
    await drawer.getByText('新增家庭成员').waitFor();
    await drawer.locator('#member_name').fill('赖小梅');
    await drawer.locator('#member_idNumber').fill(childId);
    await selectOption(page, '#member_schooling', '初中');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    const childRow = page.locator('.ant-table-tbody tr.ant-table-row', { hasText: '赖小梅' });
    await childRow.waitFor();
    expect(await childRow.textContent()).toContain(maskIdNumber(childId));
    expect(await childRow.textContent()).toContain('初中');
    await page.getByText('家庭成员（3人）').waitFor();
  });

  test('county staff filter by region through the cascader and export the same list to XLSX', async () => {
    const village = env.login('village');
    const countyPage = await newPage(browser, env.baseUrl);
    await loginThroughUi(countyPage, 'county', DEMO_PASSWORD);
    await countyPage.waitForURL((u) => u.pathname === '/');
    await countyPage.goto('/households');
    await countyPage.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();

    // 江西省 / 赣州市 / 于都县 / <township> / <village>, each level loaded on demand.
    const path = (await env.api('county', 'GET', `/api/v1/regions/${village.regionCode}`)).body.path as { name: string }[];
    expect(path.map((p) => p.name)).toContain(village.regionName);
    await countyPage.locator('#filters_regionCode').click();
    for (const [i, node] of path.entries())
      await countyPage.locator('.ant-cascader-menu').nth(i).locator('.ant-cascader-menu-item', { hasText: node.name }).click();
    await countyPage.keyboard.press('Escape');
    await countyPage.getByRole('button', { name: /查\s*询/ }).click();
    await countyPage.waitForURL(new RegExp(`regionCode=${village.regionCode}`));
    await expect
      .poll(async () => [...new Set(await countyPage.locator('.ant-table-tbody tr.ant-table-row td:nth-child(3)').allTextContents())])
      .toEqual([village.regionName]);

    // The export link carries the same filters and downloads an XLSX file.
    const href = await countyPage.getByRole('link', { name: /导出 Excel/ }).getAttribute('href');
    expect(href).toBe(`/api/v1/households/export.xlsx?regionCode=${village.regionCode}`);
    const [download] = await Promise.all([countyPage.waitForEvent('download'), countyPage.getByRole('link', { name: /导出 Excel/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^农户名单_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');

    // Monitoring status filter with its Chinese labels.
    await countyPage.getByRole('button', { name: /重\s*置/ }).click();
    await selectOption(countyPage, '#filters_monitoringStatus', '风险已消除');
    await countyPage.getByRole('button', { name: /查\s*询/ }).click();
    await countyPage.waitForURL(/monitoringStatus=eliminated/);
    await expect
      .poll(async () => [...new Set(await countyPage.locator('.ant-table-tbody tr.ant-table-row td:nth-child(7)').allTextContents())])
      .toEqual(['风险已消除']);

    // An empty result shows the empty text.
    await countyPage.locator('#filters_q').fill('不存在的姓名');
    await countyPage.getByRole('button', { name: /查\s*询/ }).click();
    await countyPage.getByText('没有符合条件的农户').waitFor();
    await countyPage.context().close();
  });
});
