import { describe, expect, it } from 'vitest';
import { checkHousehold, checkMember, FALLBACK_BASES, HEALTH_STATES, LABOR_ABILITIES, REGISTRATIONS, RELATIONS, RESPONSIBILITY_BASES, SCHOOLING } from '../household.ts';
import { Check } from '../validation.ts';
import { HOUSEHOLDS_SHEET, MEMBERS_SHEET } from './registry.ts';
import { column, exampleInput, expectWellFormedSheet, rowInput, valueOf } from '../../../test/helpers/sheet-spec.ts';
import * as webLabels from '../../../web/src/labels.ts';

describe('registry sheets (信息采集表)', () => {
  it('headers, enums and cell forms are well formed', () => {
    expectWellFormedSheet(HOUSEHOLDS_SHEET);
    expectWellFormedSheet(MEMBERS_SHEET);
  });

  it('enum codes are the domain’s, labels the forms’ wording', () => {
    const codes = (spec: typeof MEMBERS_SHEET, header: string) => column(spec, header).values;
    expect(codes(MEMBERS_SHEET, '与户主关系')).toEqual(RELATIONS);
    expect(codes(MEMBERS_SHEET, '户籍类型')).toEqual(REGISTRATIONS);
    expect(codes(MEMBERS_SHEET, '劳动能力')).toEqual(LABOR_ABILITIES);
    expect(codes(MEMBERS_SHEET, '健康状况')).toEqual(HEALTH_STATES);
    expect(codes(MEMBERS_SHEET, '在校情况')).toEqual(SCHOOLING);
    expect(codes(HOUSEHOLDS_SHEET, '责任认定依据')).toEqual(RESPONSIBILITY_BASES);
    expect(codes(HOUSEHOLDS_SHEET, '兜底保障依据')).toEqual(FALLBACK_BASES);
    expect(column(MEMBERS_SHEET, '与户主关系').labels).toEqual(webLabels.RELATION);
    expect(column(MEMBERS_SHEET, '劳动能力').labels).toEqual(webLabels.LABOR_ABILITY);
    expect(column(MEMBERS_SHEET, '健康状况').labels).toEqual(webLabels.HEALTH);
    expect(column(MEMBERS_SHEET, '在校情况').labels).toEqual(webLabels.SCHOOLING);
    expect(column(MEMBERS_SHEET, '户籍类型').labels).toEqual(webLabels.REGISTRATION);
    expect(column(HOUSEHOLDS_SHEET, '责任认定依据').labels).toEqual(webLabels.RESPONSIBILITY_BASIS);
  });

  it('the templates’ example rows pass the forms’ validators', () => {
    const c = new Check();
    checkHousehold(c, 'household', exampleInput(HOUSEHOLDS_SHEET).household);
    const { headIdNumber: _h, regionCode: _r, ...member } = exampleInput(MEMBERS_SHEET);
    checkMember(c, '', member);
    expect(c.errors).toEqual([]);
  });

  it('a row gets the forms’ messages: ID number check digit, birth date against the number, disability grade', () => {
    const { input } = rowInput(MEMBERS_SHEET, { 姓名: '张三', 身份证号: '360731198001011230', 与户主关系: '户主', 劳动能力: '有劳动能力' });
    const c = new Check();
    checkMember(c, '', input);
    expect(c.errors).toEqual([{ path: 'idNumber', message: expect.stringContaining('校验码') }]);
    const other = rowInput(MEMBERS_SHEET, { 姓名: '张三', 身份证号: '36073119800101123X', 出生日期: '1980-01-02', 与户主关系: '户主', 劳动能力: '有劳动能力', 健康状况: '残疾' });
    const c2 = new Check();
    checkMember(c2, '', other.input);
    expect(c2.errors.map((e) => e.path).sort()).toEqual(['birthDate', 'disabilityGrade']);
    expect(valueOf(column(HOUSEHOLDS_SHEET, '户类型'), '脱贫户')).toBe(true);
  });
});
