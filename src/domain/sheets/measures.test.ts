import { describe, expect, it } from 'vitest';
import { checkMeasure, EXCLUDED_FORM_NAMES, EXCLUDED_FORMS, MEASURE_CATALOGUE, MEASURE_TYPES } from '../measures.ts';
import { DEPARTMENT_KIND_NAMES, DEPARTMENT_KINDS } from '../roles.ts';
import { Check } from '../validation.ts';
import { MEASURE_TYPE_NAMES, MEASURES_SHEET } from './measures.ts';
import { column, exampleInput, expectWellFormedSheet, rowInput } from '../../../test/helpers/sheet-spec.ts';

function checked(input: Record<string, unknown>) {
  const { headIdNumber: _h, ...body } = input;
  const c = new Check();
  return { cols: checkMeasure(c, '', body), errors: c.errors };
}

describe('measures sheet', () => {
  it('headers, enums, dates and ID numbers parse', () => {
    expectWellFormedSheet(MEASURES_SHEET);
  });

  it('enum codes and labels are the catalogue’s', () => {
    expect(column(MEASURES_SHEET, '措施类型').values).toEqual(MEASURE_TYPES);
    expect(column(MEASURES_SHEET, '责任部门').values).toEqual(DEPARTMENT_KINDS);
    expect(column(MEASURES_SHEET, '帮扶形式').values).toEqual(EXCLUDED_FORMS);
    for (const t of MEASURE_TYPES) expect(MEASURE_TYPE_NAMES[t]).toBe(MEASURE_CATALOGUE[t].name);
    expect(column(MEASURES_SHEET, '责任部门').labels).toBe(DEPARTMENT_KIND_NAMES);
    expect(column(MEASURES_SHEET, '帮扶形式').labels).toBe(EXCLUDED_FORM_NAMES);
  });

  it('the template’s example row passes the form’s validator', () => {
    expect(checked(exampleInput(MEASURES_SHEET))).toMatchObject({ errors: [], cols: { type: 'industry', developmental: true, department_kind: null } });
  });

  it('the form’s rules: the period end of Q28, 其他 states whether developmental, excluded forms', () => {
    const base = { 措施内容: '公益性岗位保洁员', 计划开始日期: '2024-04-01' };
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '公益性岗位' }).input).errors).toEqual([
      { path: 'periodEnd', message: expect.stringContaining('岗位协议到期日') },
    ]);
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '公益性岗位', 结束日期: '2024/12/31' }).input).cols).toMatchObject({
      type: 'public_welfare_job', period_end: '2024-12-31', department_kind: 'human_resources', developmental: true,
    });
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '其他' }).input).errors).toEqual([{ path: 'developmental', message: '必填' }]);
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '产业帮扶', 是否开发式帮扶: '是' }).input).errors[0]!.message).toContain('由措施类型决定');
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '产业帮扶', 帮扶形式: '入股分红' }).input).cols).toMatchObject({ form: 'share_dividend', developmental: false });
    expect(checked(rowInput(MEASURES_SHEET, { ...base, 措施类型: '产业帮扶', 结束日期: '2024-03-01' }).input).errors).toEqual([{ path: 'periodEnd', message: '结束日期不能早于计划开始日期' }]);
  });

  it('says that status changes are not imported', () => {
    expect(MEASURES_SHEET.notes?.join('')).toContain('导入不改变措施状态');
    expect(MEASURES_SHEET.columns.some((c) => /状态/.test(c.header))).toBe(false);
  });
});
