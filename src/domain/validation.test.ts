import { describe, expect, it } from 'vitest';
import { Check, isIsoDate } from './validation.ts';

const errorsOf = (f: (c: Check) => unknown) => {
  const c = new Check();
  f(c);
  return c.errors;
};

describe('Check: bounds a caller did not think of', () => {
  it('keeps integers within int4 unless the caller allows more (a version of 2^31 was a 500)', () => {
    expect(errorsOf((c) => c.integer('version', 2 ** 31, { min: 1 }))).toEqual([{ path: 'version', message: '不能大于2147483647' }]);
    expect(errorsOf((c) => c.integer('n', -(2 ** 31) - 1))).toEqual([{ path: 'n', message: '不能小于-2147483648' }]);
    expect(errorsOf((c) => c.integer('n', 2 ** 31 - 1))).toEqual([]);
    expect(errorsOf((c) => c.integer('fen', 2 ** 40, { max: Number.MAX_SAFE_INTEGER }))).toEqual([]);
    expect(errorsOf((c) => c.integer('n', 1e308))).toEqual([{ path: 'n', message: '不能大于2147483647' }]);
  });

  it('takes ids up to 2^53 − 1 (bigserial) and names a bad one', () => {
    expect(errorsOf((c) => c.id('memberId', 2 ** 40))).toEqual([]);
    expect(errorsOf((c) => c.id('memberId', 2 ** 53))).toEqual([{ path: 'memberId', message: '编号超出范围' }]);
    expect(errorsOf((c) => c.id('memberId', 0))).toEqual([{ path: 'memberId', message: '编号超出范围' }]);
    expect(errorsOf((c) => c.id('memberId', 1.5))).toEqual([{ path: 'memberId', message: '应为整数' }]);
    expect(errorsOf((c) => c.id('memberId', undefined, { required: true }))).toEqual([{ path: 'memberId', message: '必填' }]);
  });

  it('bounds strings at 1000 characters unless the caller says otherwise', () => {
    expect(errorsOf((c) => c.string('note', 'x'.repeat(1001)))).toEqual([{ path: 'note', message: '不能超过1000个字符' }]);
    expect(errorsOf((c) => c.string('note', 'x'.repeat(1000)))).toEqual([]);
    expect(errorsOf((c) => c.string('minutes', 'x'.repeat(2000), { max: 2000 }))).toEqual([]);
  });

  it('refuses dates outside 1900–2100 (year 0000 reached PostgreSQL as a 500)', () => {
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(isIsoDate('1899-12-31')).toBe(false);
    expect(isIsoDate('2101-01-01')).toBe(false);
    expect(isIsoDate('9999-12-31')).toBe(false);
    expect(isIsoDate('1900-01-01')).toBe(true);
    expect(isIsoDate('2100-12-31')).toBe(true);
    expect(isIsoDate('2024-02-30')).toBe(false);
    expect(errorsOf((c) => c.date('leadOn', '0000-01-01'))).toEqual([{ path: 'leadOn', message: '日期应在1900-01-01至2100-12-31之间' }]);
    expect(errorsOf((c) => c.date('leadOn', '2024-02-30'))).toEqual([{ path: 'leadOn', message: '日期格式应为 YYYY-MM-DD' }]);
  });
});
