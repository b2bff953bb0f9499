import { describe, expect, it } from 'vitest';
import { assess } from './assess.ts';
import { incomeComponents } from './explain.ts';
import type { AssessmentInput } from './types.ts';

const member = (id: string, livesTogether = true) => ({ id, birthDate: '1970-01-01', registration: 'rural' as const, urbanGuarantees: false, livesTogether, laborAbility: 'full' as const });

describe('incomeComponents (explanation of Q13, Q14)', () => {
  const input: AssessmentInput = {
    kind: 'identification',
    asOf: '2023-06-15',
    household: {
      formerlyPoor: false,
      members: [member('m1'), member('m2'), member('m3', false)],
      incomes: [
        { type: 'wage', amount: 12000, from: '2022-06', to: '2023-05', memberId: 'm1' },
        { type: 'wage', amount: 9999, from: '2022-06', to: '2023-05', memberId: 'm3' }, // not counted (Q15)
        { type: 'business', amount: 6000, from: '2022-01', to: '2022-12' }, // 7 of 12 months inside
        { type: 'business_cost', amount: 1200, from: '2022-06', to: '2023-05' },
        { type: 'transfer', amount: 800.5, from: '2023-01', to: '2023-01' },
      ],
      claims: [{ type: 'commercial_insurance', amount: 300, month: '2023-02', status: 'paid' }, { type: 'third_party', amount: 500, month: '2023-03', status: 'pending' }],
      expenses: [{ type: 'medical_out_of_pocket', amount: 2000, month: '2023-01' }, { type: 'other', amount: 900, month: '2023-01' }],
      risks: [],
    },
  } as AssessmentInput;

  it('splits the window income by type, pro-rated, leaving out uncounted members', () => {
    expect(incomeComponents(input)).toEqual({
      wage: 12000, business: 3500, transfer: 800.5, property: 0, business_cost: 1200, paidClaims: 300, compliantExpenditure: 2000,
    });
  });

  it('the parts add up to the net income assess() reports', () => {
    const c = incomeComponents(input);
    const r = assess(input);
    expect(c.wage + c.business + c.transfer + c.property - c.business_cost).toBeCloseTo(r.netIncome, 2);
    expect(c.compliantExpenditure).toBe(r.compliantExpenditure);
  });
});
