/**
 * Rural registered population per region and year (农村户籍人口, RPT-1): the divisor of the ratio
 * of un-eliminated monitoring objects to the local rural registered population (Q36, Q40). It is
 * configured data the county enters for itself, its townships and villages.
 */
import { INT4_MAX, type Check } from '../validation.ts';
import type { SheetSpec } from './spec.ts';

export const FIRST_POPULATION_YEAR = 2000;
export const LAST_POPULATION_YEAR = 2100;

export const POPULATION_SHEET: SheetSpec = {
  key: 'population',
  name: '农村户籍人口',
  title: '农村户籍人口',
  identity: '以区划代码和年度匹配：人口数有变化的更新（留痕），没有的新增。',
  columns: [
    { header: '区划代码', field: 'regionCode', type: 'regionCode', required: true, example: '360731100201', rule: '12位统计区划代码：本县或本县的乡镇、村', width: 16 },
    { header: '区划名称', field: 'regionName', type: 'text', required: true, max: 50, example: '仓前村委会', rule: '须与区划代码在统计区划中的名称一致（防止代码填错）', width: 16 },
    { header: '年度', field: 'year', type: 'integer', required: true, example: '2024', rule: `${FIRST_POPULATION_YEAR}-${LAST_POPULATION_YEAR} 之间的年份`, width: 8 },
    { header: '农村户籍人口数', field: 'population', type: 'integer', required: true, example: '2350', rule: '该区划当年的农村户籍人口（人），不能为负数', clause: 'Q36、Q40', width: 14 },
  ],
  notes: ['只有县级账号可以导入，范围为本县及其乡镇、村。监测对象占农村户籍人口比例以此为分母（不含已标识的整户无劳动能力兜底保障户，Q36）。'],
};

export interface PopulationInput {
  regionCode: string;
  regionName: string;
  year: number;
  population: number;
}

/** Checks one row's values (paths are the sheet's fields). */
export function checkPopulation(c: Check, raw: Record<string, unknown>): PopulationInput | null {
  const before = c.errors.length;
  const o = c.object('', raw, ['regionCode', 'regionName', 'year', 'population']);
  if (!o) return null;
  const regionCode = c.string('regionCode', o.regionCode, { required: true, max: 12 });
  const regionName = c.string('regionName', o.regionName, { required: true, max: 50 });
  const year = c.integer('year', o.year, { required: true, min: FIRST_POPULATION_YEAR, max: LAST_POPULATION_YEAR });
  const population = c.integer('population', o.population, { required: true, min: 0, max: INT4_MAX });
  if (c.errors.length > before) return null;
  return { regionCode: regionCode!, regionName: regionName!, year: year!, population: population! };
}
