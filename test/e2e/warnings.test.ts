/**
 * WRN-1 through the browser: a line department (医保) downloads the warnings template from 数据导入,
 * fills two rows with exceljs — a registered member of a non-monitored household and a valid ID
 * number nobody registered — imports it and reads the job's result in the warning sheet's terms;
 * its 预警报送 page counts both and checks pasted lines before sending. The county finds the
 * unknown person in its queue with the full ID number and sends it back with a reason. The
 * village cadre of the household opens the task from the 工作台, records 发现风险，启动识别, and the
 * identification case opens with the warning's date as its lead date (Q42).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { addDays } from '../../src/domain/deadlines.ts';
import { chinaDate } from '../../src/domain/clock.ts';
import { memberByIdNumber } from '../../src/store/households.ts';
import { nextIdNumber } from '../helpers/households.ts';
import { pickHousehold } from './case-flow.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, selectOption, startServer, type E2eServer } from './server.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DEPT = 'dept_medical_insurance';
const TYPE = '医疗费用超过预警线';

let env: E2eServer;
let browser: Browser;
let household: { id: number; name: string };
let member: { name: string; idNumber: string };
let unknownId: string;
const warnedOn = addDays(chinaDate(new Date()), -3);

/** A valid ID number nobody in the demo data has. */
async function freshId(): Promise<string> {
  for (;;) {
    const id = nextIdNumber('female');
    if (!(await memberByIdNumber(env.database.db, id))) return id;
  }
}

beforeAll(async () => {
  env = await startServer();
  browser = await launchBrowser();
  // A household of the village that is not monitored and has no case: risk found opens a new one.
  const h = await pickHousehold(env, env.login('village').regionCode);
  household = { id: h.id, name: h.name };
  const m = await env.database.db.selectFrom('member').select(['name', 'id_number']).where('household_id', '=', h.id).where('active', '=', true)
    .orderBy('id').executeTakeFirstOrThrow();
  member = { name: m.name, idNumber: m.id_number };
  unknownId = await freshId();
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** The issue form's label of the department account (as GET /users names it). */
async function deptOption(): Promise<string> {
  const u = await env.database.db.selectFrom('app_user as u').leftJoin('region as r', 'r.code', 'u.region_code')
    .select(['u.display_name', 'u.username', 'r.name as region_name']).where('u.username', '=', DEPT).executeTakeFirstOrThrow();
  return `${u.display_name}（${u.username}）· 医保 · ${u.region_name}`;
}

const jobIdInUrl = (page: Page) => Number(new URL(page.url()).searchParams.get('job'));

describe('department warnings → verification task → identification case (WRN-1)', () => {
  test('a department imports warnings by file, the county sends an unknown one back, the village verifies and a case opens', async () => {
    // —— The department: 数据导入 is in its menu, with the warnings sheet only ——
    const dept = await newPage(browser, env.baseUrl);
    await loginThroughUi(dept, DEPT, DEMO_PASSWORD);
    await dept.waitForURL((u) => u.pathname === '/');
    await dept.getByTestId('department-warnings').waitFor();
    await dept.getByRole('menuitem', { name: /数据导入/ }).click();
    await dept.waitForURL('**/imports');
    await dept.getByTestId('column-rules').first().getByText('来源单号').waitFor();
    expect(await dept.locator('.ant-select', { has: dept.locator('#import_sheet') }).textContent()).toContain('行业部门预警');

    const [download] = await Promise.all([dept.waitForEvent('download'), dept.getByRole('link', { name: /下载导入模板/ }).click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as any);
    const ws = wb.getWorksheet('行业部门预警')!;
    expect(ws, 'the template has the warnings sheet').toBeTruthy();
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Record<string, string>[] = [
      { 预警类型: TYPE, 姓名: member.name, 身份证号: member.idNumber, 预警日期: warnedOn, 预警内容: '住院自付费用累计超过预警线', 来源单号: 'YB-E2E-0001' },
      { 预警类型: TYPE, 姓名: '查无此人', 身份证号: unknownId, 预警日期: warnedOn, 预警内容: '门诊慢特病费用较高', 来源单号: 'YB-E2E-0002' },
    ];
    rows.forEach((r, i) => {
      for (const h of Object.keys(r)) expect(headers, `template column ${h}`).toContain(h);
      ws.getRow(i + 2).values = headers.map((h) => r[h] ?? null);
    });
    const file = Buffer.from(await wb.xlsx.writeBuffer());

    await dept.locator('input[type=file]').setInputFiles({ name: '医保预警.xlsx', mimeType: XLSX, buffer: file });
    await dept.locator('.ant-upload-list-item', { hasText: '医保预警.xlsx' }).waitFor();
    await dept.getByRole('button', { name: /导\s*入$/ }).click();
    await expect.poll(() => jobIdInUrl(dept)).toBeGreaterThan(0);
    const result = dept.locator(`[data-testid="import-job"][data-job="${jobIdInUrl(dept)}"]`).getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('导入完成：收到 2 条预警，新生成核实任务 1 个，合并到办理中的任务 0 条，未在系统登记 1 条');
    expect(await result.locator('.ant-statistic').allTextContents()).toEqual(['新生成核实任务1', '合并到办理中的任务0', '未在系统登记1']);
    await screenshot(dept, 'warnings-import');

    // 预警报送: both warnings counted, each with what became of it; pasted lines are checked first.
    await dept.getByRole('menuitem', { name: /预警报送/ }).click();
    await dept.waitForURL('**/warnings');
    const counts = dept.getByTestId('warning-counts');
    await expect.poll(() => counts.locator('.ant-statistic').allTextContents()).toEqual(['收到预警2', '新生成核实任务1', '合并到办理中的任务0', '未在系统登记1']);
    const list = dept.getByTestId('warning-list');
    await list.getByText('未在监测系统登记').waitFor();
    expect(await list.textContent()).toContain('待核实');
    // The department sees the ID numbers masked.
    expect(await list.textContent()).not.toContain(member.idNumber);
    await dept.getByRole('tab', { name: '粘贴多条' }).click();
    const broken = `${unknownId.slice(0, 17)}${unknownId[17] === '0' ? '1' : '0'}`;
    await dept.locator('#paste_text').fill(`${TYPE},李四,${broken},${warnedOn},,\n新增残疾,王五,${unknownId},${warnedOn}`);
    const preview = dept.getByTestId('paste-preview');
    await preview.getByText('身份证号校验码错误（GB 11643）').waitFor();
    expect(await preview.textContent()).toContain('预警类型“新增残疾”不是本部门可报送的类型');
    expect(await dept.getByRole('button', { name: /报送 2 条/ }).isDisabled()).toBe(true);
    await screenshot(dept, 'warnings-submit-page');
    await dept.context().close();

    // —— The county: the unknown person with the full ID number; sent back with a reason ——
    const county = await newPage(browser, env.baseUrl);
    await loginThroughUi(county, 'county', DEMO_PASSWORD);
    await county.waitForURL((u) => u.pathname === '/');
    await county.getByRole('menuitem', { name: /待查队列/ }).click();
    await county.waitForURL('**/warnings/queue');
    const queue = county.getByTestId('queue-list');
    const row = queue.locator('tr.ant-table-row', { hasText: unknownId });
    await row.waitFor();
    expect(await queue.textContent()).not.toContain(member.idNumber);
    await row.getByRole('button', { name: '退回' }).click();
    await county.locator('.ant-modal:visible:not(.ant-zoom-appear)').waitFor();
    await county.locator('#action_reason').fill('经核查不是本县人员');
    await county.locator('.ant-modal:visible').getByRole('button', { name: /退\s*回/ }).click();
    await county.locator('.ant-modal:visible').waitFor({ state: 'detached' });
    await queue.getByText('待查队列为空').waitFor();
    // 预警精准度 (WRN-6): the department's feed with its two warnings, one not registered.
    await county.getByRole('menuitem', { name: /预警精准度/ }).click();
    await county.waitForURL('**/warnings/precision');
    const precision = county.getByTestId('precision-table').locator('tr.ant-table-row', { hasText: '医保' });
    await precision.waitFor();
    expect((await precision.locator('td').allTextContents()).slice(0, 4)).toEqual(['医保', '2', '0（0%）', '1（50%）']);
    // 告知消息: the queue and 立即发送 (the log-only sender without a gateway).
    await county.getByRole('menuitem', { name: /告知消息/ }).click();
    await county.waitForURL('**/household-messages');
    await county.getByTestId('message-list').waitFor();
    await county.getByRole('button', { name: /立即发送/ }).click();
    await county.getByTestId('dispatch-result').waitFor();
    await county.context().close();
    const rejected = await env.database.db.selectFrom('department_warning').select(['queue_state', 'queue_reason']).where('source_ref', '=', 'YB-E2E-0002').executeTakeFirstOrThrow();
    expect(rejected).toEqual({ queue_state: 'rejected', queue_reason: '经核查不是本县人员' });

    // —— The village: the task on the 工作台, the visit, the case ——
    const task = await env.database.db.selectFrom('verification_task').select(['id', 'lead_on', 'state']).where('household_id', '=', household.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ lead_on: warnedOn, state: 'open' });
    const village = await newPage(browser, env.baseUrl);
    await loginThroughUi(village, 'village', DEMO_PASSWORD);
    await village.waitForURL((u) => u.pathname === '/');
    const tasks = village.getByTestId('workbench-tasks');
    const link = tasks.locator(`a[href="/verification-tasks/${task.id}"]`).first();
    await link.waitFor();
    // Leads come first for those who verify them (Q43).
    expect(await tasks.locator('tbody tr.ant-table-row').first().locator(`a[href="/verification-tasks/${task.id}"]`).count()).toBeGreaterThan(0);
    await link.click();
    await village.waitForURL(`**/verification-tasks/${task.id}`);
    expect(await village.getByTestId('task-lead-on').textContent()).toBe(warnedOn);
    await village.getByText('住院自付费用累计超过预警线').first().waitFor();
    const form = village.getByTestId('visit-form');
    await form.getByRole('radio', { name: '发现风险，启动识别程序' }).check();
    await village.locator('#visit_visitors').fill('村支书、驻村工作队员');
    await village.locator('#visit_findings').fill('户主住院，自付费用较高，家庭收入明显下降');
    await screenshot(village, 'verification-task');
    await form.getByRole('button', { name: /提交核实结果/ }).click();

    await village.waitForURL(/\/cases\/\d+$/);
    const caseId = Number(new URL(village.url()).pathname.split('/').pop());
    const leadItem = village.locator('.ant-descriptions-item-label', { hasText: '线索发现日期' }).locator('xpath=following-sibling::*[1]');
    await expect.poll(() => leadItem.textContent()).toBe(warnedOn);
    await screenshot(village, 'verification-case');
    const c = await env.database.db.selectFrom('workflow_case').select(['household_id', 'lead_on', 'source']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(c).toEqual({ household_id: household.id, lead_on: warnedOn, source: 'department_warning' });
    const closed = await env.database.db.selectFrom('verification_task').select(['state', 'case_id']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(closed).toEqual({ state: 'case_opened', case_id: caseId });
    // 核实任务: closed, with its case.
    await village.getByRole('menuitem', { name: /核实任务/ }).click();
    await village.waitForURL('**/verification-tasks');
    await village.getByText('已办结', { exact: true }).click();
    const done = village.getByTestId('task-list').locator('tr.ant-table-row', { has: village.locator(`a[href="/verification-tasks/${task.id}"]`) });
    await done.getByText('发现风险，已启动识别').waitFor();
    expect(await done.locator(`a[href="/cases/${caseId}"]`).count()).toBe(1);
    await village.context().close();
  });

  test('the security admin issues a token shown once, the department system reports with it, the admin revokes it', async () => {
    const page = await newPage(browser, env.baseUrl);
    await loginThroughUi(page, 'secadmin', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: /接口令牌/ }).click();
    await page.waitForURL('**/api-tokens');
    await page.getByTestId('token-list').getByText('还没有签发接口令牌').waitFor();
    await page.getByRole('button', { name: /签发令牌/ }).click();
    await page.locator('.ant-modal:visible:not(.ant-zoom-appear)').waitFor();
    await selectOption(page, '#token_userId', await deptOption());
    await page.locator('#token_name').fill('医保系统推送');
    await page.locator('.ant-modal:visible').getByRole('button', { name: /签\s*发/ }).click();
    const shown = page.getByTestId('api-token');
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^jbt_/);
    await page.locator('#token_name').waitFor({ state: 'detached' });
    await page.locator('.ant-modal:visible:not(.ant-zoom-appear)').waitFor();
    await screenshot(page, 'api-token-issued');
    await page.getByRole('button', { name: /我已保存/ }).click();
    const row = page.getByTestId('token-list').locator('tr.ant-table-row', { hasText: '医保系统推送' });
    await row.waitFor();
    // The list shows the prefix only.
    expect(await page.getByTestId('token-list').textContent()).not.toContain(token);

    const push = () => fetch(`${env.baseUrl}/api/v1/warnings`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ warnings: [{ type: 'medical_cost', name: member.name, idNumber: member.idNumber, warnedOn, sourceRef: 'YB-API-0001' }] }),
    });
    const pushed = await push();
    expect(pushed.status).toBe(201);
    expect(await pushed.json()).toMatchObject({ received: 1 });

    await row.getByRole('button', { name: /吊\s*销/ }).click();
    await page.locator('.ant-modal:visible:not(.ant-zoom-appear)').waitFor();
    await page.locator('#action_reason').fill('系统迁移，旧令牌停用');
    await page.locator('.ant-modal:visible').getByRole('button', { name: /吊\s*销/ }).click();
    await row.getByText('已吊销').waitFor();
    expect(await row.textContent()).toContain('系统迁移，旧令牌停用');
    expect((await push()).status).toBe(401);
    await page.context().close();
  });
});
