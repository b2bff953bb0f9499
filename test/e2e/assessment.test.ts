/**
 * Issue 3 in the browser (INC-1…4, IDN-2, IDN-3, Q10, Q14): a village cadre records income and a
 * risk on the household page (a server validation error lands under its field), reads the
 * assessment explanation for a chosen date — per-capita income, the 7800 threshold, reasons
 * with their clause — voids a record with a reason, which takes it out of the figure, and marks
 * the risk resolved (a date before it was found is refused under its field).
 * A city user reads the same page without any edit button, and the seven elimination checks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer } from './server.ts';
import { memberByIdNumber } from '../../src/store/households.ts';

let env: E2eServer;
let browser: Browser;
let page: Page;
let householdId = 0;
const HEAD = '钟石根';

/** ID numbers of one made-up birth date, skipping any the demo data already uses. */
async function unusedIdNumbers(birthDate: string, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let seq = 601; out.length < count && seq < 999; seq++) {
    const id = makeIdNumber('360731', birthDate, seq, seq % 2 ? 'male' : 'female');
    if (out.includes(id)) continue;
    if (!(await memberByIdNumber(env.database.db, id))) out.push(id);
  }
  return out;
}

/** Types a date (or `YYYY-MM` month) into an antd DatePicker and confirms it. */
async function typeDate(p: Page, selector: string, value: string) {
  const input = p.locator(selector);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(value);
}

const modal = () => page.locator('.ant-modal-wrap:not([style*="display: none"]) .ant-modal');
const saveModal = () => modal().getByRole('button', { name: /保\s*存/ }).click();

beforeAll(async () => {
  env = await startServer({ households: 60 });
  browser = await launchBrowser();
  page = await newPage(browser, env.baseUrl);

  // A household of the cadre's village: two rural members living together, one business income.
  const village = env.login('village');
  const [headId, spouseId] = await unusedIdNumbers('1972-04-18', 2);
  const created = await env.api('village', 'POST', '/api/v1/households', {
    household: { regionCode: village.regionCode, formerlyPoor: false },
    members: [
      { name: HEAD, idNumber: headId, relation: 'head', laborAbility: 'full' },
      { name: '刘冬梅', idNumber: spouseId, relation: 'spouse', laborAbility: 'weak' },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  householdId = created.body.id;
  const business = await env.api('village', 'POST', `/api/v1/households/${householdId}/incomes`, {
    type: 'business', amount: 4000, from: '2022-06', to: '2023-05', note: '脐橙销售',
  });
  expect(business.status, JSON.stringify(business.body)).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('household page: income, risks and the assessment explanation', () => {
  test('village cadre records income and a risk, reads the explanation, voids and edits records', async () => {
    await loginThroughUi(page, 'village', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(`/households/${householdId}`);
    await page.getByText(`农户详情：${HEAD}户`).waitFor();
    const incomes = page.getByTestId('records-incomes');
    await incomes.getByText('脐橙销售').waitFor();

    // 新增收入: a wage of the head, first with the end month before the start month. The server
    // refuses it and its message stands under the 截止月份 field.
    await incomes.getByRole('button', { name: /新增收入/ }).click();
    await modal().getByText('新增收入记录').waitFor();
    await selectOption(page, '#record_type', '工资性收入');
    await selectOption(page, '#record_memberId', `${HEAD}（户主）`);
    await page.locator('#record_amount').fill('12000');
    await typeDate(page, '#record_from', '2022-06');
    await typeDate(page, '#record_to', '2022-05');
    await page.locator('#record_note').fill('县工业园务工');
    await saveModal();
    const toError = modal().locator('.ant-form-item', { has: page.locator('#record_to') }).locator('.ant-form-item-explain-error');
    await toError.waitFor();
    expect(await toError.textContent()).toContain('截止月份不能早于起始月份');
    await screenshot(page, 'record-income-error');

    await typeDate(page, '#record_to', '2023-05');
    await saveModal();
    const wageRow = incomes.locator('tr.ant-table-row', { hasText: '县工业园务工' });
    await wageRow.waitFor();
    expect(await wageRow.textContent()).toContain('12000.00');
    expect(await wageRow.textContent()).toContain('2022-06 至 2023-05（12个月）');
    expect(await wageRow.textContent()).toContain(HEAD);

    // 新增风险: an illness found on 2023-06-01 the household cannot resolve by itself (IDN-3).
    await page.getByRole('tab', { name: /风险/ }).click();
    const risks = page.getByTestId('records-risks');
    await risks.getByRole('button', { name: /新增风险/ }).click();
    await modal().getByText('新增风险记录').waitFor();
    await selectOption(page, '#record_type', '因病');
    await typeDate(page, '#record_foundOn', '2023-06-01');
    await page.locator('#record_note').fill('户主腰椎手术');
    await saveModal();
    const riskRow = risks.locator('tr.ant-table-row', { hasText: '户主腰椎手术' });
    await riskRow.waitFor();
    expect(await riskRow.textContent()).toContain('因病');
    expect(await riskRow.textContent()).toContain('难以自行解决');
    expect(await riskRow.textContent()).toContain('2023-06-01');

    // 评估说明 as of 2023-06-15 (window 2022-06…2023-05): (12000 + 4000) / 2 = 8000.00 per head,
    // above 7800 with an unresolvable risk and no sharp drop → comprehensive judgement (Q7).
    const section = page.getByTestId('assessment-section');
    await section.scrollIntoViewIfNeeded();
    await typeDate(page, '#assessment_asOf', '2023-06-15');
    await expect.poll(() => section.getByTestId('income-window').textContent()).toContain('2022-06 至 2023-05');
    await expect.poll(() => section.getByTestId('per-capita').textContent()).toBe('8000.00 元');
    expect(await section.getByTestId('threshold').textContent()).toContain('7800');
    expect(await section.getByTestId('counted-members').textContent()).toContain('2人');
    expect(await section.getByTestId('net-income').textContent()).toBe('16000.00 元');
    expect(await section.getByTestId('income-components').textContent()).toContain('工资性收入 12000.00 元');
    expect(await section.getByTestId('recommendation').textContent()).toBe('需综合研判');
    const reasons = section.getByTestId('reasons');
    expect(await reasons.textContent()).toContain('8000.00');
    const clauses = await reasons.getByTestId('clause-tag').allTextContents();
    expect(clauses.length).toBeGreaterThan(0);
    for (const c of clauses) expect(c).toMatch(/^Q\d+$/);
    expect(clauses).toContain('Q7');
    await screenshot(page, 'assessment-review');

    // The API answers the same figure for the same date.
    const api = await env.api('village', 'GET', `/api/v1/households/${householdId}/assessment?asOf=2023-06-15`);
    expect(api.body.perCapitaNetIncome).toBe(8000);

    // 作废 the business income with a reason: it leaves the figure, 6000.00 per head is within
    // range with an unresolvable risk → identify as 边缘易致贫户 (Q10).
    await page.getByRole('tab', { name: /收入/ }).click();
    const businessRow = incomes.locator('tr.ant-table-row', { hasText: '脐橙销售' });
    await businessRow.getByRole('button', { name: /作\s*废/ }).click();
    await modal().getByText('作废收入记录').waitFor();
    await saveModal();
    await modal().locator('.ant-form-item-explain-error').getByText('请填写作废原因').waitFor();
    await page.locator('#void_reason').fill('与务工收入重复录入');
    await saveModal();
    await businessRow.waitFor({ state: 'detached' });
    await expect.poll(() => section.getByTestId('per-capita').textContent()).toBe('6000.00 元');
    expect(await section.getByTestId('recommendation').textContent()).toBe('建议识别为监测对象');
    expect(await section.textContent()).toContain('边缘易致贫户');
    expect(await section.getByTestId('reasons').getByTestId('clause-tag').allTextContents()).toContain('Q10');
    expect(await section.getByTestId('reasons').textContent()).toContain('6000.00');

    // The voided record is still there, greyed, with its reason, when asked for.
    await incomes.getByText('显示已作废记录（1条）').waitFor();
    await incomes.getByRole('switch').click();
    const voided = incomes.locator('tr.ant-table-row', { hasText: '脐橙销售' });
    await voided.waitFor();
    expect(await voided.getByTestId('voided-tag').textContent()).toBe('已作废：与务工收入重复录入');
    expect(await voided.getByRole('button', { name: /作\s*废/ }).count()).toBe(0);

    // 修改 the risk: resolved, first with a date before it was found (refused under 解决日期),
    // then on 2023-07-20. As of 2023-06-15 the household still had the risk.
    await page.getByRole('tab', { name: /风险/ }).click();
    await riskRow.getByRole('button', { name: /修\s*改/ }).click();
    await modal().getByText('修改风险记录').waitFor();
    await modal().locator('.ant-form-item', { has: page.locator('#record_resolved') }).getByRole('switch').click();
    await typeDate(page, '#record_resolvedOn', '2023-05-01');
    await saveModal();
    const resolvedError = modal().locator('.ant-form-item', { has: page.locator('#record_resolvedOn') }).locator('.ant-form-item-explain-error');
    await resolvedError.waitFor();
    expect(await resolvedError.textContent()).toContain('解决日期不能早于发现日期');
    await typeDate(page, '#record_resolvedOn', '2023-07-20');
    await page.locator('#record_reason').fill('手术康复，已返岗');
    await saveModal();
    await riskRow.getByText('已解决（2023-07-20）').waitFor();
    await section.getByRole('button', { name: /重新评估/ }).click();
    await expect.poll(() => section.getByTestId('recommendation').textContent()).toBe('建议识别为监测对象');
    await page.getByRole('tab', { name: /收入/ }).click();

    // Elimination is refused for a household that is not a monitoring object, with the reason.
    await section.locator('.ant-radio-button-wrapper', { hasText: '风险消除' }).click();
    await expect.poll(() => section.getByTestId('assessment-error').textContent()).toContain('不是监测对象');
    await section.locator('.ant-radio-button-wrapper', { hasText: /^识别$/ }).click();
    await section.getByTestId('per-capita').waitFor();
    await screenshot(page, 'assessment-identify');

    // The whole-household no-labour fallback flag (Q35) with its date and basis.
    await page.getByRole('button', { name: /修改标识/ }).click();
    await modal().locator('#fallback_fallback').click();
    await saveModal();
    await modal().getByText('请选择认定依据').waitFor();
    await typeDate(page, '#fallback_fallbackSince', '2023-01-05');
    await selectOption(page, '#fallback_fallbackBasis', '农村分散供养特困人员');
    await saveModal();
    await expect.poll(() => page.getByTestId('fallback-flag').textContent()).toBe('是，自 2023-01-05（农村分散供养特困人员）');
  });

  test('a city user reads records and the elimination checks without edit buttons', async () => {
    const cityPage = await newPage(browser, env.baseUrl);
    await loginThroughUi(cityPage, 'city', DEMO_PASSWORD);
    await cityPage.waitForURL((u) => u.pathname === '/');
    await cityPage.goto(`/households/${householdId}`);
    const incomes = cityPage.getByTestId('records-incomes');
    await incomes.getByText('县工业园务工').waitFor();
    expect(await cityPage.getByRole('button', { name: /新增收入/ }).count()).toBe(0);
    expect(await incomes.getByRole('button', { name: /修\s*改|作\s*废/ }).count()).toBe(0);
    expect(await cityPage.getByRole('button', { name: /修改标识/ }).count()).toBe(0);
    const section = cityPage.getByTestId('assessment-section');
    await section.getByTestId('per-capita').waitFor();

    // Once identified (the procedure itself is a later issue: set here in the registry), the
    // elimination view lists all seven checks with their clauses (Q24, Q30–Q37).
    await env.database.db
      .updateTable('household')
      .set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: '2023-03-10' })
      .where('id', '=', householdId)
      .execute();
    await cityPage.reload();
    await typeDate(cityPage, '#assessment_asOf', '2023-09-15');
    await section.locator('.ant-radio-button-wrapper', { hasText: '风险消除' }).click();
    await expect.poll(() => section.getByTestId('eligible').textContent()).toBe('暂不符合风险消除条件');
    expect(await section.getByTestId('earliest-month').textContent()).toBe('2023-09');
    const checks = section.getByTestId('elimination-checks').locator('tr.ant-table-row');
    expect(await checks.count()).toBe(7);
    expect(await checks.filter({ hasText: '帮扶时长' }).textContent()).not.toContain('未通过');
    // A fallback household is not eliminated (Q34); the illness was resolved on 2023-07-20.
    expect(await checks.filter({ hasText: '非整户无劳动能力兜底保障户' }).textContent()).toContain('未通过');
    expect(await checks.filter({ hasText: '风险已全部消除' }).textContent()).not.toContain('未通过');
    expect(await checks.filter({ hasText: '收入稳定超过监测范围' }).textContent()).toContain('未通过');
    // The window 2022-09…2023-08 holds 9 of the wage's 12 months: 9000 / 2 = 4500.00 per head.
    expect(await section.getByTestId('per-capita').textContent()).toBe('4500.00 元');
    await section.getByText(/评估所用数据/).click();
    await section.getByText('9/12个月，约 9000.00 元').waitFor();
    await screenshot(cityPage, 'assessment-elimination');
    await cityPage.context().close();
  });
});
