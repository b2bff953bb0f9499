import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactFen, roundHalfAwayFromZero } from './exact.ts';

/** Reference: the same sums in BigInt fractions, reduced, no fast path. */
function reference(terms: readonly [number, number, number][]): { n: bigint; d: bigint } {
  let n = 0n;
  let d = 1n;
  for (const [fen, part, whole] of terms) {
    n = n * BigInt(whole) + BigInt(fen) * BigInt(part) * d;
    d = d * BigInt(whole);
  }
  return { n, d };
}

function bigRound(n: bigint, d: bigint): bigint {
  const a = n < 0n ? -n : n;
  let q = a / d;
  if (2n * (a - q * d) >= d) q += 1n;
  return n < 0n ? -q : q;
}

const term = (maxFen: number) =>
  fc
    .tuple(fc.integer({ min: -maxFen, max: maxFen }), fc.integer({ min: 1, max: 60 }))
    .chain(([fen, whole]) => fc.tuple(fc.constant(fen), fc.integer({ min: 0, max: whole }), fc.constant(whole)));

describe('ExactFen', () => {
  it('rounds half away from zero', () => {
    expect(roundHalfAwayFromZero(1, 2)).toBe(1);
    expect(roundHalfAwayFromZero(-1, 2)).toBe(-1);
    expect(roundHalfAwayFromZero(1, 3)).toBe(0);
    expect(roundHalfAwayFromZero(2, 3)).toBe(1);
    expect(roundHalfAwayFromZero(-5, 2)).toBe(-3);
    expect(roundHalfAwayFromZero(0, 7)).toBe(0);
  });

  it('keeps thirds exact', () => {
    const s = new ExactFen().addShare(10000, 1, 3).addShare(10000, 1, 3).addShare(10000, 1, 3);
    expect(s.roundedFen()).toBe(10000);
    expect(s.toFraction()).toEqual({ numerator: 10000n, denominator: 1n });
  });

  it('equals a BigInt reference for ordinary amounts', () => {
    fc.assert(
      fc.property(fc.array(term(10_000_000_00), { maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (terms, members) => {
        const s = new ExactFen();
        for (const [fen, part, whole] of terms) s.addShare(fen, part, whole);
        const { n, d } = reference(terms);
        expect(BigInt(s.roundedFen(members))).toBe(bigRound(n, d * BigInt(members)));
        const f = s.toFraction();
        expect(f.numerator * d).toBe(n * f.denominator);
      }),
    );
  });

  it('stays exact when sums leave the safe-integer range (BigInt fallback)', () => {
    fc.assert(
      fc.property(fc.array(term(100_000_000_000_000), { minLength: 1, maxLength: 40 }), (terms) => {
        const s = new ExactFen();
        for (const [fen, part, whole] of terms) s.addShare(fen, part, whole);
        const copy = s.copy().addExact(s, -1);
        const { n, d } = reference(terms);
        const f = s.toFraction();
        expect(f.numerator * d).toBe(n * f.denominator);
        expect(copy.toFraction().numerator).toBe(0n);
      }),
    );
  });

  it('handles a sum forced into BigInt and back to a number result', () => {
    const s = new ExactFen();
    for (let i = 0; i < 200; i++) s.addShare(99_999_999_999_999, 7, 11);
    s.addShare(-99_999_999_999_999 * 200, 7, 11);
    expect(s.roundedFen()).toBe(0);
  });
});
