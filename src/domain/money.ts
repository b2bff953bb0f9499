/** Money is integer fen inside the system; yuan with at most 2 decimals at the edges. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: number): number {
  return fen / 100;
}

export function hasAtMostTwoDecimals(v: number): boolean {
  return Number.isFinite(v) && Math.abs(Math.round(v * 100) - v * 100) < 1e-6;
}
