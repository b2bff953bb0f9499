/** Checks every column specification must pass, whatever its sheet (used by src/domain/sheets/*.test.ts). */
import { expect } from 'vitest';
import { enumLabels, parseCell, setPath, type CellValue, type ColumnSpec, type ColumnType, type SheetSpec } from '../../src/domain/sheets/spec.ts';

export const valueOf = (col: ColumnSpec, raw: CellValue) => {
  const p = parseCell(col, raw);
  return 'error' in p ? { error: p.error } : p.value;
};

export const column = (spec: SheetSpec, header: string) => {
  const col = spec.columns.find((c) => c.header === header);
  if (!col) throw new Error(`${spec.name} 没有列 ${header}`);
  return col;
};

/** The template's example row as the validator's input (empty example cells left out, as on import). */
export function exampleInput(spec: SheetSpec): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const col of spec.columns) {
    const p = parseCell(col, col.example);
    expect('error' in p ? p.error : null, `${spec.name}.${col.header} 示例`).toBeNull();
    if ('value' in p && p.value !== null) setPath(input, col.field, p.value);
  }
  return input;
}

const ANY_ERROR = Symbol('any error');
/** Cells of each type as people write them, and what they parse to. */
const CELL_FORMS: Partial<Record<ColumnType, [CellValue, unknown][]>> = {
  boolean: [['是', true], ['否', false], ['也许', { error: '应填“是”或“否”' }]],
  date: [
    ['2024-03-05', '2024-03-05'], ['2024/3/5', '2024-03-05'], ['2024年3月5日', '2024-03-05'], [new Date(Date.UTC(2024, 2, 5)), '2024-03-05'],
    ['2024-02-30', ANY_ERROR], ['1899-12-31', ANY_ERROR],
  ],
  month: [['2024-03', '2024-03'], ['2024/3', '2024-03'], ['2024年3月', '2024-03'], [new Date(Date.UTC(2024, 2, 1)), '2024-03'], ['2024-13', ANY_ERROR]],
  money: [
    ['12.30', 12.3], ['1,234.50', 1234.5], ['800元', 800], [1234.5, 1234.5],
    ['12.345', { error: '金额最多两位小数' }], ['-1', { error: '金额不能为负数' }], ['一千', { error: '金额应为数字（元）' }],
  ],
  idNumber: [['36073119800101123x', '36073119800101123X'], ['360731 19800101 1234', '360731198001011234']],
  integer: [['2024', 2024], [2024, 2024], ['20.5', { error: '应为整数' }]],
  regionCode: [['360731100201', '360731100201'], ['3607311002', { error: '区划代码应为12位数字' }]],
};

/** Headers and fields unique; every enum label and code parses to its code; each type's cell forms. */
export function expectWellFormedSheet(spec: SheetSpec) {
  expect(new Set(spec.columns.map((c) => c.header)).size).toBe(spec.columns.length);
  expect(new Set(spec.columns.map((c) => c.field)).size).toBe(spec.columns.length);
  for (const col of spec.columns) {
    const at = `${spec.name}.${col.header}`;
    expect(col.rule, at).toBeTruthy();
    if (col.required) expect(valueOf(col, ''), at).toEqual({ error: '必填' });
    else expect(valueOf(col, ''), at).toBeNull();
    switch (col.type) {
      case 'enum': {
        expect(col.values?.length, at).toBeGreaterThan(0);
        const labels = enumLabels(col);
        expect(new Set(labels).size, `${at} 标签不重复`).toBe(labels.length);
        const asValue = (code: string) => (code === 'true' ? true : code === 'false' ? false : code);
        col.values!.forEach((code, i) => {
          expect(col.labels?.[code], `${at} ${code} 有中文标签`).toBeTruthy();
          expect(valueOf(col, labels[i]!), `${at} ${labels[i]}`).toBe(asValue(code));
          expect(valueOf(col, ` ${labels[i]!} `), `${at} 前后空格`).toBe(asValue(code));
          expect(valueOf(col, code), `${at} 代码 ${code}`).toBe(asValue(code));
        });
        expect(valueOf(col, '不存在的选项'), at).toHaveProperty('error');
        break;
      }
      case 'text':
        if (col.max) expect(valueOf(col, 'x'.repeat(col.max + 1))).toEqual({ error: `不能超过${col.max}个字符` });
        expect(valueOf(col, "'=1+1")).toBe('=1+1'); // an escaped cell reads back as written
        break;
      default:
        for (const [raw, want] of CELL_FORMS[col.type] ?? []) {
          const got = valueOf(col, raw);
          if (want === ANY_ERROR) expect(got, `${at} ${String(raw)}`).toHaveProperty('error');
          else expect(got, `${at} ${String(raw)}`).toEqual(want);
        }
        if (col.type === 'idNumber') expect(col.sensitive, `${at} 脱敏`).toBe('idNumber');
        break;
    }
  }
}

/** A row given as header → cell, parsed as an import parses it: the validator's input and the cells' own errors. */
export function rowInput(spec: SheetSpec, cells: Record<string, CellValue>) {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [header, raw] of Object.entries(cells)) {
    const col = column(spec, header);
    const p = parseCell(col, raw);
    if ('error' in p) errors[header] = p.error;
    else if (p.value !== null) setPath(input, col.field, p.value);
  }
  return { input, errors };
}
