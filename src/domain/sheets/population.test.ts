import { describe, expect, it } from 'vitest';
import { Check } from '../validation.ts';
import { checkPopulation, POPULATION_SHEET } from './population.ts';
import { exampleInput, expectWellFormedSheet, rowInput } from '../../../test/helpers/sheet-spec.ts';

const checked = (cells: Record<string, string | number>) => {
  const c = new Check();
  const r = rowInput(POPULATION_SHEET, cells);
  return { value: checkPopulation(c, r.input), errors: c.errors, cellErrors: r.errors };
};

describe('population sheet', () => {
  it('headers and cells parse', () => {
    expectWellFormedSheet(POPULATION_SHEET);
    expect(POPULATION_SHEET.columns.map((c) => c.header)).toEqual(['区划代码', '区划名称', '年度', '农村户籍人口数']);
  });

  it('checks the year and a count that is not negative', () => {
    expect(checked({ 区划代码: '360731100201', 区划名称: '某村', 年度: 2024, 农村户籍人口数: '2350' }).value).toEqual({ regionCode: '360731100201', regionName: '某村', year: 2024, population: 2350 });
    expect(checked({ 区划代码: '360731100201', 区划名称: '某村', 年度: 1999, 农村户籍人口数: 1 }).errors).toEqual([{ path: 'year', message: '不能小于2000' }]);
    expect(checked({ 区划代码: '360731100201', 区划名称: '某村', 年度: 2024, 农村户籍人口数: -3 }).errors).toEqual([{ path: 'population', message: '不能小于0' }]);
    expect(checked({ 区划代码: '360731100201', 区划名称: '某村', 年度: 2024, 农村户籍人口数: '12.5' }).cellErrors).toEqual({ 农村户籍人口数: '应为整数' });
  });

  it('the template’s example row passes', () => {
    const c = new Check();
    expect(checkPopulation(c, exampleInput(POPULATION_SHEET))).toEqual({ regionCode: '360731100201', regionName: '仓前村委会', year: 2024, population: 2350 });
  });
});
