/**
 * Exact sums of fen. Pro-rating (INC-4) produces fractions of a fen (24000 yuan over 7 months),
 * so a sum is kept as numerator / denominator and only the reported figure is rounded.
 *
 * The common case fits in safe integers (denominators are least common multiples of entry
 * lengths, e.g. 12 or 27720); when a step would leave the safe range the sum switches to BigInt,
 * so the result is exact for any input, and fast for ordinary ones.
 */
const MAX = Number.MAX_SAFE_INTEGER;

const safe = (x: number): boolean => x <= MAX && x >= -MAX;

export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a < 0 ? -a : a;
}

function bigGcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Rounds numerator / denominator (denominator > 0) half away from zero. */
export function roundHalfAwayFromZero(numerator: number, denominator: number): number {
  const a = numerator < 0 ? -numerator : numerator;
  const r = a % denominator;
  let q = (a - r) / denominator;
  if (2 * r >= denominator) q += 1;
  return numerator < 0 ? -q : q;
}

function bigRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const a = numerator < 0n ? -numerator : numerator;
  let q = a / denominator;
  if (2n * (a - q * denominator) >= denominator) q += 1n;
  return numerator < 0n ? -q : q;
}

export class ExactFen {
  // number mode: num / den, both safe integers, den > 0
  private num = 0;
  private den = 1;
  // BigInt mode once `big` is set
  private big = false;
  private bnum = 0n;
  private bden = 1n;

  /** Adds a whole number of fen. */
  addFen(fen: number): this {
    return this.addFraction(fen, 1);
  }

  /** Adds `fen × part / whole`, the share of an entry that falls inside a window (INC-4). */
  addShare(fen: number, part: number, whole: number): this {
    if (part === whole) return this.addFraction(fen, 1);
    const g = gcd(part, whole);
    const numerator = fen * (part / g);
    if (safe(numerator)) return this.addFraction(numerator, whole / g);
    return this.addBig(BigInt(fen) * BigInt(part / g), BigInt(whole / g));
  }

  /** Adds `numerator / denominator` fen; denominator is a positive integer. */
  addFraction(numerator: number, denominator: number): this {
    if (!this.big) {
      const den = this.den;
      if (den % denominator === 0) {
        const term = numerator * (den / denominator);
        const sum = this.num + term;
        if (safe(term) && safe(sum)) {
          this.num = sum;
          return this;
        }
      } else {
        const newDen = (den / gcd(den, denominator)) * denominator;
        const a = this.num * (newDen / den);
        const b = numerator * (newDen / denominator);
        const sum = a + b;
        if (safe(newDen) && safe(a) && safe(b) && safe(sum)) {
          this.num = sum;
          this.den = newDen;
          return this;
        }
      }
    }
    return this.addBig(BigInt(numerator), BigInt(denominator));
  }

  /** Adds another exact sum, scaled by `sign` (+1 or −1). */
  addExact(other: ExactFen, sign: 1 | -1 = 1): this {
    if (other.big) return this.addBig(other.bnum * BigInt(sign), other.bden);
    return this.addFraction(other.num * sign, other.den);
  }

  copy(): ExactFen {
    const c = new ExactFen();
    c.num = this.num;
    c.den = this.den;
    c.big = this.big;
    c.bnum = this.bnum;
    c.bden = this.bden;
    return c;
  }

  /** The sum divided by `divisor` (a positive integer), rounded half away from zero to the fen. */
  roundedFen(divisor = 1): number {
    if (!this.big) {
      const den = this.den * divisor;
      if (safe(den)) return roundHalfAwayFromZero(this.num, den);
      return Number(bigRoundHalfAwayFromZero(BigInt(this.num), BigInt(this.den) * BigInt(divisor)));
    }
    return Number(bigRoundHalfAwayFromZero(this.bnum, this.bden * BigInt(divisor)));
  }

  /** Exact value as a reduced fraction (for tests and diagnostics). */
  toFraction(): { numerator: bigint; denominator: bigint } {
    const n = this.big ? this.bnum : BigInt(this.num);
    const d = this.big ? this.bden : BigInt(this.den);
    const g = bigGcd(n, d) || 1n;
    return { numerator: n / g, denominator: d / g };
  }

  private addBig(numerator: bigint, denominator: bigint): this {
    if (!this.big) {
      this.big = true;
      this.bnum = BigInt(this.num);
      this.bden = BigInt(this.den);
    }
    const den = this.bden;
    if (den % denominator === 0n) {
      this.bnum += numerator * (den / denominator);
    } else {
      const g = bigGcd(den, denominator);
      const newDen = (den / g) * denominator;
      this.bnum = this.bnum * (newDen / den) + numerator * (newDen / denominator);
      this.bden = newDen;
    }
    return this;
  }
}
