import { describe, expect, it } from 'vitest';
import { HEALTH_STATES } from './household.ts';
import { birthDateView, maskBankAccount, maskIdNumber, MASKED_HEALTH, maskPhone } from './masking.ts';

describe('masking of sensitive fields (SEC-3, Q47)', () => {
  it('ID number keeps the 6-digit region and the last 4', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('360731198001010016')).toBe('360731********0016');
    expect(maskIdNumber('360731198001010016')).not.toContain('19800101');
  });

  it('phone keeps the first 3 and last 4', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0797-6221234')).toBe('079*****1234');
    expect(maskPhone('123456')).toBe('******');
  });

  it('bank cards of 16, 17 and 19 digits keep the first 4 and last 4', () => {
    expect(maskBankAccount('6222020200112233')).toBe('6222********2233');
    expect(maskBankAccount('62220202001122334')).toBe('6222*********2334');
    expect(maskBankAccount('6222020200112233445')).toBe('6222***********3445');
    expect(maskBankAccount('6222 0202 0011 2233')).toBe('6222********2233');
    for (const card of ['6222020200112233', '62220202001122334', '6222020200112233445'])
      expect(maskBankAccount(card)).toHaveLength(card.length);
  });

  it('short values are masked without revealing more than 4 characters', () => {
    expect(maskIdNumber('1234567890')).toBe('**********');
    expect(maskBankAccount('12345678')).toBe('****5678');
    expect(maskBankAccount('1234')).toBe('1234');
  });

  it('health status is replaced by a fixed mask that names no state', () => {
    expect(MASKED_HEALTH).toBe('***');
    for (const h of HEALTH_STATES) expect(MASKED_HEALTH).not.toContain(h);
  });

  it('a masked birth date keeps the year only, so the masked ID number cannot be completed from it', () => {
    expect(birthDateView('1980-01-01', false)).toEqual({ birthDate: null, birthYear: 1980 });
    expect(birthDateView('1980-01-01', true)).toEqual({ birthDate: '1980-01-01', birthYear: 1980 });
    const masked = maskIdNumber('360731198001010016');
    expect(JSON.stringify({ idNumber: masked, ...birthDateView('1980-01-01', false) })).not.toMatch(/0101|01-01/);
  });
});
