import { describe, expect, it } from 'vitest';
import { Check } from './validation.ts';
import { checkYear, YEARLY_UPDATE_MONITORING_STATUSES } from './yearly-update.ts';

describe('yearly basic-information update (REG-6, Q48)', () => {
  it('covers monitored households and those whose risk was eliminated', () => {
    expect(YEARLY_UPDATE_MONITORING_STATUSES).toEqual(['monitored', 'eliminated']);
  });

  it('takes a year from 2021 to the current one, as a number or a query string', () => {
    const c = new Check();
    expect(checkYear(c, 'year', 2024, '2024-06-15')).toBe(2024);
    expect(checkYear(c, 'year', '2021', '2024-06-15')).toBe(2021);
    expect(c.errors).toEqual([]);
    expect(checkYear(c, 'year', 2025, '2024-06-15')).toBeNull();
    expect(checkYear(c, 'year', 2020, '2024-06-15')).toBeNull();
    expect(checkYear(c, 'year', '24', '2024-06-15')).toBeNull();
    expect(checkYear(c, 'year', undefined, '2024-06-15')).toBeNull();
    expect(c.errors.map((e) => e.message)).toEqual([
      '年度应在 2021–2024 之间（不能为尚未到来的年度，Q48）', '年度应在 2021–2024 之间（不能为尚未到来的年度，Q48）', '年度应为4位整数，如 2024', '必填',
    ]);
  });
});
