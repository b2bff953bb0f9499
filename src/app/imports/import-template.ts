import ExcelJS from 'exceljs';
import { enumLabels, type SheetSpec } from '../../domain/sheets/spec.ts';
import { notFound } from '../errors.ts';
import { importerFor, IMPORT_SHEETS } from './importers.ts';

const TYPE_NAMES: Record<string, string> = {
  text: '文本', integer: '整数', money: '金额（元，最多两位小数）', date: '日期 YYYY-MM-DD', month: '月份 YYYY-MM',
  boolean: '是 / 否', enum: '下拉选择', idNumber: '18位身份证号', regionCode: '12位区划代码',
};

const LAST_ROW = 10001;

const colName = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

const LISTS = '选项';

function addDataSheet(wb: ExcelJS.Workbook, spec: SheetSpec, lists: string[][]) {
  const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = spec.columns.map((c) => ({ header: c.header, key: c.field, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  spec.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: c.required ? 'FFFDE2E2' : 'FFEFEFEF' } };
    cell.note = `${c.required ? '必填。' : ''}${c.rule}${c.clause ? `（${c.clause}）` : ''}`;
    // Long digit strings stay text: Excel would turn an ID number into 3.6E+17 and lose digits.
    if (c.type === 'idNumber' || c.type === 'regionCode' || c.type === 'text') ws.getColumn(i + 1).numFmt = '@';
    const labels = enumLabels(c);
    if (c.type === 'enum' || c.type === 'boolean') {
      const col = colName(lists.length);
      lists.push([c.header, ...labels]);
      const range = `'${LISTS}'!$${col}$2:$${col}$${labels.length + 1}`;
      const target = colName(i);
      (ws as any).dataValidations.add(`${target}2:${target}${LAST_ROW}`, {
        type: 'list', allowBlank: !c.required, formulae: [range], showErrorMessage: true, errorStyle: 'stop',
        errorTitle: c.header, error: `请从下拉列表中选择：${labels.join('、')}`,
      });
    }
  });
  ws.addRow(spec.columns.map((c) => c.example || null));
  ws.getRow(2).font = { color: { argb: 'FF888888' }, italic: true };
}

function addInstructions(wb: ExcelJS.Workbook, specs: readonly SheetSpec[], title: string) {
  const ws = wb.addWorksheet('说明');
  ws.columns = [{ width: 16 }, { width: 28 }, { width: 8 }, { width: 24 }, { width: 60 }, { width: 10 }, { width: 22 }];
  ws.addRow([`${title} 导入说明`]).font = { bold: true, size: 14 };
  ws.addRow(['整份文件要么全部导入，要么一行也不写入：任何一行有错误，都会给出错误报告（行号、列名、原因），改正后重新导入即可。第2行为示例，导入前请删除或改写。']);
  ws.addRow(['可以先用“校验”检查文件（不写入），再正式导入；重复导入同一文件不会产生重复数据。']);
  for (const spec of specs) {
    ws.addRow([]);
    ws.addRow([`工作表“${spec.name}”`]).font = { bold: true };
    ws.addRow([`匹配规则：${spec.identity}`]);
    for (const n of spec.notes ?? []) ws.addRow([n]);
    ws.addRow(['工作表', '列名', '必填', '类型', '规则与取值', '依据', '示例']).font = { bold: true };
    for (const c of spec.columns) {
      const values = c.type === 'enum' || c.type === 'boolean' ? `取值：${enumLabels(c).join('、')}。` : '';
      ws.addRow([spec.name, c.header, c.required ? '是' : '否', TYPE_NAMES[c.type] ?? c.type, `${values}${c.rule}`, c.clause ?? '', c.example]);
    }
  }
}

/**
 * The import template of a sheet (DAT-1): one data sheet per part with the header row, a
 * drop-down list for every enumerated column (from a hidden 选项 sheet), the rule of each column
 * as a header note, one example row, and an instructions sheet (说明) naming each column's rule
 * and clause — all from the column specifications.
 */
export async function importTemplate(sheet: string): Promise<{ fileName: string; buffer: Buffer }> {
  const importer = importerFor(sheet);
  if (!importer) throw notFound(`没有这个导入模板：应为 ${IMPORT_SHEETS.join(' / ')} 之一`);
  const wb = new ExcelJS.Workbook();
  wb.creator = '监帮';
  // The data sheets first (the first is the one a CSV would hold), the hidden lists last.
  const lists: string[][] = [];
  for (const spec of importer.sheets) addDataSheet(wb, spec, lists);
  addInstructions(wb, importer.sheets, importer.title);
  const ws = wb.addWorksheet(LISTS, { state: 'hidden' });
  lists.forEach((values, i) => values.forEach((v, j) => (ws.getCell(j + 1, i + 1).value = v)));
  return { fileName: `${importer.title}导入模板.xlsx`, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}
