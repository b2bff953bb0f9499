import { describe, expect, it } from 'vitest';
import { RISK_NAMES } from '../../policy/labels.ts';
import { RISK_TYPES } from '../../policy/types.ts';
import {
  daysBetween, ENTRY_DAYS, entryCheck, NATIONAL_HEADERS as H, NATIONAL_HOUSEHOLD_SHEET, NATIONAL_MEMBER_SHEET, NATIONAL_SHEETS, parseRiskNames, riskCell,
} from './national.ts';
import { enumLabels, exportValue, parseCell } from './spec.ts';

describe('national layout (DAT-4)', () => {
  it('orders the household part as the national form: where, who, category and dates, risks, measures, income', () => {
    expect(NATIONAL_HOUSEHOLD_SHEET.columns.map((c) => c.header)).toEqual([
      H.province, H.city, H.county, H.township, H.village, H.householdNo, H.headName, H.headId, H.size, H.phone, H.kind, H.category,
      H.identifiedOn, H.enteredOn, H.risks, H.eliminated, H.eliminatedOn, H.measures, H.income,
    ]);
    expect(NATIONAL_MEMBER_SHEET.columns.map((c) => c.header)).toEqual([
      '户编号', '户主身份证号', '姓名', '证件号码', '与户主关系', '性别', '出生日期', '健康状况', '残疾等级', '劳动能力', '在校生状况', '务工状况',
    ]);
  });

  it('has unique headers and fields, an example and a rule for every column, and marks the sensitive ones', () => {
    for (const sheet of NATIONAL_SHEETS) {
      expect(new Set(sheet.columns.map((c) => c.header)).size).toBe(sheet.columns.length);
      expect(new Set(sheet.columns.map((c) => c.field)).size).toBe(sheet.columns.length);
      for (const c of sheet.columns) expect(c.rule.length, c.header).toBeGreaterThan(0);
    }
    const sensitive = (s: typeof NATIONAL_HOUSEHOLD_SHEET) => s.columns.filter((c) => c.sensitive).map((c) => `${c.header}:${c.sensitive}`);
    expect(sensitive(NATIONAL_HOUSEHOLD_SHEET)).toEqual(['户主身份证号:idNumber', '联系电话:phone']);
    expect(sensitive(NATIONAL_MEMBER_SHEET)).toEqual(['户主身份证号:idNumber', '证件号码:idNumber', '健康状况:health', '残疾等级:health', '务工状况:freeText']);
  });

  it('reads every enum label (and code) of both parts back to its code, and refuses others naming the labels', () => {
    for (const sheet of NATIONAL_SHEETS)
      for (const col of sheet.columns.filter((c) => c.type === 'enum')) {
        for (const code of col.values!) {
          const label = exportValue(col, code) as string;
          const expected = code === 'true' ? true : code === 'false' ? false : code;
          expect(parseCell(col, label), `${col.header} ${label}`).toEqual({ value: expected });
          expect(parseCell(col, code)).toEqual({ value: expected });
        }
        expect(parseCell(col, '不存在的值')).toEqual({ error: `应为 ${enumLabels(col).join(' / ')} 之一` });
      }
  });

  it('labels the categories as the guide names them (Q2) and 风险是否消除 as 是/否', () => {
    const category = NATIONAL_HOUSEHOLD_SHEET.columns.find((c) => c.header === H.category)!;
    expect(enumLabels(category)).toEqual(['脱贫不稳定户', '边缘易致贫户', '突发严重困难户']);
    const eliminated = NATIONAL_HOUSEHOLD_SHEET.columns.find((c) => c.header === H.eliminated)!;
    expect([parseCell(eliminated, '是'), parseCell(eliminated, '否'), parseCell(eliminated, '也许')]).toEqual([{ value: true }, { value: false }, { error: '应填“是”或“否”' }]);
  });

  it('reads the dates in the forms Chinese Excel writes them, and refuses impossible ones', () => {
    for (const col of NATIONAL_SHEETS.flatMap((s) => s.columns.filter((c) => c.type === 'date'))) {
      expect(parseCell(col, '2024/3/5')).toEqual({ value: '2024-03-05' });
      expect(parseCell(col, '2024年3月5日')).toEqual({ value: '2024-03-05' });
      expect(parseCell(col, new Date(Date.UTC(2024, 2, 5)))).toEqual({ value: '2024-03-05' });
      expect(parseCell(col, '2024-02-30')).toEqual({ error: '日期格式应为 YYYY-MM-DD（如 2023-03-05）' });
    }
    const identified = NATIONAL_HOUSEHOLD_SHEET.columns.find((c) => c.header === H.identifiedOn)!;
    expect([identified.required, identified.clause]).toEqual([true, 'Q45']);
    expect(parseCell(identified, '')).toEqual({ error: '必填' });
  });

  it('takes the income in yuan with at most two decimals', () => {
    const income = NATIONAL_HOUSEHOLD_SHEET.columns.find((c) => c.header === H.income)!;
    expect(parseCell(income, '6800.50')).toEqual({ value: 6800.5 });
    expect(parseCell(income, '6,800元')).toEqual({ value: 6800 });
    expect(parseCell(income, '6800.505')).toEqual({ error: '金额最多两位小数' });
  });

  it('reads 风险类型 as a set of the guide’s risk names, in a fixed order', () => {
    for (const t of RISK_TYPES) expect(parseRiskNames(RISK_NAMES[t])).toEqual({ types: [t] });
    expect(parseRiskNames('因学、因病')).toEqual({ types: ['illness', 'education'] });
    expect(parseRiskNames('病，学')).toEqual({ types: ['illness', 'education'] });
    expect(parseRiskNames('因病、掉钱')).toEqual({ unknown: ['掉钱'] });
    expect(riskCell(['education', 'illness', 'illness'])).toBe('因病、因学');
    expect(riskCell([])).toBe('');
  });

  it('counts Q45 entries from the identification date: within 10 days is in time, later or missing after 10 days is overdue', () => {
    expect(ENTRY_DAYS).toBe(10);
    expect(daysBetween('2024-02-25', '2024-03-06')).toBe(10);
    expect(entryCheck('2024-02-25', '2024-03-06', '2024-06-01')).toEqual({ overdue: false });
    expect(entryCheck('2024-02-25', '2024-03-07', '2024-06-01')).toMatchObject({ overdue: true, days: 11 });
    expect(entryCheck('2024-06-01', null, '2024-06-11')).toEqual({ overdue: false });
    expect(entryCheck('2024-06-01', null, '2024-06-12')).toMatchObject({ overdue: true, days: 11 });
    expect(entryCheck(null, null, '2024-06-12')).toEqual({ overdue: false });
    const late = entryCheck('2024-01-01', '2024-01-16', '2024-06-01');
    expect(late.overdue && late.reason).toContain('相隔 15 天');
  });
});
