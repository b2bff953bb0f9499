import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { birthDateFromId, checkDigit, idNumberFacts, idNumberProblem, makeIdNumber } from './id-number.ts';

describe('GB 11643 身份证号 (REG-2)', () => {
  it('accepts the standard example whose check digit is X, upper or lower case', () => {
    expect(checkDigit('11010519491231002')).toBe('X');
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
  });

  it('computes numeric check digits', () => {
    // 360731 19800101 001 → weights sum mod 11 decides the last character
    const first17 = '36073119800101001';
    const id = first17 + checkDigit(first17);
    expect(id).toMatch(/^\d{17}[\dX]$/);
    expect(idNumberProblem(id)).toBeNull();
  });

  it('rejects a wrong check digit with the GB 11643 message', () => {
    expect(idNumberProblem('110105194912310021')).toBe('身份证号校验码错误（GB 11643）');
    const valid = makeIdNumber('360731', '1980-01-01', 1, 'male');
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    expect(idNumberProblem(wrong)).toMatch(/校验码错误/);
  });

  it('rejects an impossible birth date such as 30 February, month 13 or day 00', () => {
    for (const birth of ['19800230', '19801301', '19800100', '19810229', '18991231']) {
      const first17 = `360731${birth}001`;
      expect(idNumberProblem(first17 + checkDigit(first17)), birth).toBe('身份证号中的出生日期无效');
    }
    // 2000 was a leap year, 1900 was not
    expect(birthDateFromId('360731200002290011')).toBe('2000-02-29');
    expect(birthDateFromId('360731190002290011')).toBeNull();
  });

  it('rejects wrong length and characters', () => {
    const valid = makeIdNumber('360731', '1980-01-01', 1, 'male');
    const lengthMessage = '身份证号应为18位，前17位为数字，末位为数字或X';
    expect(idNumberProblem(valid.slice(0, 17))).toBe(lengthMessage);
    expect(idNumberProblem(`${valid}0`)).toBe(lengthMessage);
    expect(idNumberProblem('36073119800101001')).toBe(lengthMessage); // 15/17-digit old numbers are not accepted
    expect(idNumberProblem('')).toBe(lengthMessage);
    expect(idNumberProblem('3607311980010X0011')).toBe(lengthMessage); // X only as the last character
    expect(idNumberProblem(`${valid.slice(0, 17)}Y`)).toBe(lengthMessage);
  });

  it('derives birth date and sex (odd 17th digit = male)', () => {
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', sex: 'female' });
    const male = makeIdNumber('360731', '1975-06-15', 123, 'male');
    expect(Number(male[16]) % 2).toBe(1);
    expect(idNumberFacts(male)).toEqual({ birthDate: '1975-06-15', sex: 'male' });
  });

  it('makeIdNumber round-trips region, birth date and sex for any input', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.constantFrom('360731', '360732', '110105'),
        (date, seq, sex, region) => {
          const birth = date.toISOString().slice(0, 10);
          const id = makeIdNumber(region, birth, seq, sex);
          expect(id).toHaveLength(18);
          expect(id.slice(0, 6)).toBe(region);
          expect(idNumberProblem(id)).toBeNull();
          expect(idNumberFacts(id)).toEqual({ birthDate: birth, sex });
        },
      ),
    );
  });

  it('any single-digit change of a valid number breaks the check digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const id = makeIdNumber('360731', '1980-05-05', 42, 'female');
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        expect(idNumberProblem(changed)).not.toBeNull();
      }),
    );
  });
});
