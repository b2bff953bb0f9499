/** 12-digit division codes, as in src/domain/region-code.ts (kept tiny and duplicated for the browser). */
export const ROOT_REGION = '360000000000';
const PREFIX = [0, 2, 4, 6, 9, 12];

export function regionLevel(code: string): number {
  if (code.slice(9) !== '000') return 5;
  if (code.slice(6, 9) !== '000') return 4;
  if (code.slice(4, 6) !== '00') return 3;
  if (code.slice(2, 4) !== '00') return 2;
  return 1;
}

/** Codes from the province down to `code` inclusive. */
export function regionChain(code: string): string[] {
  const out: string[] = [];
  for (let l = 1; l <= regionLevel(code); l++) out.push(code.slice(0, PREFIX[l]).padEnd(12, '0'));
  return out;
}
