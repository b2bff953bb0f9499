/**
 * Throughput of assess() on varied synthetic households (no I/O, one core). The inputs are
 * generated up front from a fixed seed, so runs are comparable; only assess() is timed.
 */
import { performance } from 'node:perf_hooks';
import { assess } from './assess.ts';
import { monthLabel, monthIndex } from './calendar.ts';
import { defaultParameters } from './parameters.ts';
import {
  CLAIM_TYPES,
  EXPENSE_TYPES,
  INCOME_TYPES,
  LABOR_ABILITIES,
  MEASURE_STATUSES,
  RISK_TYPES,
  type AssessmentInput,
  type Claim,
  type Expense,
  type Income,
  type Measure,
  type Member,
  type Risk,
} from './types.ts';

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic synthetic households, roughly the mix a county sees. */
export function syntheticInputs(n: number, seed = 20230615): AssessmentInput[] {
  const rnd = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const money = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 100) / 100;
  const base = monthIndex('2023-03');
  const inputs: AssessmentInput[] = [];
  for (let i = 0; i < n; i++) {
    const asOfMonth = base + int(0, 20);
    const asOf = `${monthLabel(asOfMonth)}-${String(int(1, 28)).padStart(2, '0')}`;
    const members: Member[] = [];
    const size = int(1, 6);
    for (let j = 0; j < size; j++) {
      members.push({
        id: `m${j + 1}`,
        birthDate: `${int(1940, 2020)}-0${int(1, 9)}-1${int(0, 9)}`,
        registration: j === 0 || rnd() < 0.9 ? 'rural' : pick(['urban', 'collective'] as const),
        urbanGuarantees: rnd() < 0.05,
        livesTogether: j === 0 || rnd() < 0.92,
        laborAbility: pick(LABOR_ABILITIES),
      });
    }
    const incomes: Income[] = [];
    for (let j = int(1, 6); j > 0; j--) {
      const from = asOfMonth - int(1, 24);
      const to = from + pick([0, 2, 5, 6, 11, 11, 11, 13]);
      const type = rnd() < 0.15 ? 'business_cost' : pick(INCOME_TYPES.slice(0, 4));
      incomes.push({
        type,
        amount: money(0, type === 'wage' ? 40000 : 12000),
        from: monthLabel(from),
        to: monthLabel(to),
        ...(rnd() < 0.6 ? { memberId: `m${int(1, size)}` } : {}),
      });
    }
    const claims: Claim[] = [];
    if (rnd() < 0.2) claims.push({ type: pick(CLAIM_TYPES), amount: money(500, 30000), month: monthLabel(asOfMonth - int(1, 14)), status: rnd() < 0.7 ? 'paid' : 'pending' });
    const expenses: Expense[] = [];
    for (let j = int(0, 3); j > 0; j--) expenses.push({ type: pick(EXPENSE_TYPES), amount: money(100, 40000), month: monthLabel(asOfMonth - int(1, 14)) });
    const risks: Risk[] = [];
    for (let j = int(0, 3); j > 0; j--) risks.push({ type: pick(RISK_TYPES), selfResolvable: rnd() < 0.4, incomeDrop: rnd() < 0.2, resolved: rnd() < 0.3 });
    const household = { formerlyPoor: rnd() < 0.5, wholeHouseholdNoLaborFallback: rnd() < 0.03, members, incomes, claims, expenses, risks };
    if (rnd() < 0.7) {
      inputs.push({ kind: 'identification', asOf, household });
    } else {
      const measures: Measure[] = [];
      for (let j = int(0, 3); j > 0; j--) measures.push({ type: pick(['public_welfare_job', 'industry', 'dibao', 'micro_credit']), developmental: rnd() < 0.6, status: pick(MEASURE_STATUSES) });
      inputs.push({
        kind: 'elimination',
        asOf,
        household,
        identifiedOn: `${monthLabel(asOfMonth - int(0, 12))}-15`,
        category: pick(['unstable_out_of_poverty', 'marginal_at_risk', 'sudden_severe_hardship'] as const),
        naturalElimination: rnd() < 0.1,
        guaranteesSecured: rnd() < 0.9,
        measures,
      });
    }
  }
  return inputs;
}

export function benchAssess(n: number): { households: number; seconds: number; perSecond: number } {
  const parameters = defaultParameters();
  const inputs = syntheticInputs(n);
  // Warm up the JIT on a slice so the figure is steady-state throughput.
  for (let i = 0; i < Math.min(n, 5000); i++) assess(inputs[i], parameters);
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) sink += assess(inputs[i], parameters).countedMembers;
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) throw new Error('unreachable'); // keeps the loop's work observable
  return { households: n, seconds, perSecond: Math.round(n / seconds) };
}
