import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipBomb } from '../../../test/helpers/import-files.ts';
import { importLimits, readTable, sniffTable, TableError, type TableRow } from './read-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'jb-read-'));
const limits = importLimits({});
async function rows(path: string): Promise<TableRow[]> {
  const format = await sniffTable(path, limits);
  const out: TableRow[] = [];
  for await (const r of readTable(path, format, { csvSheetName: 'CSV', limits })) out.push(r);
  return out;
}

describe('readTable', () => {
  it('reads XLSX sheets streamed, with rich text, dates and numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('农户信息');
    ws.addRow(['姓名', '日期', '金额']);
    ws.addRow([{ richText: [{ text: '张' }, { text: '三' }] }, new Date(Date.UTC(2023, 2, 5)), 12.5]);
    wb.addWorksheet('说明').addRow(['不读']);
    const path = join(dir, 'a.xlsx');
    await wb.xlsx.writeFile(path);
    expect(await sniffTable(path, limits)).toEqual({ kind: 'xlsx' });
    const format = await sniffTable(path, limits);
    const got: TableRow[] = [];
    for await (const r of readTable(path, format, { sheets: ['农户信息'], csvSheetName: '', limits })) got.push(r);
    expect(got.map((r) => r.row)).toEqual([1, 2]);
    expect(got[1]!.cells[0]).toBe('张三');
    expect((got[1]!.cells[1] as Date).toISOString().slice(0, 10)).toBe('2023-03-05');
    expect(got[1]!.cells[2]).toBe(12.5);
  });

  it('keeps Chinese text whole where it crosses the chunks of the inflated sheet', async () => {
    const path = join(dir, 'many.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
    const ws = wb.addWorksheet('家庭成员');
    const words = ['有劳动能力', '弱劳力/半劳力', '户主', '配偶', '一般农户'];
    for (let i = 0; i < 20_000; i++) ws.addRow([`成员${i}`, words[i % words.length]]).commit();
    ws.commit();
    await wb.commit();
    const got = await rows(path);
    expect(got).toHaveLength(20_000);
    const bad = got.filter((r, i) => r.cells[0] !== `成员${i}` || r.cells[1] !== words[i % words.length]);
    expect(bad).toEqual([]);
  });

  it('detects UTF-8 with and without BOM and GB18030 CSV', async () => {
    const text = '姓名,村民小组\r\n张三,"第三组,东"\r\n';
    for (const [name, bytes, encoding] of [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf8'],
      ['plain.csv', Buffer.from(text), 'utf8'],
      ['gbk.csv', iconv.encode(text, 'gbk'), 'gb18030'],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect((await sniffTable(path, limits)).encoding).toBe(encoding);
      const got = await rows(path);
      expect(got[0]!.cells).toEqual(['姓名', '村民小组']);
      expect(got[1]!.cells).toEqual(['张三', '第三组,东']);
    }
  });

  it('refuses by content: a renamed binary, an old .xls, an oversized file, too many rows', async () => {
    const bin = join(dir, 'photo.csv');
    writeFileSync(bin, Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10]));
    await expect(sniffTable(bin, limits)).rejects.toThrow('既不是 XLSX 也不是 CSV');
    const xls = join(dir, 'old.xlsx');
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]));
    await expect(sniffTable(xls, limits)).rejects.toThrow('.xls');
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'a\n'.repeat(600));
    await expect(sniffTable(big, { ...limits, maxBytes: 1000 })).rejects.toThrow('文件过大');
    const format = await sniffTable(big, limits);
    const it = readTable(big, format, { csvSheetName: 'CSV', limits: { ...limits, maxRows: 10 } });
    await expect((async () => { for await (const _ of it); })()).rejects.toBeInstanceOf(TableError);
  });

  it('refuses a zip bomb from its directory, before inflating anything', async () => {
    const path = join(dir, 'bomb.xlsx');
    writeFileSync(path, zipBomb());
    await expect(sniffTable(path, limits)).rejects.toThrow('压缩炸弹');
  });
});
