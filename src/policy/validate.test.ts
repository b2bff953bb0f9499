import { describe, expect, it } from 'vitest';
import { defaultParameters } from './parameters.ts';
import { assessOrErrors, validateAssessmentInput } from './validate.ts';

const member = (over: Record<string, unknown> = {}) => ({
  id: 'm1',
  birthDate: '1968-03-02',
  registration: 'rural',
  urbanGuarantees: false,
  livesTogether: true,
  laborAbility: 'full',
  ...over,
});

const identification = (household: Record<string, unknown> = {}, over: Record<string, unknown> = {}) => ({
  kind: 'identification',
  asOf: '2023-06-15',
  household: { formerlyPoor: true, members: [member()], ...household },
  ...over,
});

const elimination = (over: Record<string, unknown> = {}) => ({
  kind: 'elimination',
  asOf: '2023-08-10',
  identifiedOn: '2023-01-20',
  category: 'marginal_at_risk',
  guaranteesSecured: true,
  household: { formerlyPoor: false, members: [member()] },
  ...over,
});

function errorsOf(raw: unknown) {
  const r = validateAssessmentInput(raw);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('validateAssessmentInput', () => {
  it('accepts the smallest valid input and fills in the defaults', () => {
    const r = validateAssessmentInput(identification());
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'identification',
        asOf: '2023-06-15',
        household: {
          formerlyPoor: true,
          wholeHouseholdNoLaborFallback: false,
          members: [member()],
          incomes: [],
          claims: [],
          expenses: [],
          risks: [],
        },
      },
    });
  });

  it('fills in the defaults of risks and elimination fields', () => {
    const r = validateAssessmentInput(elimination({ household: { formerlyPoor: false, members: [member()], risks: [{ type: 'illness', selfResolvable: false }] } }));
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== 'elimination') return;
    expect(r.value.household.risks).toEqual([{ type: 'illness', selfResolvable: false, incomeDrop: false, resolved: false }]);
    expect(r.value.naturalElimination).toBe(false);
    expect(r.value.measures).toEqual([]);
  });

  it('rejects a non-object', () => {
    expect(errorsOf([])).toEqual([{ path: '', message: '评估输入应为 JSON 对象' }]);
    expect(errorsOf(null)).toEqual([{ path: '', message: '评估输入应为 JSON 对象' }]);
  });

  it('reports each missing required field where it belongs', () => {
    expect(errorsOf({})).toEqual([
      { path: 'kind', message: '缺少必填字段' },
      { path: 'asOf', message: '缺少必填字段' },
      { path: 'household', message: '缺少必填字段' },
    ]);
    expect(errorsOf(identification({ formerlyPoor: undefined, members: [{ id: 'm1' }] }))).toEqual([
      { path: 'household.formerlyPoor', message: '缺少必填字段' },
      { path: 'household.members[0].birthDate', message: '缺少必填字段' },
      { path: 'household.members[0].registration', message: '缺少必填字段' },
      { path: 'household.members[0].urbanGuarantees', message: '缺少必填字段' },
      { path: 'household.members[0].livesTogether', message: '缺少必填字段' },
      { path: 'household.members[0].laborAbility', message: '缺少必填字段' },
    ]);
  });

  it('reports an unknown field at its own path, suggesting the field a typo meant', () => {
    const { livesTogether, ...rest } = member();
    const errors = errorsOf(identification({ members: [{ ...rest, livesTogther: livesTogether }] }));
    expect(errors).toEqual([
      { path: 'household.members[0].livesTogther', message: '未知字段（可能是拼写错误），是否应为“livesTogether”？' },
      { path: 'household.members[0].livesTogether', message: '缺少必填字段' },
    ]);
    expect(errorsOf(identification({}, { colour: 'red' }))).toEqual([{ path: 'colour', message: '未知字段（可能是拼写错误）' }]);
  });

  it('rejects elimination fields in an identification', () => {
    expect(errorsOf(identification({}, { identifiedOn: '2023-01-01', measures: [] }))).toEqual([
      { path: 'identifiedOn', message: '该字段仅用于风险消除评估（kind 为 "elimination"），识别评估不应提供' },
      { path: 'measures', message: '该字段仅用于风险消除评估（kind 为 "elimination"），识别评估不应提供' },
    ]);
  });

  it('requires the elimination fields for an elimination', () => {
    const { identifiedOn, category, guaranteesSecured, ...rest } = elimination();
    expect(errorsOf(rest)).toEqual([
      { path: 'identifiedOn', message: '缺少必填字段' },
      { path: 'category', message: '缺少必填字段' },
      { path: 'guaranteesSecured', message: '缺少必填字段' },
    ]);
  });

  it('checks enum values', () => {
    const errors = errorsOf(
      elimination({
        kind: 'elimination',
        category: 'poor',
        household: {
          formerlyPoor: false,
          members: [member({ registration: 'city', laborAbility: 'half' })],
          incomes: [{ type: 'salary', amount: 1, from: '2023-01', to: '2023-01' }],
          claims: [{ type: 'insurance', amount: 1, month: '2023-01', status: 'done' }],
          expenses: [{ type: 'medical', amount: 1, month: '2023-01' }],
          risks: [{ type: 'flood', selfResolvable: false }],
        },
        measures: [{ type: 'job', developmental: true, status: 'finished' }],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      'household.members[0].registration',
      'household.members[0].laborAbility',
      'household.incomes[0].type',
      'household.claims[0].type',
      'household.claims[0].status',
      'household.expenses[0].type',
      'household.risks[0].type',
      'category',
      'measures[0].status',
    ]);
    expect(errors[0].message).toBe('取值“city”无效，应为以下之一：rural、urban、collective');
    expect(errorsOf({ ...identification(), kind: 'identify' })[0]).toEqual({
      path: 'kind',
      message: '取值“identify”无效，应为以下之一：identification、elimination',
    });
  });

  it('checks dates for format and for real calendar days', () => {
    expect(errorsOf(identification({}, { asOf: '2023-02-30' }))).toEqual([{ path: 'asOf', message: '日期不存在：2023-02-30' }]);
    expect(errorsOf(identification({}, { asOf: '2023/06/15' }))).toEqual([{ path: 'asOf', message: '日期格式应为 YYYY-MM-DD' }]);
    expect(errorsOf(identification({}, { asOf: 20230615 }))).toEqual([{ path: 'asOf', message: '日期格式应为 YYYY-MM-DD' }]);
    expect(validateAssessmentInput(identification({}, { asOf: '2024-02-29' })).ok).toBe(true);
    expect(errorsOf(identification({}, { asOf: '2023-02-29' }))[0].path).toBe('asOf');
    expect(errorsOf(identification({ members: [member({ birthDate: '1968-13-01' })] }))).toEqual([
      { path: 'household.members[0].birthDate', message: '日期不存在：1968-13-01' },
    ]);
  });

  it('checks months and that to is not before from', () => {
    const errors = errorsOf(
      identification({
        incomes: [
          { type: 'wage', amount: 1, from: '2023-1', to: '2023-13' },
          { type: 'wage', amount: 1, from: '2023-05', to: '2023-01' },
        ],
      }),
    );
    expect(errors).toEqual([
      { path: 'household.incomes[0].from', message: '月份格式应为 YYYY-MM' },
      { path: 'household.incomes[0].to', message: '月份不存在：2023-13' },
      { path: 'household.incomes[1].to', message: '结束月份 2023-01 早于开始月份 2023-05' },
    ]);
    const measures = errorsOf(elimination({ measures: [{ type: 'job', developmental: true, status: 'implemented', from: '2023-07', to: '2023-06' }] }));
    expect(measures).toEqual([{ path: 'measures[0].to', message: '结束月份 2023-06 早于开始月份 2023-07' }]);
  });

  it('allows open measure periods, null or absent', () => {
    const r = validateAssessmentInput(elimination({ measures: [{ type: 'job', developmental: true, status: 'implemented', from: '2023-02', to: null }] }));
    expect(r.ok).toBe(true);
  });

  it('checks amounts: numbers, not negative, at most two decimals', () => {
    const errors = errorsOf(
      identification({
        incomes: [
          { type: 'wage', amount: '100', from: '2023-01', to: '2023-01' },
          { type: 'wage', amount: -1, from: '2023-01', to: '2023-01' },
          { type: 'wage', amount: 1.005, from: '2023-01', to: '2023-01' },
          { type: 'wage', amount: 0.1 + 0.2, from: '2023-01', to: '2023-01' },
          { type: 'wage', amount: 1e13, from: '2023-01', to: '2023-01' },
          { type: 'wage', amount: 1234.56, from: '2023-01', to: '2023-01' },
        ],
      }),
    );
    expect(errors).toEqual([
      { path: 'household.incomes[0].amount', message: '应为数字（金额以元为单位）' },
      { path: 'household.incomes[1].amount', message: '金额不能为负数' },
      { path: 'household.incomes[2].amount', message: '金额最多两位小数' },
      { path: 'household.incomes[3].amount', message: '金额最多两位小数' },
      { path: 'household.incomes[4].amount', message: '金额超出允许范围（不超过 1000000000000 元）' },
    ]);
    expect(errorsOf(identification({}, { parameters: { monitoringThreshold: 7800.123 } }))).toEqual([
      { path: 'parameters.monitoringThreshold', message: '金额最多两位小数' },
    ]);
  });

  it('checks booleans and strings', () => {
    expect(errorsOf(identification({ formerlyPoor: 'yes', members: [member({ id: '', urbanGuarantees: 0 })] }))).toEqual([
      { path: 'household.formerlyPoor', message: '应为布尔值（true 或 false）' },
      { path: 'household.members[0].id', message: '不能为空字符串' },
      { path: 'household.members[0].urbanGuarantees', message: '应为布尔值（true 或 false）' },
    ]);
  });

  it('requires at least one member, and one who counts (Q15, Q17, Q18)', () => {
    expect(errorsOf(identification({ members: [] }))).toEqual([{ path: 'household.members', message: '至少需要一名家庭成员' }]);
    expect(errorsOf(identification({ members: 'm1' }))).toEqual([{ path: 'household.members', message: '应为数组' }]);
    const nobody = errorsOf(
      identification({ members: [member({ livesTogether: false }), member({ id: 'm2', registration: 'urban', urbanGuarantees: true })] }),
    );
    expect(nobody).toHaveLength(1);
    expect(nobody[0].path).toBe('household.members');
    expect(nobody[0].message).toContain('没有计入家庭人口的成员');
    // Whether anybody counts is unknown while a member's status is invalid: only that field is reported.
    expect(errorsOf(identification({ members: [member({ livesTogether: false }), member({ id: 'm2', livesTogether: 'x' })] }))).toEqual([
      { path: 'household.members[1].livesTogether', message: '应为布尔值（true 或 false）' },
    ]);
  });

  it('rejects duplicate member ids at the later one', () => {
    expect(errorsOf(identification({ members: [member(), member({ id: 'm2' }), member()] }))).toEqual([
      { path: 'household.members[2].id', message: '成员编号“m1”重复（与 household.members[0].id 相同）' },
    ]);
  });

  it('requires memberId to name a member', () => {
    expect(errorsOf(identification({ incomes: [{ type: 'wage', amount: 1, from: '2023-01', to: '2023-01', memberId: 'm9' }] }))).toEqual([
      { path: 'household.incomes[0].memberId', message: '家庭成员中没有编号为“m9”的成员' },
    ]);
  });

  it('reports an assessment date before the first dated threshold at asOf, unless overridden', () => {
    const errors = errorsOf(identification({}, { asOf: '2022-12-31' }));
    expect(errors).toEqual([{ path: 'asOf', message: '评估日期早于首个监测范围的生效日期（2023-01-01），且未指定 parameters.monitoringThreshold（Q10）' }]);
    expect(validateAssessmentInput(identification({}, { asOf: '2022-12-31', parameters: { monitoringThreshold: 7000 } })).ok).toBe(true);
  });

  it('reports an assessment date before any other parameter it needs at asOf', () => {
    const errors = errorsOf(identification({}, { asOf: '2019-06-01', parameters: { monitoringThreshold: 4000 } }));
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('asOf');
    expect(errors[0].message).toContain('income_window_months');
  });

  it('rejects unknown parameter overrides', () => {
    expect(errorsOf(identification({}, { parameters: { threshold: 8000 } }))).toEqual([
      { path: 'parameters.threshold', message: '未知字段（可能是拼写错误）' },
    ]);
  });

  it('gives one entry per bad field across the whole input', () => {
    const errors = errorsOf({
      kind: 'identification',
      asOf: '2023-06-31',
      household: {
        formerlyPoor: true,
        members: [member({ birthDate: '1968-3-2' }), member({ id: 'm2', laborAbility: 'strong' })],
        incomes: [{ type: 'wage', amount: 100.001, from: '2023-01', to: '2023-01', memberId: 'm1' }],
        risks: [{ type: 'illness' }],
      },
    });
    expect(errors.map((e) => e.path)).toEqual([
      'asOf',
      'household.members[0].birthDate',
      'household.members[1].laborAbility',
      'household.incomes[0].amount',
      'household.risks[0].selfResolvable',
    ]);
  });

  it('validates against the parameter set it is given', () => {
    const later = defaultParameters().withValue('monitoring_threshold', '2022-01-01', 7000, 'test');
    expect(validateAssessmentInput(identification({}, { asOf: '2022-06-01' }), later).ok).toBe(true);
  });

  it('does not modify its input', () => {
    const raw = identification({ risks: [{ type: 'illness', selfResolvable: false }] });
    const copy = structuredClone(raw);
    validateAssessmentInput(raw);
    expect(raw).toEqual(copy);
  });
});

describe('assessOrErrors', () => {
  it('answers the result of valid input', () => {
    const r = assessOrErrors(identification());
    expect(r.ok && r.value.recommendation).toBe('track');
  });

  it('answers the errors of invalid input', () => {
    expect(assessOrErrors({ kind: 'identification' })).toEqual({
      ok: false,
      errors: [
        { path: 'asOf', message: '缺少必填字段' },
        { path: 'household', message: '缺少必填字段' },
      ],
    });
  });
});
