import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultParameters,
  hasValueForYear,
  loadParameters,
  ParameterError,
  ParameterSet,
  PARAMETER_KINDS,
  SHIPPED_PARAMETERS_DIR,
  valueAt,
} from './parameters.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped parameter directory to break or extend. */
function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jianbang-parameters-'));
  dirs.push(dir);
  cpSync(SHIPPED_PARAMETERS_DIR, dir, { recursive: true });
  return dir;
}

const threshold = (values: Record<string, unknown>) => ({
  monitoring_threshold: { description: '监测范围', unit: 'yuan/person/year', values },
});

describe('shipped parameters', () => {
  it('has every registered parameter, each value with a reference', () => {
    const p = defaultParameters();
    expect(p.names().sort()).toEqual(Object.keys(PARAMETER_KINDS).sort());
    for (const name of p.names()) {
      for (const v of p.definition(name).values) expect(v.reference).toMatch(/^Q\d+/);
    }
  });

  it("holds the guide's numbers", () => {
    const on = '2023-06-15';
    expect(valueAt('monitoring_threshold', on)).toBe(7800);
    expect(valueAt('monitoring_threshold_deadline', on)).toBe('03-31');
    expect(valueAt('village_notice_min_days', on)).toBe(5);
    expect(valueAt('lead_to_identification_max_days', on)).toBe(15);
    expect(valueAt('plan_publication_max_days', on)).toBe(10);
    expect(valueAt('system_entry_max_days', on)).toBe(10);
    expect(valueAt('green_channel_verification_months', on)).toBe(1);
    expect(valueAt('member_change_max_months', on)).toBe(3);
    expect(valueAt('elimination_min_assistance_months', on)).toBe(6);
    expect(valueAt('elimination_natural_min_months', on)).toBe(2);
    expect(valueAt('income_window_months', on)).toBe(12);
    expect(valueAt('income_stability_months', on)).toBe(6);
    expect(valueAt('former_poverty_standard', on)).toBeNull();
    expect(valueAt('population_ratio_attention', on)).toBe(0.02);
    expect(defaultParameters().entryAt('monitoring_threshold', on)?.reference).toBe('Q10');
  });

  it('answers which years have a threshold of their own', () => {
    expect(hasValueForYear('monitoring_threshold', 2023)).toBe(true);
    expect(hasValueForYear('monitoring_threshold', 2024)).toBe(false);
  });
});

describe('value in force', () => {
  const p = ParameterSet.fromRecords(
    threshold({
      '2024-03-20': { value: 8200, reference: 'province 2024' },
      '2023-01-01': { value: 7800, reference: 'Q10' },
    }),
  );

  it('is the value with the latest effective date on or before the date', () => {
    expect(p.valueAt('monitoring_threshold', '2023-01-01')).toBe(7800);
    expect(p.valueAt('monitoring_threshold', '2024-03-19')).toBe(7800);
    expect(p.valueAt('monitoring_threshold', '2024-03-20')).toBe(8200);
    expect(p.valueAt('monitoring_threshold', '2030-12-31')).toBe(8200);
    expect(p.entryAt('monitoring_threshold', '2024-04-01')).toEqual({ from: '2024-03-20', value: 8200, reference: 'province 2024' });
  });

  it('does not exist before the first effective date', () => {
    expect(p.entryAt('monitoring_threshold', '2022-12-31')).toBeUndefined();
    expect(() => p.valueAt('monitoring_threshold', '2022-12-31')).toThrow(/monitoring_threshold.*2022-12-31.*2023-01-01/);
    expect(p.firstDate('monitoring_threshold')).toBe('2023-01-01');
  });

  it('names an undefined parameter', () => {
    expect(() => p.valueAt('village_notice_min_days', '2023-06-01')).toThrow('参数 village_notice_min_days 未定义');
  });

  it('grows by withValue without changing the original set', () => {
    const next = defaultParameters().withValue('monitoring_threshold', '2025-01-01', 8500, 'what-if');
    expect(next.valueAt('monitoring_threshold', '2025-06-01')).toBe(8500);
    expect(next.hasValueForYear('monitoring_threshold', 2025)).toBe(true);
    expect(next.valueAt('monitoring_threshold', '2024-06-01')).toBe(7800);
    expect(defaultParameters().valueAt('monitoring_threshold', '2025-06-01')).toBe(7800);
  });
});

describe('validation of parameter records', () => {
  const bad = (records: Record<string, unknown>) => () => ParameterSet.fromRecords(records, 'test');

  it('rejects a malformed or impossible effective date, naming the key', () => {
    expect(bad(threshold({ '2023-1-1': { value: 7800, reference: 'Q10' } }))).toThrow(/monitoring_threshold.*“2023-1-1”.*YYYY-MM-DD/);
    expect(bad(threshold({ '2023-02-30': { value: 7800, reference: 'Q10' } }))).toThrow(/“2023-02-30”/);
  });

  it('rejects a value without a reference, naming the key', () => {
    expect(bad(threshold({ '2023-01-01': { value: 7800 } }))).toThrow(/monitoring_threshold.*“2023-01-01”.*缺少 reference/);
    expect(bad(threshold({ '2023-01-01': { value: 7800, reference: '  ' } }))).toThrow(/缺少 reference/);
  });

  it('rejects a missing value and values of the wrong kind', () => {
    expect(bad(threshold({ '2023-01-01': { reference: 'Q10' } }))).toThrow(/缺少 value/);
    expect(bad(threshold({ '2023-01-01': { value: '7800', reference: 'Q10' } }))).toThrow(/金额/);
    expect(bad(threshold({ '2023-01-01': { value: 7800.001, reference: 'Q10' } }))).toThrow(/金额/);
    expect(bad(threshold({ '2023-01-01': { value: null, reference: 'Q10' } }))).toThrow(/金额/);
    const days = (value: unknown) => ({ village_notice_min_days: { description: 'd', unit: 'day', values: { '2023-01-01': { value, reference: 'Q42' } } } });
    expect(bad(days(5.5))).toThrow(/正整数/);
    expect(bad(days(0))).toThrow(/正整数/);
    const deadline = (value: unknown) => ({ monitoring_threshold_deadline: { description: 'd', unit: 'month-day', values: { '2023-01-01': { value, reference: 'Q10' } } } });
    expect(bad(deadline('3-31'))).toThrow(/MM-DD/);
    expect(bad(deadline('02-30'))).toThrow(/MM-DD/);
  });

  it('allows an unset value only where the guide leaves it to the province', () => {
    const p = ParameterSet.fromRecords({
      former_poverty_standard: { description: 'd', unit: 'yuan/person/year', values: { '2021-01-01': { value: null, reference: 'Q51' } } },
    });
    expect(p.valueAt('former_poverty_standard', '2023-01-01')).toBeNull();
  });

  it('rejects unknown fields, missing description or unit, and unregistered names', () => {
    expect(bad(threshold({ '2023-01-01': { value: 7800, refrence: 'Q10' } }))).toThrow(/未知字段“refrence”/);
    expect(bad({ monitoring_threshold: { unit: 'x', values: { '2023-01-01': { value: 1, reference: 'Q10' } } } })).toThrow(/description/);
    expect(bad({ monitoring_threshold: { description: 'x', values: { '2023-01-01': { value: 1, reference: 'Q10' } } } })).toThrow(/unit/);
    expect(bad({ monitoring_threshold: { description: 'x', unit: 'x', values: {} } })).toThrow(/values/);
    expect(bad({ monitoring_treshold: { description: 'x', unit: 'x', values: { '2023-01-01': { value: 1, reference: 'Q10' } } } })).toThrow(
      /未登记的参数“monitoring_treshold”/,
    );
  });
});

describe('loadParameters (files)', () => {
  it('adding a year is a data-only change: one dated key in the YAML file', () => {
    const dir = copyOfShipped();
    const file = join(dir, 'monitoring_threshold.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}  '2024-03-15':\n    value: 8100\n    reference: 省委农村工作领导小组确定2024年监测范围\n`);
    const p = loadParameters(dir);
    expect(p.valueAt('monitoring_threshold', '2024-03-14')).toBe(7800);
    expect(p.valueAt('monitoring_threshold', '2024-06-01')).toBe(8100);
    expect(p.hasValueForYear('monitoring_threshold', 2024)).toBe(true);
  });

  it('names the file and the key of a malformed date', () => {
    const dir = copyOfShipped();
    const file = join(dir, 'monitoring_threshold.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}  '2024-3-15':\n    value: 8100\n    reference: x\n`);
    expect(() => loadParameters(dir)).toThrow(ParameterError);
    expect(() => loadParameters(dir)).toThrow(/monitoring_threshold\.yaml.*“2024-3-15”/);
  });

  it('names the file and the key of a value without reference', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'village_notice_min_days.yaml'), "description: d\nunit: day\nvalues:\n  '2021-01-01':\n    value: 5\n");
    expect(() => loadParameters(dir)).toThrow(/village_notice_min_days\.yaml.*“2021-01-01”.*缺少 reference/);
  });

  it('rejects invalid YAML, a misspelt file name and a missing file', () => {
    const broken = copyOfShipped();
    writeFileSync(join(broken, 'plan_publication_max_days.yaml'), 'values: [unclosed');
    expect(() => loadParameters(broken)).toThrow(/plan_publication_max_days\.yaml：不是有效的 YAML/);

    const misspelt = copyOfShipped();
    writeFileSync(join(misspelt, 'monitoring_treshold.yaml'), "description: d\nunit: u\nvalues:\n  '2023-01-01': { value: 1, reference: Q10 }\n");
    expect(() => loadParameters(misspelt)).toThrow(/monitoring_treshold\.yaml/);

    const missing = copyOfShipped();
    unlinkSync(join(missing, 'system_entry_max_days.yaml'));
    expect(() => loadParameters(missing)).toThrow(/缺少参数文件：system_entry_max_days\.yaml/);
  });
});
