/**
 * Issue 4 in the browser (PRC-1…8): a village cadre records a lead on a demo household of the
 * village, the verification visit, every counted member's consent (one signed by another member
 * with a written delegation), the democratic appraisal and the 5-day village notice; the clock
 * moves 5 days (the session ends: log in again); the cadre records the notice result; the
 * township reviews with a proposed measure from its 工作台; the county approves. The household
 * page then shows a monitoring object with its category and identification date, and the
 * printed notice shows the head's name and no ID number, phone, bank account or health data.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays } from '../../src/domain/deadlines.ts';
import { findSensitive } from '../../src/domain/notice-document.ts';
import { loginAgain, modal, modalSettled, movableClock, openStep, pickHousehold, submit, waitForState } from './case-flow.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer } from './server.ts';

/** The server's clock: real time, moved forward by the test. */
const clock = movableClock();
const today = clock.today;

let env: E2eServer;
let browser: Browser;
let household: { id: number; headName: string; formerlyPoor: boolean; idNumbers: string[]; phones: string[] };

beforeAll(async () => {
  env = await startServer({ now: clock.now });
  browser = await launchBrowser();
  const village = env.login('village');
  const h = await pickHousehold(env, village.regionCode);
  // An illness the household cannot resolve by itself: within range + risk → identify (Q7, Q10).
  const risk = await env.api('village', 'POST', `/api/v1/households/${h.id}/risks`, { type: 'illness', selfResolvable: false, foundOn: addDays(today(), -2) });
  expect(risk.status, JSON.stringify(risk.body)).toBe(201);
  const a = await env.api('village', 'GET', `/api/v1/households/${h.id}/assessment`);
  expect(a.body.recommendation).toBe('identify');
  const members = await env.database.db.selectFrom('member').select(['id_number', 'phone', 'bank_account']).where('household_id', '=', h.id).execute();
  household = {
    id: h.id, headName: h.name, formerlyPoor: h.formerly_poor,
    idNumbers: members.map((m) => m.id_number), phones: members.map((m) => m.phone).filter((p): p is string => !!p),
  };
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('identification case in the browser (PRC-1…8)', () => {
  test('lead → verification → consents → appraisal → notice → (5 days) → result → township → county approval; notice without ID numbers', async () => {
    const village = env.login('village');
    const page = await newPage(browser, env.baseUrl);

    // The village cadre lands on the 工作台.
    await loginThroughUi(page, 'village', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByText(`管辖区域为 ${village.regionName}`).waitFor();
    await page.getByTestId('workbench-tasks').waitFor();

    // 农户管理 → find the household by the head's name → its page.
    await page.getByRole('menuitem', { name: /农户管理/ }).click();
    await page.waitForURL('**/households');
    await page.locator('#filters_q').fill(household.headName);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.locator(`.ant-table-tbody a[href="/households/${household.id}"]`).first().click();
    await page.getByText(`农户详情：${household.headName}户`).waitFor();

    // 登记线索 (PRC-1): source, lead date (today by default), note.
    const section = page.getByTestId('case-section');
    await section.getByRole('button', { name: /登记线索/ }).click();
    await modalSettled(page);
    await selectOption(page, '#lead_source', '干部走访排查');
    await page.locator('#lead_leadNote').fill('走访发现户主患病住院，自付医疗费用较高');
    await submit(page, /^登\s*记$/);
    await page.waitForURL(/\/cases\/\d+$/);
    const caseId = Number(new URL(page.url()).pathname.split('/').pop());
    await waitForState(page, '线索待核实');
    // Day 0 of the 15 days (Q42).
    expect(await page.getByTestId('case-deadlines').textContent()).toContain('还剩15天');

    // 入户核实: the engine's assessment is stored with the case.
    await openStep(page, '入户核实');
    await page.locator('#step_visitors').fill('村支书、驻村工作队员');
    await page.locator('#step_findings').fill('户主患病住院，家庭无稳定收入');
    await submit(page);
    await waitForState(page, '已入户核实');
    const assessments = page.getByTestId('case-assessments');
    await assessments.getByText('建议识别为监测对象').waitFor();
    expect(await assessments.getByTestId('threshold-used').first().textContent()).toContain('Q10');
    await page.getByTestId('step-record_verification').waitFor();

    // Appraisal before every member signed: refused with Q22, shown in the form.
    await openStep(page, '民主评议');
    await selectOption(page, '#step_form', '村民代表大会');
    await page.locator('#step_attendance').fill('25');
    await modal(page).getByRole('button', { name: /^提\s*交$/ }).click();
    const errors = modal(page).getByTestId('case-form-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/承诺授权书.*Q22/);
    await modal(page).getByRole('button', { name: /取\s*消/ }).click();
    await modal(page).waitFor({ state: 'detached' });

    // 承诺授权书 of every counted member (Q22); the second one signed by the first with a written delegation.
    const consents = page.getByTestId('case-consents');
    const buttons = consents.locator('[data-testid^="consent-"]');
    const total = await buttons.count();
    expect(total).toBeGreaterThan(0);
    for (let i = 0; i < total; i++) {
      await buttons.first().click();
      await modalSettled(page);
      if (i === 1) {
        await page.locator('#consent_delegateMemberId').click();
        await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first().click();
        // The note field appears once the choice is made.
        await expect.poll(() => page.locator('#consent_delegationNote').count()).toBe(1);
        await page.locator('#consent_delegationNote').fill('外出务工，书面委托户主代签');
      }
      await submit(page, /^登\s*记$/);
      await expect.poll(() => buttons.count()).toBe(total - i - 1);
    }
    expect(await consents.textContent()).not.toContain('未签署');
    if (total > 1) expect(await consents.textContent()).toContain('书面委托户主代签');

    // 信息比对 beside the procedure, now that everyone signed (PRC-2, Q43).
    const comparisons = page.getByTestId('case-comparisons');
    await comparisons.getByRole('button', { name: '发起信息比对' }).click();
    await comparisons.getByText('待反馈').waitFor();

    // 民主评议 (Q44).
    await openStep(page, '民主评议');
    await selectOption(page, '#step_form', '村民代表大会');
    await page.locator('#step_attendance').fill('25');
    await submit(page);
    await waitForState(page, '已民主评议');

    // 村内公示 (Q42, Q47): a personal mobile as objection line is refused under its field.
    await openStep(page, '村内公示');
    await page.locator('#step_objectionUnit').fill('长征村民委员会');
    await page.locator('#step_objectionPhone').fill('13912345678');
    await modal(page).locator('button:not(.ant-btn-loading)', { hasText: /^提\s*交$/ }).click();
    const phoneError = modal(page).locator('.ant-form-item', { has: page.locator('#step_objectionPhone') }).locator('.ant-form-item-explain-error');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toContain('Q47');
    await page.locator('#step_objectionPhone').fill('0797-6221234');
    await submit(page);
    await waitForState(page, '村内公示中');
    expect(await page.getByTestId('case-deadlines').textContent()).toContain('村内公示期');
    expect(await page.getByTestId('print-village_notice').getAttribute('href')).toContain(`/cases/${caseId}/notice?type=village_notice`);
    await screenshot(page, 'case-in-notice');

    // The cadre's 工作台: the case waits for the notice result, due with the notice period (day 5).
    await page.getByRole('menuitem', { name: /工作台/ }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const villageTask = page.getByTestId('workbench-tasks').locator('tr', { has: page.locator(`a[href="/cases/${caseId}"]`) }).first();
    await villageTask.waitFor();
    expect(await villageTask.textContent()).toContain('村内公示中');
    expect(await villageTask.textContent()).toContain('还剩5天');
    await screenshot(page, 'workbench-village');
    await villageTask.getByRole('link', { name: '办理' }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    await waitForState(page, '村内公示中');

    // Five days later the session has ended (30 idle minutes): log in again, back to the case.
    clock.advance(5);
    await loginAgain(page, 'village');

    // 登记公示结果: no objections.
    await openStep(page, '登记公示结果');
    await submit(page);
    await waitForState(page, '公示期满');
    await page.context().close();

    // The township finds the case on its 工作台 (10 of the 15 days left) and reviews it with a measure (Q27).
    const township = await newPage(browser, env.baseUrl);
    await loginThroughUi(township, 'township', DEMO_PASSWORD);
    await township.waitForURL((u) => u.pathname === '/');
    const task = township.getByTestId('workbench-tasks').locator('tr', { has: township.locator(`a[href="/cases/${caseId}"]`) }).first();
    await task.waitFor();
    expect(await task.textContent()).toContain('还剩10天');
    expect(await task.textContent()).toContain(household.headName);
    await township.getByTestId('overdue-by-region').waitFor();
    await screenshot(township, 'workbench-township');
    await task.getByRole('link', { name: '办理' }).click();
    await township.waitForURL(`**/cases/${caseId}`);
    await openStep(township, '乡镇审核');
    await township.locator('#step_opinion').fill('经核实情况属实，同意上报');
    await selectOption(township, '#step_proposedMeasures_0_type', '健康帮扶');
    await township.locator('#step_proposedMeasures_0_description').fill('落实医疗救助和家庭医生签约服务');
    await submit(township);
    await waitForState(township, '乡镇已审核');
    await township.getByTestId('step-township_review').getByText(/健康帮扶：落实医疗救助/).waitFor();
    await township.context().close();

    // The county opens it from 案件 and approves: identification date = today (Q45).
    const county = await newPage(browser, env.baseUrl);
    await loginThroughUi(county, 'county', DEMO_PASSWORD);
    await county.waitForURL((u) => u.pathname === '/');
    await county.getByRole('menuitem', { name: /案件/ }).click();
    await county.waitForURL('**/cases');
    await selectOption(county, '#case-filters_status', '办理中');
    await county.getByRole('button', { name: /查\s*询/ }).click();
    await county.waitForURL(/status=open/);
    const listed = county.locator('.ant-table-tbody tr', { has: county.locator(`a[href="/cases/${caseId}"]`) }).first();
    await listed.waitFor();
    expect(await listed.textContent()).toContain('乡镇已审核');
    await screenshot(county, 'cases-list');
    await listed.locator(`a[href="/cases/${caseId}"]`).first().click();
    await county.waitForURL(`**/cases/${caseId}`);
    await openStep(county, '县级审核批准');
    await submit(county);
    await waitForState(county, '县级已批准');
    const category = household.formerlyPoor ? '脱贫不稳定户' : '边缘易致贫户';
    const timeline = await county.getByTestId('case-timeline').textContent();
    for (const label of ['入户核实', '民主评议', '村内公示', '登记公示结果', '乡镇审核', '县级审核批准']) expect(timeline).toContain(label);
    await screenshot(county, 'case-approved');

    // The printed village notice (a new tab): the head's name, no ID number, phone, bank account or health data (Q47).
    const [notice] = await Promise.all([county.context().waitForEvent('page'), county.getByTestId('print-village_notice').click()]);
    await notice.waitForLoadState();
    const noticeText = await notice.locator('body').innerText();
    expect(noticeText).toContain(household.headName);
    expect(findSensitive(noticeText)).toEqual([]);
    for (const id of household.idNumbers) expect(noticeText).not.toContain(id);
    for (const phone of household.phones) expect(noticeText).not.toContain(phone);
    // Its date column is the appraisal's (day 0), not the approval's, also when reprinted after approval.
    expect(noticeText).toContain('民主评议日期');
    expect(noticeText).not.toContain(today());
    await screenshot(notice, 'village-notice');
    await notice.close();
    const announcement = await county.context().newPage();
    await announcement.goto(`/api/v1/cases/${caseId}/notice?type=county_announcement`);
    const announcementText = await announcement.locator('body').innerText();
    expect(announcementText).toContain(household.headName);
    expect(findSensitive(announcementText)).toEqual([]);
    expect(announcementText).toContain(today());
    await announcement.close();

    // The household page: a monitoring object with its category and identification date.
    await county.getByRole('link', { name: new RegExp(`${household.headName}（户编号 ${household.id}）`) }).click();
    await county.waitForURL(`**/households/${household.id}`);
    await county.getByText(`农户详情：${household.headName}户`).waitFor();
    const info = county.locator('.ant-descriptions').first();
    await info.getByText('监测对象', { exact: true }).waitFor();
    const infoText = await info.textContent();
    expect(infoText).toContain(category);
    expect(infoText).toMatch(new RegExp(`识别日期\\s*${today()}`));
    await county.getByTestId('case-section').getByText('县级已批准').waitFor();
    await screenshot(county, 'household-monitored');
    await county.context().close();
  });
});
