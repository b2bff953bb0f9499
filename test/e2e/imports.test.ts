/**
 * DAT-1 through the browser: a county official opens 数据导入, downloads the household template,
 * fills it with exceljs, checks it (校验, nothing written) and imports it, following the job to
 * its result with counts; then uploads a file with bad rows, sees each problem's row and column,
 * downloads the error report (the file with a 错误说明 column) and re-runs the rejected job.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, Download, Page } from 'playwright-core';
import { memberByIdNumber } from '../../src/store/households.ts';
import { nextIdNumber } from '../helpers/households.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, startServer, type E2eServer } from './server.ts';

let env: E2eServer;
let browser: Browser;
let page: Page;
let template: Buffer;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A valid ID number nobody in the demo data has. */
async function freshId(sex: 'male' | 'female' = 'male'): Promise<string> {
  for (;;) {
    const id = nextIdNumber(sex);
    if (!(await memberByIdNumber(env.database.db, id))) return id;
  }
}

type Row = Record<string, string>;

/** The template with its example row replaced by `rows` (header → cell text) on each sheet. */
async function fillTemplate(rows: { 农户信息: Row[]; 家庭成员: Row[] }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as any);
  for (const [name, data] of Object.entries(rows)) {
    const ws = wb.getWorksheet(name)!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    data.forEach((r, i) => {
      for (const h of Object.keys(r)) expect(headers, `template column ${h}`).toContain(h);
      ws.getRow(i + 2).values = headers.map((h) => r[h] ?? null);
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readDownload(d: Download): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync((await d.path())!) as any);
  return wb;
}

const jobIdInUrl = () => Number(new URL(page.url()).searchParams.get('job'));
/** The panel of the open job, once it shows that job (the URL changes before the page renders it). */
const jobPanel = () => page.locator(`[data-testid="import-job"][data-job="${jobIdInUrl()}"]`);

async function upload(file: Buffer, name: string, button: RegExp) {
  await page.locator('input[type=file]').setInputFiles({ name, mimeType: XLSX, buffer: file });
  await page.locator('.ant-upload-list-item', { hasText: name }).waitFor();
  const before = jobIdInUrl();
  await page.getByRole('button', { name: button }).click();
  await expect.poll(jobIdInUrl).not.toBe(before);
  await jobPanel().waitFor();
  return jobIdInUrl();
}

/** Waits for the open job to end and returns the result panel's text. */
async function resultText(): Promise<string> {
  const result = jobPanel().getByTestId('import-result');
  await result.waitFor();
  return (await result.textContent()) ?? '';
}

beforeAll(async () => {
  env = await startServer({ households: 30 });
  browser = await launchBrowser();
  page = await newPage(browser, env.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('county official: import households from the template', () => {
  const village = () => env.login('village').regionCode;
  const village2 = () => env.login('village2').regionCode;

  test('downloads the template, fills it, checks it, imports it and sees the counts', async () => {
    await loginThroughUi(page, 'county', DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('menuitem', { name: /数据导入/ }).click();
    await page.waitForURL('**/imports');
    // The column rules of both parts of the form, with the clause they come from.
    const rules = page.getByTestId('column-rules').first();
    await rules.getByText('户主身份证号').first().waitFor();
    expect(await rules.textContent()).toContain('Q19');
    await page.getByRole('tab', { name: /家庭成员/ }).click();
    await page.getByTestId('column-rules').nth(1).getByText('与户主关系').waitFor();
    await page.getByTestId('import-history').getByText('本辖区还没有导入记录').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /下载导入模板/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/导入模板\.xlsx$/);
    template = readFileSync((await download.path())!);
    const sheets = (await readDownload(download)).worksheets.map((w) => w.name);
    expect(sheets).toEqual(expect.arrayContaining(['农户信息', '家庭成员', '说明']));

    const head1 = await freshId('male');
    const head2 = await freshId('female');
    const file = await fillTemplate({
      农户信息: [
        { 户主姓名: '温德明', 户主身份证号: head1, 负责村区划代码: village(), 村民小组: '第一组', 户类型: '一般农户' },
        { 户主姓名: '肖桂兰', 户主身份证号: head2, 负责村区划代码: village2(), 村民小组: '第二组', 户类型: '脱贫户', 脱贫年度: '2018' },
      ],
      家庭成员: [
        { 户主身份证号: head1, 姓名: '温德明', 身份证号: head1, 与户主关系: '户主', 劳动能力: '有劳动能力', 联系电话: '13907970011' },
        { 户主身份证号: head1, 姓名: '罗秀珍', 身份证号: await freshId('female'), 与户主关系: '配偶', 劳动能力: '弱劳力/半劳力', 健康状况: '长期慢性病' },
        { 户主身份证号: head1, 姓名: '温小军', 身份证号: await freshId('male'), 与户主关系: '子女', 劳动能力: '无劳动能力', 在校情况: '小学' },
        { 户主身份证号: head2, 姓名: '肖桂兰', 身份证号: head2, 与户主关系: '户主', 劳动能力: '有劳动能力' },
        { 户主身份证号: head2, 姓名: '肖志强', 身份证号: await freshId('male'), 与户主关系: '子女', 劳动能力: '有劳动能力' },
      ],
    });

    // 校验: what the import would do, nothing written.
    await upload(file, '农户导入.xlsx', /校验（不写入）/);
    expect(await resultText()).toContain('校验通过（未写入）：导入将新增 7 条');
    expect((await env.api('county', 'GET', `/api/v1/households?q=${encodeURIComponent('温德明')}`)).body.total).toBe(0);

    // 导入: the progress bar runs to the end, then the counts.
    const id = await upload(file, '农户导入.xlsx', /导\s*入$/);
    const progress = jobPanel().getByTestId('import-progress');
    await progress.waitFor();
    await expect.poll(() => progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    const text = await resultText();
    expect(text).toContain('导入完成：新增 7 条、更新 0 条');
    expect(await progress.textContent()).toMatch(/已读取（行）7.*已校验（行）7.*已写入（条）7/);
    const stats = await jobPanel().getByTestId('import-result').locator('.ant-statistic').allTextContents();
    expect(stats).toEqual(['新增7', '更新0', '与系统一致0']);
    await screenshot(page, 'import-succeeded');

    const found = await env.api('county', 'GET', `/api/v1/households?q=${encodeURIComponent('温德明')}`);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0].memberCount).toBe(3);
    // The history lists both jobs, the import on top.
    const history = page.getByTestId('import-history');
    await expect.poll(() => history.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(2);
    const top = history.locator('.ant-table-tbody tr.ant-table-row').first();
    await expect.poll(() => top.textContent()).toContain('已完成');
    expect(await top.textContent()).toContain('新增 7');
    expect(id).toBeGreaterThan(0);
  });

  test('a file with bad rows: the problems by row and column, the error report, a re-run', async () => {
    const head = await freshId('male');
    const badId = head.slice(0, 17) + (head[17] === '0' ? '1' : '0');
    const file = await fillTemplate({
      农户信息: [{ 户主姓名: '钟国华', 户主身份证号: head, 负责村区划代码: village() }],
      家庭成员: [
        { 户主身份证号: head, 姓名: '钟国华', 身份证号: head, 与户主关系: '户主', 劳动能力: '有劳动能力' },
        { 户主身份证号: head, 姓名: '钟小红', 身份证号: await freshId('female'), 与户主关系: '子女', 劳动能力: '很强' },
        { 户主身份证号: head, 姓名: '钟小明', 身份证号: badId, 与户主关系: '子女', 劳动能力: '无劳动能力' },
      ],
    });
    const id = await upload(file, '有错误的文件.xlsx', /导\s*入$/);
    expect(await resultText()).toContain('未写入任何数据');
    const problems = jobPanel().getByTestId('import-problems');
    const byRow = (row: number) => problems.locator('.ant-table-tbody tr.ant-table-row', { hasText: `第${row}行` });
    // Row 3 of 家庭成员 (the header is row 1): the labor ability; row 4: the ID number's check digit.
    await byRow(3).waitFor();
    expect(await byRow(3).textContent()).toMatch(/家庭成员.*劳动能力.*很强/);
    expect(await byRow(4).textContent()).toMatch(/家庭成员.*身份证号.*校验/);
    // The value shown is masked: the whole ID number is not on the page.
    expect(await problems.textContent()).not.toContain(badId);
    expect((await env.api('county', 'GET', `/api/v1/households?q=${encodeURIComponent('钟国华')}`)).body.total).toBe(0);
    await screenshot(page, 'import-rejected');

    // The error report: the uploaded workbook with 错误说明 naming each bad row's problems.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /下载错误报告/ }).click()]);
    expect(download.suggestedFilename()).toBe('有错误的文件-错误报告.xlsx');
    const members = (await readDownload(download)).getWorksheet('家庭成员')!;
    const headers = (members.getRow(1).values as unknown[]).slice(1).map(String);
    const noteCol = headers.indexOf('错误说明') + 1;
    expect(noteCol).toBe(headers.length);
    expect(String(members.getRow(3).getCell(noteCol).value)).toContain('【劳动能力】');
    expect(String(members.getRow(4).getCell(noteCol).value)).toContain('【身份证号】');
    expect(members.getRow(2).getCell(noteCol).value ?? '').toBe('');
    expect(String(members.getRow(4).getCell(headers.indexOf('身份证号') + 1).value)).toBe(badId);

    // 重新运行 the same stored file: a new job, rejected the same way.
    await page.getByRole('button', { name: /重新运行/ }).click();
    await expect.poll(jobIdInUrl).toBeGreaterThan(id);
    await expect.poll(() => jobPanel().textContent()).toContain(`重新运行自任务 ${id}`);
    expect(await resultText()).toContain('未写入任何数据');
  });

  test('fits a phone screen: only tables scroll sideways', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await page.getByTestId('import-result').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await screenshot(page, 'import-phone');
  });
});
