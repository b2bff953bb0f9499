/**
 * DAT-4 through the browser: the county downloads its monitoring objects in the national layout,
 * changes the file the way the national system's export would differ (a household missing, a
 * category changed), uploads it for reconciliation, sees the differences by kind and downloads
 * them as Excel.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { NATIONAL_HEADERS as H, NATIONAL_HOUSEHOLD_SHEET } from '../../src/domain/sheets/national.ts';
import { DEMO_PASSWORD, launchBrowser, loginThroughUi, newPage, screenshot, startServer, type E2eServer } from './server.ts';

let env: E2eServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startServer();
  browser = await launchBrowser();
  page = await newPage(browser, env.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function download(click: () => Promise<void>): Promise<ExcelJS.Workbook> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile((await file.path())!)) as unknown as ArrayBuffer);
  return wb;
}

describe('county: exchange with the national system in the browser', () => {
  test('exports the national layout, reconciles a changed copy, sees the differences and exports them', async () => {
    await loginThroughUi(page, 'county', DEMO_PASSWORD);
    await page.getByRole('menuitem', { name: '全国系统交换' }).click();
    await page.waitForURL('**/exchange/national');

    const exported = await download(() => page.getByRole('link', { name: /导出全国系统格式/ }).click());
    expect(exported.worksheets.map((w) => w.name)).toEqual(['监测对象户信息', '家庭成员信息']);
    const ws = exported.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(NATIONAL_HOUSEHOLD_SHEET.columns.map((c) => c.header));
    expect(ws.rowCount).toBeGreaterThan(3);

    // The national copy: the first household missing, the second one's category changed.
    const national = new ExcelJS.Workbook();
    const out = national.addWorksheet('监测对象户信息');
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const categoryCol = header.indexOf(H.category);
    const changed = rows[2]!;
    changed[categoryCol] = changed[categoryCol] === '突发严重困难户' ? '边缘易致贫户' : '突发严重困难户';
    for (const r of [rows[0]!, ...rows.slice(2)]) out.addRow(r);
    const path = join(tmpdir(), `national-${Date.now()}.xlsx`);
    await writeFile(path, Buffer.from(await national.xlsx.writeBuffer()));

    await page.locator('input[type=file]').setInputFiles(path);
    await page.getByText(/对账结果（第 \d+ 次）/).waitFor();
    await page.getByRole('tab', { name: /仅监帮有（1）/ }).waitFor();
    await page.getByRole('tab', { name: /字段不一致（1）/ }).click();
    const row = page.locator('.ant-table-row', { hasText: '监测对象类别' });
    await row.waitFor();
    expect(await row.textContent()).toContain(String(changed[categoryCol]));
    await screenshot(page, 'national-exchange');

    const differences = await download(() => page.getByRole('link', { name: /导出 Excel/ }).click());
    const list = differences.worksheets[0]!;
    expect(list.rowCount).toBe(2);
    expect(String(list.getRow(2).getCell(6).value)).toBe('监测对象类别');
    expect(String(list.getRow(2).getCell(5).value)).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });
});
