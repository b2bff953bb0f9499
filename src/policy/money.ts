/**
 * Money at the edges is yuan (a JSON number with at most 2 decimals); inside the engine it is
 * integer fen, so no rounding error creeps into sums.
 */

/** Largest amount accepted in one entry: far above any household figure, and small enough that
 *  every amount converts to fen exactly and sums stay in the fast exact path. */
export const MAX_AMOUNT_YUAN = 1_000_000_000_000;

/** Fen of a validated yuan amount. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/** Yuan as a JSON number: 21600 → 216, −113333 fen → −1133.33. */
export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** True when `yuan` is a finite number with at most two decimals. */
export function hasAtMostTwoDecimals(yuan: number): boolean {
  const fen = Math.round(yuan * 100);
  // Dividing the integer fen by 100 gives back the very double a 2-decimal literal parses to.
  return Number.isSafeInteger(fen) && fen / 100 === yuan;
}

/** `7200.00`, `-1133.33`: income figures in reasons always show the fen. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = fen < 0 ? -fen : fen;
  const cents = a % 100;
  return `${sign}${(a - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/** `7800`, `7800.50`: a threshold shows fen only when it has them, as the guide writes it. */
export function formatThreshold(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : formatYuan(fen);
}
