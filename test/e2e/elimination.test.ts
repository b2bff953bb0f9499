/**
 * Issue 5 in the browser (ELM-1…5, AST-2…4): a household of the village is identified (through
 * the API: identification in the browser is cases.test.ts). On its page the village cadre makes
 * the assistance plan — an industry measure (development-type) and a public-welfare job with its
 * agreement end — publishes it, starts both measures, and is refused an elimination case in the
 * identification month (Q37). Six months later (server and browser clocks move; log in again) the
 * cadre resolves the risks, records a year of wage income above the threshold and completes the
 * industry measure; the household page's elimination assessment is eligible with every check
 * passed. The elimination case runs through the UI: village verification (the stored assessment
 * lists its checks), appraisal and notice; five days later the notice result; township review;
 * county approval and announcement. The household then shows 风险已消除 and its public-welfare
 * job still 实施中 to its agreement end (Q28).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, addMonths } from '../../src/domain/deadlines.ts';
import { followServerClock, loginAgain, modal, modalSettled, movableClock, openStep, pickHousehold, submit, typeDate, waitForState } from './case-flow.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer } from './server.ts';

/** The server's clock: real time, moved forward by the test; the browsers follow it. */
const clock = movableClock();
const today = clock.today;

let env: E2eServer;
let browser: Browser;
/** The village cadre's page, kept from the first test to the second. */
let village: Page;
let household: { id: number; headName: string; members: number; identifiedOn: string };
/** The public-welfare job's agreement end (Q28). */
let jobEnd = '';

const save = /^保\s*存$/;
const ok = /^确\s*定$/;

/** Identification through the API, dated so that the 5-day notice is over today: approved, announced and entered today. */
async function identify(householdId: number): Promise<string> {
  const t0 = today();
  const call = async (user: string, path: string, body: unknown) => {
    const res = await env.api(user, 'POST', `/api/v1${path}`, body);
    expect(res.status, `${user} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  let c = await call('village', '/cases', { householdId, source: 'cadre_visit', leadOn: addDays(t0, -6) });
  const step = async (user: string, action: string, body: Record<string, unknown> = {}) => {
    c = await call(user, `/cases/${c.id}/steps/${action}`, { version: c.version, ...body });
  };
  await step('village', 'record_verification', { occurredOn: addDays(t0, -6), visitors: '村干部', findings: '户主患病，无稳定收入' });
  for (const m of c.consents.filter((k: any) => k.counted))
    c = await call('village', `/cases/${c.id}/consents`, { memberId: m.memberId, signedOn: addDays(t0, -6) });
  await step('village', 'record_appraisal', { form: 'representatives_meeting', heldOn: addDays(t0, -6), attendance: 25, result: 'passed' });
  await step('village', 'start_notice', { startOn: addDays(t0, -5), endOn: addDays(t0, -1), objectionUnit: '村民委员会', objectionPhone: '12317' });
  await step('village', 'end_notice', { objections: 0 });
  await step('township', 'township_review', { opinion: '情况属实', proposedMeasures: [{ type: 'public_welfare_job', description: '安排公益性岗位' }] });
  await step('county', 'county_approve');
  await step('county', 'announce', { announcedOn: t0 });
  await step('county', 'enter_system', { enteredOn: t0 });
  expect(c.outcome).toBe('identified');
  return t0;
}

/** A new page whose clock is the server's, logged in as `username`. */
async function signIn(username: string): Promise<Page> {
  const page = await newPage(browser, env.baseUrl);
  await followServerClock(page, clock.now);
  await loginThroughUi(page, username, DEMO_PASSWORD);
  await page.waitForURL((u) => u.pathname === '/');
  return page;
}

/** Moves the server's clock; the village cadre's browser follows and logs in again. */
async function advance(days: number) {
  clock.advance(days);
  await followServerClock(village, clock.now);
  await loginAgain(village, 'village');
}

const measureRow = (page: Page, text: string) => page.getByTestId('plan-section').locator('tr.ant-table-row', { hasText: text });

/** Moves a measure on through its row's button, dated today (the dialog's default). */
async function moveMeasure(page: Page, text: string, action: string) {
  await measureRow(page, text).getByRole('button', { name: action }).click();
  await modal(page).getByText(`${action}：`).waitFor();
  await modalSettled(page);
  await submit(page, ok);
}

beforeAll(async () => {
  env = await startServer({ now: clock.now });
  // The users' browsers are in China (the server's dates are China time, whatever its zone).
  const tz = process.env.TZ;
  process.env.TZ = 'Asia/Shanghai';
  try {
    browser = await launchBrowser();
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  const h = await pickHousehold(env, env.login('village').regionCode, { notFallback: true });
  const risk = await env.api('village', 'POST', `/api/v1/households/${h.id}/risks`, { type: 'illness', selfResolvable: false, foundOn: addDays(today(), -8) });
  expect(risk.status, JSON.stringify(risk.body)).toBe(201);
  const members = await env.database.db.selectFrom('member').select('id').where('household_id', '=', h.id).execute();
  household = { id: h.id, headName: h.name, members: members.length, identifiedOn: await identify(h.id) };
  jobEnd = addMonths(today(), 24);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('risk elimination in the browser (ELM-1…5, AST-2…4)', () => {
  test('identification month: plan with an industry measure and a public-welfare job, both started; 发起风险消除核查 refused (Q37)', async () => {
    village = await signIn('village');
    await village.goto(`/households/${household.id}`);
    await village.getByText(`农户详情：${household.headName}户`).waitFor();
    const plan = village.getByTestId('plan-section');

    // 制定帮扶计划 (Q23–Q25, Q27): an industry measure and a public-welfare job to its agreement end (Q28).
    await plan.getByRole('button', { name: /制定帮扶计划/ }).click();
    await modal(village).getByText('有劳动能力、有意愿的监测户').waitFor();
    await modalSettled(village);
    await selectOption(village, '#measures_0_type', '产业帮扶（开发式）');
    await village.locator('#measures_0_description').fill('发展脐橙种植5亩，给予产业奖补');
    await modal(village).getByRole('button', { name: /再加一项措施/ }).click();
    await selectOption(village, '#measures_1_type', '公益性岗位（开发式）');
    await village.locator('#measures_1_description').fill('村保洁公益性岗位');
    // The agreement end is required for a public-welfare job (Q28).
    await modal(village).getByRole('button', { name: save }).click();
    await modal(village).getByText('请填写岗位协议到期日（Q28）').waitFor();
    await typeDate(village, '#measures_1_periodEnd', jobEnd);
    await submit(village, save);
    await measureRow(village, '村保洁公益性岗位').waitFor();
    expect(await measureRow(village, '发展脐橙种植').textContent()).toContain('开发式');
    expect(await measureRow(village, '村保洁公益性岗位').textContent()).toContain(jobEnd);
    await plan.getByTestId('plan-checks').getByText('已落实2项帮扶措施（Q23）').waitFor();

    // 村内公示 of the plan within 10 days of approval (Q27).
    await plan.getByRole('button', { name: /村内公示/ }).click();
    await submit(village, /确认已公示/);
    await expect.poll(() => plan.textContent()).not.toContain('未公示');

    // Both measures start today.
    await moveMeasure(village, '发展脐橙种植', '开始实施');
    await moveMeasure(village, '村保洁公益性岗位', '开始实施');
    for (const text of ['发展脐橙种植', '村保洁公益性岗位'])
      await expect.poll(() => measureRow(village, text).textContent()).toContain(`实施 ${today()}`);
    expect(await measureRow(village, '村保洁公益性岗位').textContent()).toContain('实施中');

    // 发起风险消除核查 in the identification month: the server's refusal, naming Q37, stands on the form.
    const cases = village.getByTestId('case-section');
    await cases.getByRole('button', { name: /发起风险消除核查/ }).click();
    await modal(village).getByText(`发起风险消除核查：${household.headName}户`).waitFor();
    await modalSettled(village);
    await modal(village).getByRole('button', { name: /^登\s*记$/ }).click();
    const errors = modal(village).getByTestId('case-form-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(new RegExp(`识别当月及次月不得标注风险消除（识别日期${household.identifiedOn}，Q37）`));
    await screenshot(village, 'elimination-refused-q37');
    await modal(village).getByRole('button', { name: /取\s*消/ }).click();
    await modal(village).waitFor({ state: 'detached' });
    expect(await cases.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(1);
  });

  test('six months later: income and resolved risks → eligible → village, township, county → 风险已消除, the job runs on (Q28)', async () => {
    expect(village, 'the first test left the village page').toBeDefined();
    await advance(185);
    await village.getByText(`农户详情：${household.headName}户`).waitFor();
    const asOf = today();

    // Every open risk resolved today, with the reason (Q30, Q33).
    await village.getByRole('tab', { name: /风险/ }).click();
    const risks = village.getByTestId('records-risks');
    const open = risks.locator('tr.ant-table-row', { hasText: '未解决' });
    await risks.locator('tr.ant-table-row').first().waitFor();
    while ((await open.count()) > 0) {
      const before = await open.count();
      await open.first().getByRole('button', { name: /修\s*改/ }).click();
      await modal(village).getByText('修改风险记录').waitFor();
      await modalSettled(village);
      await modal(village).locator('.ant-form-item', { has: village.locator('#record_resolved') }).getByRole('switch').click();
      await typeDate(village, '#record_resolvedOn', asOf);
      await village.locator('#record_reason').fill('经帮扶已康复，稳定务工');
      await submit(village, save);
      await expect.poll(() => open.count()).toBe(before - 1);
    }

    // A year of wage income up to last month: 20000 a person, well above the 7800 threshold (Q30, Q32).
    await village.getByRole('tab', { name: /收入/ }).click();
    const incomes = village.getByTestId('records-incomes');
    await incomes.getByRole('button', { name: /新增收入/ }).click();
    await modal(village).getByText('新增收入记录').waitFor();
    await modalSettled(village);
    await selectOption(village, '#record_type', '工资性收入');
    await village.locator('#record_amount').fill(String(20000 * household.members));
    await typeDate(village, '#record_from', addMonths(asOf, -12).slice(0, 7));
    await typeDate(village, '#record_to', addMonths(asOf, -1).slice(0, 7));
    await village.locator('#record_note').fill('公益性岗位及县工业园务工');
    await submit(village, save);
    await incomes.locator('tr.ant-table-row', { hasText: '公益性岗位及县工业园务工' }).waitFor();

    // The industry measure is completed; the public-welfare job keeps running.
    await moveMeasure(village, '发展脐橙种植', '实施完成');
    await expect.poll(() => measureRow(village, '发展脐橙种植').textContent()).toContain(`完成 ${asOf}`);

    // The household page's elimination assessment: eligible, each of the seven checks passed.
    const assessment = village.getByTestId('assessment-section');
    await assessment.locator('.ant-radio-button-wrapper', { hasText: '风险消除' }).click();
    await expect.poll(() => assessment.getByTestId('eligible').textContent()).toBe('符合风险消除条件');
    const checks = assessment.getByTestId('elimination-checks').locator('tr.ant-table-row');
    expect(await checks.count()).toBe(7);
    for (const row of await checks.all()) expect(await row.textContent()).toContain('通过');
    expect(await assessment.getByTestId('elimination-checks').textContent()).not.toContain('未通过');
    await screenshot(village, 'elimination-assessment-eligible');

    // 发起风险消除核查 (Q46) → the case page.
    await village.getByTestId('case-section').getByRole('button', { name: /发起风险消除核查/ }).click();
    await modal(village).getByText(`发起风险消除核查：${household.headName}户`).waitFor();
    await modalSettled(village);
    await village.locator('#lead_leadNote').fill('务工收入持续稳定，患病已康复');
    await submit(village, /^登\s*记$/);
    await village.waitForURL(/\/cases\/\d+$/);
    const caseId = Number(new URL(village.url()).pathname.split('/').pop());
    await waitForState(village, '待核实');

    // 入户核实: the stored assessment is eligible, with its checks.
    await openStep(village, '入户核实');
    await village.locator('#step_visitors').fill('村支书、驻村工作队员');
    await village.locator('#step_findings').fill('务工收入稳定，产业见效，风险已消除');
    await submit(village);
    await waitForState(village, '已入户核实');
    const stored = village.getByTestId('case-assessments');
    await stored.getByText('符合风险消除条件').waitFor();
    await stored.locator('.ant-table-row-expand-icon').first().click();
    const storedChecks = stored.getByTestId('case-elimination-checks');
    await storedChecks.waitFor();
    expect(await storedChecks.locator('li').count()).toBe(7);
    expect(await storedChecks.textContent()).not.toContain('未通过');
    expect(await storedChecks.textContent()).toContain('Q37');
    await screenshot(village, 'elimination-verified');

    // 民主评议 (no consents in an elimination case) and the 5-day village notice.
    expect(await village.getByTestId('case-consents').count()).toBe(0);
    await openStep(village, '民主评议');
    await selectOption(village, '#step_form', '村民代表大会');
    await village.locator('#step_attendance').fill('30');
    await submit(village);
    await waitForState(village, '已民主评议');
    await openStep(village, '村内公示');
    await village.locator('#step_objectionUnit').fill('长征村民委员会');
    await village.locator('#step_objectionPhone').fill('12317');
    await submit(village);
    await waitForState(village, '村内公示中');

    // Five days later: the notice result.
    await advance(5);
    await waitForState(village, '村内公示中');
    await openStep(village, '登记公示结果');
    await submit(village);
    await waitForState(village, '公示期满');
    await village.context().close();

    // The township reviews it from its 工作台, with an opinion only (measures are proposed at identification, Q27).
    const township = await signIn('township');
    const task = township.getByTestId('workbench-tasks').locator('tr', { has: township.locator(`a[href="/cases/${caseId}"]`) }).first();
    await task.getByRole('link', { name: '办理' }).click();
    await township.waitForURL(`**/cases/${caseId}`);
    await openStep(township, '乡镇审核');
    expect(await modal(township).locator('#step_proposedMeasures_0_type').count()).toBe(0);
    await township.locator('#step_opinion').fill('收入稳定超过监测范围，风险已消除，同意上报');
    await submit(township);
    await waitForState(township, '乡镇已审核');
    await township.context().close();

    // The county approves (the engine re-assesses today) and announces.
    const county = await signIn('county');
    await county.goto(`/cases/${caseId}`);
    await waitForState(county, '乡镇已审核');
    await openStep(county, '县级审核批准风险消除');
    await submit(county);
    await waitForState(county, '县级已批准消除');
    await openStep(county, '县级公告');
    await submit(county);
    await waitForState(county, '县级已公告');
    const approvals = county.getByTestId('case-assessments').locator('tr.ant-table-row');
    await expect.poll(() => approvals.count()).toBe(2);
    for (const row of await approvals.all()) expect(await row.textContent()).toContain('符合风险消除条件');
    const timeline = await county.getByTestId('case-timeline').textContent();
    for (const label of ['发起风险消除核查', '入户核实', '民主评议', '村内公示', '登记公示结果', '乡镇审核', '县级审核批准风险消除', '县级公告'])
      expect(timeline).toContain(label);
    await screenshot(county, 'elimination-case-announced');

    // The household: 风险已消除 today, still in the system with its identification date (ELM-5) …
    await county.getByRole('link', { name: new RegExp(`${household.headName}（户编号 ${household.id}）`) }).click();
    await county.waitForURL(`**/households/${household.id}`);
    await county.getByText(`农户详情：${household.headName}户`).waitFor();
    const info = county.locator('.ant-descriptions').first();
    await info.getByText('风险已消除', { exact: true }).waitFor();
    const infoText = await info.textContent();
    expect(infoText).toMatch(new RegExp(`风险消除日期\\s*${today()}`));
    expect(infoText).toMatch(new RegExp(`识别日期\\s*${household.identifiedOn}`));
    // … and its public-welfare job still runs to its agreement end (Q28), the industry measure stays done.
    const job = measureRow(county, '村保洁公益性岗位');
    await job.waitFor();
    expect(await job.textContent()).toContain('实施中');
    expect(await job.textContent()).toContain(jobEnd);
    expect(await job.textContent()).toContain('岗位协议到期');
    expect(await measureRow(county, '发展脐橙种植').textContent()).toContain('已实施');
    await screenshot(county, 'elimination-household-eliminated');
    await county.context().close();
  });
});
