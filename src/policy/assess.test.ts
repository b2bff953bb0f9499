import { describe, expect, it } from 'vitest';
import { benchAssess, syntheticInputs } from './bench.ts';
import * as policy from './index.ts';
import { assess, AssessmentInputError, defaultParameters, ENGINE_VERSION, type AssessmentInput } from './index.ts';

/** The contract's input example (with the claim, expense and risk it shows). */
const contractExample: AssessmentInput = {
  kind: 'identification',
  asOf: '2023-06-15',
  household: {
    formerlyPoor: true,
    members: [
      { id: 'm1', birthDate: '1968-03-02', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'full' },
      { id: 'm2', birthDate: '1970-01-01', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'weak' },
      { id: 'm3', birthDate: '2010-01-01', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'none' },
    ],
    incomes: [{ type: 'wage', amount: 21600, from: '2022-06', to: '2023-05', memberId: 'm1' }],
    claims: [{ type: 'commercial_insurance', amount: 5000, month: '2023-03', status: 'paid' }],
    expenses: [{ type: 'medical_out_of_pocket', amount: 30000, month: '2023-02' }],
    risks: [{ type: 'illness', selfResolvable: false, incomeDrop: false, resolved: false }],
  },
};

describe('assess', () => {
  it("serialises exactly like the contract's output example, key order included", () => {
    expect(JSON.stringify(assess(contractExample))).toBe(
      JSON.stringify({
        kind: 'identification',
        window: { from: '2022-06', to: '2023-05' },
        countedMembers: 3,
        netIncome: 21600.0,
        perCapitaNetIncome: 7200.0,
        compliantExpenditure: 30000.0,
        perCapitaIncomeAfterExpenditure: -1133.33,
        threshold: 7800,
        withinRange: true,
        recommendation: 'identify',
        category: 'unstable_out_of_poverty',
        eligible: null,
        checks: [],
        earliestMonth: null,
        flags: [],
        warnings: [],
        reasons: [{ rule: 'within_range_with_risk', clause: 'Q10', message: '人均纯收入7200.00元，未超过监测范围7800元，且存在依靠自身力量难以解决的风险' }],
      }),
    );
  });

  it('works on input with the optional lists left out', () => {
    const r = assess({ kind: 'identification', asOf: '2023-06-15', household: { formerlyPoor: false, members: contractExample.household.members } });
    expect(r.netIncome).toBe(0);
    expect(r.recommendation).toBe('track');
  });

  it('takes a custom parameter set (what-if on the dated parameters)', () => {
    const stricter = defaultParameters().withValue('monitoring_threshold', '2023-06-01', 7000, 'what-if');
    const r = assess(contractExample, stricter);
    expect(r.threshold).toBe(7000);
    expect(r.withinRange).toBe(false);
    expect(r.recommendation).toBe('identify');
    expect(r.category).toBe('sudden_severe_hardship');
    const longer = defaultParameters().withValue('elimination_min_assistance_months', '2023-01-01', 9, 'what-if');
    const e = assess({ ...contractExample, kind: 'elimination', asOf: '2023-08-10', identifiedOn: '2023-01-20', category: 'marginal_at_risk', guaranteesSecured: true }, longer);
    expect(e.earliestMonth).toBe('2023-10');
    expect(e.checks.find((c) => c.rule === 'minimum_duration')?.passed).toBe(false);
  });

  it("throws the contract's input errors it meets on unvalidated input", () => {
    const nobody: AssessmentInput = {
      ...contractExample,
      household: { ...contractExample.household, members: [{ ...contractExample.household.members[0], livesTogether: false }] },
    };
    expect(() => assess(nobody)).toThrow(AssessmentInputError);
    try {
      assess(nobody);
    } catch (e) {
      expect((e as AssessmentInputError).errors[0].path).toBe('household.members');
    }
    expect(() => assess({ ...contractExample, asOf: '2022-06-01' })).toThrow(/2023-01-01/);
  });

  it('exports the public API from the index', () => {
    expect(typeof ENGINE_VERSION).toBe('string');
    expect(ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    for (const name of ['assess', 'validateAssessmentInput', 'assessOrErrors', 'loadParameters', 'defaultParameters', 'valueAt', 'hasValueForYear', 'ParameterSet']) {
      expect(policy).toHaveProperty(name);
    }
  });
});

describe('benchAssess', () => {
  it('generates the same varied inputs for the same seed, all valid', () => {
    const a = syntheticInputs(300);
    expect(syntheticInputs(300)).toEqual(a);
    expect(new Set(a.map((i) => i.kind)).size).toBe(2);
    for (const input of a) expect(policy.validateAssessmentInput(JSON.parse(JSON.stringify(input))).ok).toBe(true);
  });

  it('reports households, seconds and rate', () => {
    const r = benchAssess(2000);
    expect(r.households).toBe(2000);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.perSecond).toBeGreaterThan(0);
  });
});
