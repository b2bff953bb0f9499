/**
 * Properties the decision must have whatever the household: the order entries are written in
 * never matters, more income never lowers per-capita income, and more income never turns a
 * household into one to identify.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from './assess.ts';
import { monthLabel, monthIndex } from './calendar.ts';
import {
  CLAIM_STATUSES,
  CLAIM_TYPES,
  EXPENSE_TYPES,
  LABOR_ABILITIES,
  MEASURE_STATUSES,
  REGISTRATIONS,
  RISK_TYPES,
  type AssessmentInput,
  type Household,
  type Income,
} from './types.ts';
import { validateAssessmentInput } from './validate.ts';

const base = monthIndex('2023-01');
const month = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((o) => monthLabel(base + o));
const yuan = (maxYuan: number) => fc.integer({ min: 0, max: maxYuan * 100 }).map((fen) => fen / 100);

const memberArb = (i: number) =>
  fc.record({
    id: fc.constant(`m${i + 1}`),
    birthDate: fc.constant('1970-05-05'),
    // The first member always counts, so every generated household is valid.
    registration: i === 0 ? fc.constant('rural' as const) : fc.constantFrom(...REGISTRATIONS),
    urbanGuarantees: fc.boolean(),
    livesTogether: i === 0 ? fc.constant(true) : fc.boolean(),
    laborAbility: fc.constantFrom(...LABOR_ABILITIES),
  });

const householdArb: fc.Arbitrary<Household> = fc.integer({ min: 1, max: 5 }).chain((size) =>
  fc.record({
    formerlyPoor: fc.boolean(),
    wholeHouseholdNoLaborFallback: fc.boolean(),
    members: fc.tuple(...Array.from({ length: size }, (_, i) => memberArb(i))),
    incomes: fc.array(
      fc
        .record({
          type: fc.constantFrom('wage', 'business', 'transfer', 'property', 'business_cost', 'wage', 'business'),
          amount: yuan(40000),
          start: fc.integer({ min: -24, max: 30 }),
          span: fc.integer({ min: 1, max: 24 }),
          memberId: fc.option(fc.integer({ min: 1, max: size }).map((k) => `m${k}`), { nil: undefined }),
        })
        .map(({ start, span, memberId, ...rest }) => ({
          ...rest,
          from: monthLabel(base + start),
          to: monthLabel(base + start + span - 1),
          ...(memberId ? { memberId } : {}),
        }) as Income),
      { maxLength: 8 },
    ),
    claims: fc.array(fc.record({ type: fc.constantFrom(...CLAIM_TYPES), amount: yuan(30000), month: month(-24, 30), status: fc.constantFrom(...CLAIM_STATUSES) }), { maxLength: 3 }),
    expenses: fc.array(fc.record({ type: fc.constantFrom(...EXPENSE_TYPES), amount: yuan(30000), month: month(-24, 30) }), { maxLength: 4 }),
    risks: fc.array(fc.record({ type: fc.constantFrom(...RISK_TYPES), selfResolvable: fc.boolean(), incomeDrop: fc.boolean(), resolved: fc.boolean() }), { maxLength: 4 }),
  }),
);

const asOfArb = fc.tuple(fc.integer({ min: 0, max: 35 }), fc.integer({ min: 1, max: 28 })).map(
  ([m, d]) => `${monthLabel(base + m)}-${String(d).padStart(2, '0')}`,
);

const identificationArb: fc.Arbitrary<AssessmentInput> = fc.record({
  kind: fc.constant('identification' as const),
  asOf: asOfArb,
  household: householdArb,
});

const eliminationArb: fc.Arbitrary<AssessmentInput> = fc.record({
  kind: fc.constant('elimination' as const),
  asOf: asOfArb,
  household: householdArb,
  identifiedOn: fc.integer({ min: 0, max: 30 }).map((m) => `${monthLabel(base + m)}-10`),
  category: fc.constantFrom('unstable_out_of_poverty', 'marginal_at_risk', 'sudden_severe_hardship' as const),
  naturalElimination: fc.boolean(),
  guaranteesSecured: fc.boolean(),
  measures: fc.array(fc.record({ type: fc.constantFrom('industry', 'dibao', 'public_welfare_job'), developmental: fc.boolean(), status: fc.constantFrom(...MEASURE_STATUSES) }), { maxLength: 4 }),
});

const inputArb = fc.oneof(identificationArb, eliminationArb);

/** A deterministic permutation from a seed. */
function shuffle<T>(xs: readonly T[] | undefined, seed: number): T[] {
  const out = [...(xs ?? [])];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function reordered(input: AssessmentInput, seed: number): AssessmentInput {
  const h = input.household;
  const household: Household = {
    ...h,
    members: shuffle(h.members, seed),
    incomes: shuffle(h.incomes, seed + 1),
    claims: shuffle(h.claims, seed + 2),
    expenses: shuffle(h.expenses, seed + 3),
    risks: shuffle(h.risks, seed + 4),
  };
  return input.kind === 'elimination'
    ? { ...input, household, measures: shuffle(input.measures, seed + 5) }
    : { ...input, household };
}

const CONTRACT_KEYS = [
  'kind', 'window', 'countedMembers', 'netIncome', 'perCapitaNetIncome', 'compliantExpenditure',
  'perCapitaIncomeAfterExpenditure', 'threshold', 'withinRange', 'recommendation', 'category',
  'eligible', 'checks', 'earliestMonth', 'flags', 'warnings', 'reasons',
];

const twoDecimals = (x: number) => Math.round(x * 100) / 100 === x;

describe('assess() properties', () => {
  it("generated inputs are valid, and the output has the contract's shape", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const checked = validateAssessmentInput(JSON.parse(JSON.stringify(input)));
        expect(checked.ok).toBe(true);
        const r = assess(input);
        expect(Object.keys(r)).toEqual(CONTRACT_KEYS);
        for (const x of [r.netIncome, r.perCapitaNetIncome, r.compliantExpenditure, r.perCapitaIncomeAfterExpenditure]) expect(twoDecimals(x)).toBe(true);
        if (checked.ok) expect(assess(checked.value)).toEqual(r);
        if (r.kind === 'identification') {
          expect(r.category !== null).toBe(r.recommendation === 'identify');
          expect(r.eligible).toBeNull();
          expect(r.checks).toEqual([]);
        } else {
          expect(r.recommendation).toBeNull();
          expect(r.eligible).toBe(r.checks.every((c) => c.passed));
          expect(r.checks).toHaveLength(7);
        }
        expect(r.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('entry order never changes the result', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), (input, seed) => {
        expect(assess(reordered(input, seed))).toEqual(assess(input));
      }),
      { numRuns: 300 },
    );
  });

  it('raising one income entry never lowers per-capita income', () => {
    const withIncome = inputArb.filter((i) => (i.household.incomes ?? []).some((x) => x.type !== 'business_cost'));
    fc.assert(
      fc.property(withIncome, fc.nat(), fc.integer({ min: 1, max: 5_000_000 }), (input, pick, raiseFen) => {
        const incomes = input.household.incomes!;
        const candidates = incomes.map((x, i) => i).filter((i) => incomes[i].type !== 'business_cost');
        const i = candidates[pick % candidates.length];
        const raised: AssessmentInput = {
          ...input,
          household: {
            ...input.household,
            incomes: incomes.map((x, k) => (k === i ? { ...x, amount: Math.round(x.amount * 100 + raiseFen) / 100 } : x)),
          },
        };
        const before = assess(input);
        const after = assess(raised);
        expect(after.perCapitaNetIncome).toBeGreaterThanOrEqual(before.perCapitaNetIncome);
        expect(after.perCapitaIncomeAfterExpenditure).toBeGreaterThanOrEqual(before.perCapitaIncomeAfterExpenditure);
      }),
      { numRuns: 300 },
    );
  });

  it('with the same risks, adding income never turns a household to exclude (or any other) into one to identify', () => {
    const incomeArb = fc.record({
      type: fc.constantFrom('wage', 'business', 'transfer', 'property' as const),
      amount: yuan(200000),
      from: month(-24, 30),
      span: fc.integer({ min: 1, max: 24 }),
    });
    fc.assert(
      fc.property(identificationArb, incomeArb, (input, extra) => {
        const before = assess(input);
        fc.pre(before.recommendation !== 'identify');
        const added: Income = { type: extra.type, amount: extra.amount, from: extra.from, to: monthLabel(monthIndex(extra.from) + extra.span - 1) };
        const after = assess({ ...input, household: { ...input.household, incomes: [...(input.household.incomes ?? []), added] } });
        expect(after.recommendation).not.toBe('identify');
        if (before.recommendation === 'exclude') expect(after.recommendation).toBe('exclude');
      }),
      { numRuns: 500 },
    );
  });

  it('is pure: the input is left as it was and the same input gives the same result', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input);
        const first = assess(input);
        expect(input).toEqual(copy);
        expect(assess(input)).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});
