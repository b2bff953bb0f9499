/** GB 11643-1999 citizen identity number: 6-digit region, 8-digit birth date, 3-digit sequence, check digit. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export interface IdNumberFacts {
  birthDate: string;
  sex: 'male' | 'female';
}

/** Returns null when valid, else the reason in Chinese. */
export function idNumberProblem(value: string): string | null {
  if (!/^[0-9]{17}[0-9Xx]$/.test(value)) return '身份证号应为18位，前17位为数字，末位为数字或X';
  const birth = birthDateFromId(value);
  if (!birth) return '身份证号中的出生日期无效';
  if (checkDigit(value.slice(0, 17)) !== value[17]!.toUpperCase()) return '身份证号校验码错误（GB 11643）';
  return null;
}

export function birthDateFromId(value: string): string | null {
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
}

export function idNumberFacts(value: string): IdNumberFacts {
  return {
    birthDate: birthDateFromId(value)!,
    sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** Builds a valid number from its parts (demo data, tests). */
export function makeIdNumber(regionCode6: string, birthDate: string, sequence: number, sex: 'male' | 'female'): string {
  let seq = sequence % 1000;
  if ((seq % 2 === 1) !== (sex === 'male')) seq = (seq + 1) % 1000;
  const first17 = regionCode6 + birthDate.replaceAll('-', '') + String(seq).padStart(3, '0');
  return first17 + checkDigit(first17);
}
