import { describe, expect, it } from 'vitest';
import { checkRecord, RECORD_KINDS, type RecordKind } from '../household-records.ts';
import { CLAIM_STATUSES, CLAIM_TYPES, EXPENSE_TYPES, INCOME_TYPES, RISK_TYPES } from '../../policy/types.ts';
import { Check } from '../validation.ts';
import { idNumberProblem } from '../id-number.ts';
import * as web from '../../../web/src/labels.ts';
import { CLAIM_STATUS_NAMES, CLAIM_TYPE_NAMES, EXPENSE_TYPE_NAMES, INCOME_TYPE_NAMES, RECORD_SHEETS, RISK_TYPE_NAMES } from './records.ts';
import { HEAD_ID_HEADER } from './registry.ts';
import { column, exampleInput, expectWellFormedSheet, rowInput, valueOf } from '../../../test/helpers/sheet-spec.ts';

/** What the importer gives checkRecord: the row without the ID number columns it resolves itself. */
function checked(kind: RecordKind, input: Record<string, unknown>) {
  const { headIdNumber: _h, memberIdNumber: _m, ...body } = input;
  const c = new Check();
  const cols = checkRecord(kind, c, body);
  return { cols, errors: c.errors };
}

describe('record sheets', () => {
  it.each(RECORD_KINDS)('%s: headers, enums, dates, months, money and ID numbers parse', (kind) => {
    expectWellFormedSheet(RECORD_SHEETS[kind]);
    expect(RECORD_SHEETS[kind].key).toBe(kind);
    expect(RECORD_SHEETS[kind].columns[0]!.header).toBe(HEAD_ID_HEADER);
  });

  it.each(RECORD_KINDS)('%s: the template’s example row passes the forms’ validator', (kind) => {
    expect(checked(kind, exampleInput(RECORD_SHEETS[kind])).errors).toEqual([]);
  });

  it('enum codes are the domain’s lists, so the sheets cannot drift from the validator', () => {
    const codes = (kind: RecordKind, header: string) => column(RECORD_SHEETS[kind], header).values;
    expect(codes('incomes', '收入类型')).toEqual(INCOME_TYPES);
    expect(codes('claims', '理赔类型')).toEqual(CLAIM_TYPES);
    expect(codes('claims', '到位情况')).toEqual(CLAIM_STATUSES);
    expect(codes('expenses', '支出类型')).toEqual(EXPENSE_TYPES);
    expect(codes('risks', '风险类型')).toEqual(RISK_TYPES);
    for (const [names, list] of [[INCOME_TYPE_NAMES, INCOME_TYPES], [CLAIM_TYPE_NAMES, CLAIM_TYPES], [CLAIM_STATUS_NAMES, CLAIM_STATUSES], [EXPENSE_TYPE_NAMES, EXPENSE_TYPES], [RISK_TYPE_NAMES, RISK_TYPES]] as const)
      expect(Object.keys(names)).toEqual([...list]);
  });

  it('labels are the ones the forms show (web/src/labels.ts)', () => {
    expect(INCOME_TYPE_NAMES).toEqual(web.INCOME_TYPE);
    expect(CLAIM_TYPE_NAMES).toEqual(web.CLAIM_TYPE);
    expect(CLAIM_STATUS_NAMES).toEqual(web.CLAIM_STATUS);
    expect(EXPENSE_TYPE_NAMES).toEqual(web.EXPENSE_TYPE);
    expect(RISK_TYPE_NAMES).toEqual(web.RISK_TYPE);
  });

  it('money: yuan with at most two decimals, stored in fen', () => {
    const ok = rowInput(RECORD_SHEETS.incomes, { 收入类型: '工资性收入', '金额（元）': '1,234.50', 起始月份: '2024-01', 截止月份: '2024-12' });
    expect(ok.errors).toEqual({});
    expect(checked('incomes', ok.input).cols.amount_fen).toBe(123450);
    expect(checked('incomes', rowInput(RECORD_SHEETS.incomes, { 收入类型: '工资性收入', '金额（元）': '12.30', 起始月份: '2024-01', 截止月份: '2024-12' }).input).cols.amount_fen).toBe(1230);
    expect(rowInput(RECORD_SHEETS.claims, { '金额（元）': '12.345' }).errors).toEqual({ '金额（元）': '金额最多两位小数' });
    // A numeric cell with three decimals passes the cell and is refused by the form's validator.
    const numeric = checked('claims', rowInput(RECORD_SHEETS.claims, { 理赔类型: '商业保险理赔', '金额（元）': 12.345, 月份: '2024-03', 到位情况: '已到位' }).input);
    expect(numeric.errors).toEqual([{ path: 'amount', message: '金额最多两位小数' }]);
  });

  it('the forms’ messages: months in order, a resolved date without resolution', () => {
    const income = rowInput(RECORD_SHEETS.incomes, { 收入类型: '转移性收入', '金额（元）': 100, 起始月份: '2024年6月', 截止月份: '2024/3' });
    expect(checked('incomes', income.input).errors).toEqual([{ path: 'to', message: '截止月份不能早于起始月份' }]);
    const risk = rowInput(RECORD_SHEETS.risks, { 风险类型: '因病', 发现日期: '2024-03-05', 能否依靠自身力量解决: '难以依靠自身力量解决', 是否已解决: '否', 解决日期: '2024-04-01' });
    expect(checked('risks', risk.input).errors).toEqual([{ path: 'resolvedOn', message: '风险未解决时不应填写解决日期' }]);
    const r = checked('risks', rowInput(RECORD_SHEETS.risks, { 风险类型: '因灾', 发现日期: '2024-03-05', 能否依靠自身力量解决: '可依靠自身力量解决' }).input);
    expect(r.cols).toMatchObject({ type: 'disaster', self_resolvable: true, income_drop: false, resolved: false, found_on: '2024-03-05' });
  });

  it('ID numbers: normalized by the cell, the check digit checked as in the forms', () => {
    const head = column(RECORD_SHEETS.incomes, HEAD_ID_HEADER);
    const member = column(RECORD_SHEETS.incomes, '成员身份证号');
    expect(member.required).toBe(false);
    expect(valueOf(head, '36073119800101123x')).toBe('36073119800101123X');
    expect(idNumberProblem(valueOf(head, '360731199001011230') as string)).toContain('校验');
  });
});
