/**
 * 12-digit statistical division codes (GB/T 2260 extended by the statistics bureau):
 * PP CC DD TTT VVV — province, city, county, township, village.
 */
export type RegionLevel = 1 | 2 | 3 | 4 | 5;
export const LEVEL_NAMES: Record<RegionLevel, string> = { 1: '省', 2: '市', 3: '县', 4: '乡镇', 5: '村' };
const PREFIX_LENGTH: Record<RegionLevel, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };

export function isRegionCode(code: string): boolean {
  return /^[0-9]{12}$/.test(code);
}

/** Pads a short code (36, 3607, 360731, 360731100) to 12 digits. */
export function padRegionCode(code: string | number): string {
  return String(code).padEnd(12, '0');
}

export function regionLevel(code: string): RegionLevel {
  if (code.slice(9) !== '000') return 5;
  if (code.slice(6, 9) !== '000') return 4;
  if (code.slice(4, 6) !== '00') return 3;
  if (code.slice(2, 4) !== '00') return 2;
  return 1;
}

/** The significant prefix of a code: every code in its subtree starts with it. */
export function subtreePrefix(code: string): string {
  return code.slice(0, PREFIX_LENGTH[regionLevel(code)]);
}

export function isInSubtree(ancestor: string, code: string): boolean {
  return code.startsWith(subtreePrefix(ancestor));
}

export function countyCodeOf(code: string): string | null {
  return regionLevel(code) >= 3 ? code.slice(0, 6) : null;
}

export function parentCode(code: string): string | null {
  const level = regionLevel(code);
  if (level === 1) return null;
  return padRegionCode(code.slice(0, PREFIX_LENGTH[(level - 1) as RegionLevel]));
}
