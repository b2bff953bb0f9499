/** The measure catalogue, the Q25 classification, the lifecycle (AST-2…4) and the plan checks (Q8, Q23, Q24). */
import { describe, expect, it } from 'vitest';
import {
  catalogue, checkMeasure, FALLBACK_TYPES, isDevelopmental, MEASURE_CATALOGUE, MEASURE_STATUSES, MEASURE_TRANSITIONS, MEASURE_TYPES,
  nextStatuses, planChecks, transitionMeasure, type MeasureState, type MeasureStatus, type PlanFacts,
} from './measures.ts';
import { DEPARTMENT_KINDS } from './roles.ts';
import { Check } from './validation.ts';

const TODAY = '2023-06-30';

describe('measure catalogue (AST-2)', () => {
  it('lists the sixteen types of AST-2, each with a Chinese name and a known department or none', () => {
    expect(catalogue().map((e) => e.type)).toEqual([...MEASURE_TYPES]);
    expect(MEASURE_TYPES).toHaveLength(16);
    for (const e of catalogue()) {
      expect(e.name).toMatch(/[\u4e00-\u9fff]/);
      expect(e.departmentKind === null || (DEPARTMENT_KINDS as readonly string[]).includes(e.departmentKind)).toBe(true);
      expect(e.clause).toMatch(/Q\d+/);
    }
    expect(MEASURE_CATALOGUE.yulu_plan.name).toBe('雨露计划');
    expect(MEASURE_CATALOGUE.work_relief.name).toBe('以工代赈');
    expect(MEASURE_CATALOGUE.dibao.departmentKind).toBe('civil_affairs');
    expect(MEASURE_CATALOGUE.public_welfare_job.departmentKind).toBe('human_resources');
  });

  it('marks dibao and 特困 support, and only them, as fallback protection (Q8, Q24)', () => {
    expect(FALLBACK_TYPES).toEqual(['dibao', 'tekun']);
  });

  it('classifies development-type assistance by Q25: labour, production and skills yes; cash, goods and guarantees no', () => {
    const developmental = MEASURE_TYPES.filter((t) => MEASURE_CATALOGUE[t].developmental === true);
    expect(developmental).toEqual(['industry', 'employment_workshop', 'public_welfare_job', 'micro_credit_interest_subsidy', 'yulu_plan', 'work_relief']);
    for (const t of ['cross_province_transport_subsidy', 'temporary_assistance', 'dibao', 'tekun', 'insurance', 'health', 'housing_safety'] as const)
      expect(isDevelopmental(t, null), t).toBe(false);
  });

  it('Q25: direct cash or goods, share dividends and training without effect on labour ability are never development-type', () => {
    expect(isDevelopmental('industry', null)).toBe(true);
    expect(isDevelopmental('industry', 'share_dividend')).toBe(false);
    expect(isDevelopmental('industry', 'cash_or_goods')).toBe(false);
    expect(isDevelopmental('yulu_plan', 'ineffective_training')).toBe(false);
    expect(isDevelopmental('other', null, true)).toBe(true);
    expect(isDevelopmental('other', null, false)).toBe(false);
    expect(isDevelopmental('other', 'cash_or_goods', true)).toBe(false);
  });

  it('Q28: micro-credit runs to contract expiry, public-welfare jobs to agreement expiry, education and 雨露计划 to the end of the stage', () => {
    const special = Object.fromEntries(MEASURE_TYPES.filter((t) => MEASURE_CATALOGUE[t].endRule !== 'fixed').map((t) => [t, MEASURE_CATALOGUE[t].endRule]));
    expect(special).toEqual({
      micro_credit_interest_subsidy: 'contract_expiry', public_welfare_job: 'agreement_expiry', education: 'stage_end', yulu_plan: 'stage_end',
    });
  });
});

describe('checkMeasure', () => {
  const check = (raw: unknown) => {
    const c = new Check();
    return { cols: checkMeasure(c, 'measures[0]', raw), errors: c.errors };
  };

  it('takes the department and the development-type flag from the catalogue', () => {
    const { cols, errors } = check({ type: 'public_welfare_job', description: '村保洁员', plannedStart: '2023-06-01', periodEnd: '2024-05-31' });
    expect(errors).toEqual([]);
    expect(cols).toEqual({
      type: 'public_welfare_job', department_kind: 'human_resources', developmental: true, form: null, description: '村保洁员',
      planned_start: '2023-06-01', period_end: '2024-05-31',
    });
  });

  it('accepts another responsible department, or none', () => {
    expect(check({ type: 'insurance', description: '防贫保险', plannedStart: '2023-06-01', departmentKind: 'emergency_management' }).cols?.department_kind).toBe('emergency_management');
    expect(check({ type: 'dibao', description: '低保', plannedStart: '2023-06-01', departmentKind: null }).cols?.department_kind).toBeNull();
  });

  it('requires the period end of the Q28 types, naming what it is', () => {
    for (const type of ['micro_credit_interest_subsidy', 'public_welfare_job', 'education', 'yulu_plan']) {
      const { cols, errors } = check({ type, description: 'x', plannedStart: '2023-06-01' });
      expect(cols).toBeNull();
      expect(errors).toEqual([{ path: 'measures[0].periodEnd', message: expect.stringMatching(/须填写.*（Q28）$/) }]);
    }
    expect(check({ type: 'micro_credit_interest_subsidy', description: 'x', plannedStart: '2023-06-01' }).errors[0]!.message).toContain('合同到期日');
  });

  it('refuses unknown types and fields, an end before the start, and a developmental claim except for 其他', () => {
    expect(check({ type: 'lottery', description: 'x', plannedStart: '2023-06-01', colour: 1 }).errors.map((e) => e.path).sort()).toEqual(['measures[0].colour', 'measures[0].type']);
    expect(check({ type: 'health', description: 'x', plannedStart: '2023-06-01', periodEnd: '2023-05-01' }).errors).toEqual([
      { path: 'measures[0].periodEnd', message: '结束日期不能早于计划开始日期' },
    ]);
    expect(check({ type: 'dibao', description: 'x', plannedStart: '2023-06-01', developmental: true }).errors[0]!.message).toContain('Q25');
    expect(check({ type: 'other', description: '技能培训', plannedStart: '2023-06-01' }).errors).toEqual([{ path: 'measures[0].developmental', message: '必填' }]);
    expect(check({ type: 'other', description: '发放慰问金', plannedStart: '2023-06-01', developmental: true, form: 'cash_or_goods' }).errors).toEqual([
      { path: 'measures[0].developmental', message: '直接发钱发物不属于开发式帮扶措施（Q25）' },
    ]);
  });

  it('stores an industry measure that is only 入股分红 as not development-type (Q25)', () => {
    expect(check({ type: 'industry', description: '合作社入股分红', plannedStart: '2023-06-01', form: 'share_dividend' }).cols).toMatchObject({ developmental: false, form: 'share_dividend' });
  });
});

describe('measure lifecycle (AST-4)', () => {
  const measure = (status: MeasureStatus, more: Partial<MeasureState> = {}): MeasureState => ({
    type: 'industry', status, planned_start: '2023-06-01', period_end: null, started_on: null, implemented_on: null, ended_on: null, ...more,
  });

  it('is the transition table planned → implementing → implemented → ended, planned/implementing → suspended → implementing', () => {
    expect(MEASURE_TRANSITIONS.map((t) => `${t.from}>${t.to}`)).toEqual([
      'planned>implementing', 'implementing>implemented', 'implemented>ended', 'planned>suspended', 'implementing>suspended', 'suspended>implementing',
    ]);
    expect(nextStatuses('planned')).toEqual(['implementing', 'suspended']);
    expect(nextStatuses('ended')).toEqual([]);
  });

  it('allows every transition of the table and records its date', () => {
    expect(transitionMeasure(measure('planned'), 'implementing', '2023-06-02', TODAY, null)).toEqual({ set: { status: 'implementing', started_on: '2023-06-02' } });
    expect(transitionMeasure(measure('implementing', { started_on: '2023-06-02' }), 'implemented', '2023-06-10', TODAY, null)).toEqual({
      set: { status: 'implemented', implemented_on: '2023-06-10' },
    });
    expect(transitionMeasure(measure('implemented', { implemented_on: '2023-06-10' }), 'ended', '2023-06-20', TODAY, null)).toEqual({
      set: { status: 'ended', ended_on: '2023-06-20' },
    });
    expect(transitionMeasure(measure('planned'), 'suspended', '2023-06-03', TODAY, '未通过绿色通道核实')).toEqual({
      set: { status: 'suspended', suspended_on: '2023-06-03', suspended_reason: '未通过绿色通道核实' },
    });
    expect(transitionMeasure(measure('implementing', { started_on: '2023-06-02' }), 'suspended', '2023-06-03', TODAY, '外出')).toMatchObject({ set: { status: 'suspended' } });
  });

  it('resumes a suspended measure, keeping its first start date and clearing the suspension', () => {
    expect(transitionMeasure(measure('suspended', { started_on: '2023-06-02' }), 'implementing', '2023-06-20', TODAY, null)).toEqual({
      set: { status: 'implementing', started_on: '2023-06-02', suspended_on: null, suspended_reason: null },
    });
    expect(transitionMeasure(measure('suspended'), 'implementing', '2023-06-20', TODAY, null)).toMatchObject({ set: { started_on: '2023-06-20' } });
  });

  it('refuses every pair not in the table, in Chinese naming AST-4', () => {
    const allowed = new Set(MEASURE_TRANSITIONS.map((t) => `${t.from}>${t.to}`));
    for (const from of MEASURE_STATUSES)
      for (const to of MEASURE_STATUSES) {
        if (allowed.has(`${from}>${to}`)) continue;
        const r = transitionMeasure(measure(from, { started_on: '2023-06-02', implemented_on: '2023-06-03' }), to, '2023-06-20', TODAY, 'r');
        expect('error' in r, `${from} → ${to}`).toBe(true);
        if ('error' in r) {
          expect(r.error.path).toBe('status');
          expect(r.error.message).toMatch(from === to ? /已是/ : /AST-4/);
        }
      }
    const r = transitionMeasure(measure('planned'), 'implemented', '2023-06-20', TODAY, null);
    expect(r).toEqual({ error: { path: 'status', message: expect.stringContaining('不能从“计划”变为“已实施”，只能变为“实施中”或“已暂停”') } });
  });

  it('refuses a suspension without a reason, a future date and a date before the previous step', () => {
    expect(transitionMeasure(measure('planned'), 'suspended', '2023-06-03', TODAY, null)).toEqual({ error: { path: 'reason', message: '暂停措施须填写原因（AST-4、GRN-2）' } });
    expect(transitionMeasure(measure('planned'), 'implementing', '2023-07-01', TODAY, null)).toEqual({ error: { path: 'on', message: '日期不能晚于今天' } });
    expect(transitionMeasure(measure('implementing', { started_on: '2023-06-10' }), 'implemented', '2023-06-09', TODAY, null)).toEqual({
      error: { path: 'on', message: '日期不能早于上一环节日期（2023-06-10）' },
    });
  });

  it('Q28: a micro-credit measure cannot end before its contract expires; a fixed one may end any time', () => {
    const credit = measure('implemented', { type: 'micro_credit_interest_subsidy', period_end: '2025-05-31', implemented_on: '2023-06-05' });
    const r = transitionMeasure(credit, 'ended', '2023-06-20', TODAY, null);
    expect(r).toEqual({ error: { path: 'status', message: '小额信贷贴息应持续至贷款合同到期（2025-05-31），到期前不能结束；风险消除后也应延续（Q28）' } });
    expect(transitionMeasure({ ...credit, period_end: '2023-06-15' }, 'ended', '2023-06-20', TODAY, null)).toMatchObject({ set: { status: 'ended' } });
    expect(transitionMeasure(measure('implemented', { type: 'health', period_end: '2030-01-01' }), 'ended', '2023-06-20', TODAY, null)).toMatchObject({ set: { status: 'ended' } });
  });
});

describe('plan checks (AST-1, AST-3, IDN-7)', () => {
  const full = { laborAbility: 'full', livesTogether: true, registration: 'rural', urbanGuarantees: false };
  const facts = (more: Partial<PlanFacts>): PlanFacts => ({ identifiedOn: '2023-05-01', members: [full], developmentDeclinedReason: null, measures: [], ...more });
  const failed = (f: PlanFacts) => planChecks(f).filter((c) => !c.ok).map((c) => `${c.rule}:${c.clause}`);
  const m = (type: PlanFacts['measures'][number]['type'], more: Partial<PlanFacts['measures'][number]> = {}) => ({
    type, developmental: MEASURE_CATALOGUE[type].developmental === true, status: 'planned' as MeasureStatus, endedOn: null, ...more,
  });

  it('Q23: a monitoring object without a measure in force is flagged; suspended and earlier-period measures do not count', () => {
    expect(failed(facts({}))).toContain('no_measure:Q23');
    expect(failed(facts({ measures: [m('industry', { status: 'suspended' })] }))).toContain('no_measure:Q23');
    expect(failed(facts({ measures: [m('industry', { status: 'ended', endedOn: '2022-12-31' })] }))).toContain('no_measure:Q23');
    expect(failed(facts({ measures: [m('industry', { status: 'ended', endedOn: '2023-05-02' })] }))).toEqual([]);
  });

  it('Q24: a labour-capable household needs a development-type measure unless it declined', () => {
    expect(failed(facts({ measures: [m('health')] }))).toEqual(['no_developmental:Q24']);
    expect(failed(facts({ measures: [m('health')], developmentDeclinedReason: '本人明确表示不愿外出务工、不发展产业' }))).toEqual([]);
    expect(failed(facts({ measures: [m('industry', { developmental: false })] }))).toEqual(['no_developmental:Q24']);
  });

  it('Q8 / IDN-7: a labour-capable household with fallback measures only is flagged “一兜了之”', () => {
    expect(failed(facts({ measures: [m('dibao')] }))).toEqual(['no_developmental:Q24', 'fallback_only:Q8']);
    expect(failed(facts({ measures: [m('dibao'), m('public_welfare_job')] }))).toEqual([]);
  });

  it('counts labour only of counted members (Q15, Q17, Q18); weak labour is advised, no labour needs fallback', () => {
    const away = { ...full, livesTogether: false };
    expect(failed(facts({ members: [away], measures: [m('health')] }))).toEqual(['no_labor_fallback:Q24']);
    expect(failed(facts({ members: [{ ...full, laborAbility: 'none' }], measures: [m('dibao')] }))).toEqual([]);
    expect(failed(facts({ members: [{ ...full, laborAbility: 'weak' }], measures: [m('dibao')] }))).toEqual(['weak_labor_developmental:Q24']);
    expect(failed(facts({ members: [{ ...full, laborAbility: 'weak' }], measures: [m('work_relief')] }))).toEqual([]);
  });
});
