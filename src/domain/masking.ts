/**
 * Masking of sensitive personal fields (SEC-3, Q47). Applied by the server to every response
 * unless the role may see the value, so the UI never receives what it must not show.
 */
export function maskIdNumber(v: string): string {
  if (v.length <= 10) return '*'.repeat(v.length);
  return v.slice(0, 6) + '*'.repeat(v.length - 10) + v.slice(-4);
}

export function maskPhone(v: string): string {
  if (v.length < 7) return '*'.repeat(v.length);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** Bank cards are 16 to 19 digits: keep the first 4 and last 4, whatever the length. */
export function maskBankAccount(v: string): string {
  const digits = v.replace(/\s+/g, '');
  if (digits.length <= 8) return '*'.repeat(Math.max(0, digits.length - 4)) + digits.slice(-4);
  return digits.slice(0, 4) + '*'.repeat(digits.length - 8) + digits.slice(-4);
}

export const MASKED_HEALTH = '***';

/**
 * A birth date beside a masked ID number is the 8 digits the mask hides, so where the number is
 * masked the date is too: the year only (`birthDate: null`). Revealed, both are given.
 */
export function birthDateView(birthDate: string, revealed: boolean): { birthDate: string | null; birthYear: number } {
  return { birthDate: revealed ? birthDate : null, birthYear: Number(birthDate.slice(0, 4)) };
}
