import { describe, expect, it } from 'vitest';
import { checkTaskOutcome, stateAfter, type TaskFacts } from './verification-task.ts';
import { mergeKey, WARNING_TYPES, warningTypesOf } from './warnings.ts';
import { DEPARTMENT_KINDS } from './roles.ts';

const TODAY = '2024-05-10';
const open = (o: Partial<TaskFacts> = {}): TaskFacts => ({ state: 'open', source: 'department_warning', leadOn: '2024-05-06', householdId: 7, monitored: false, ...o });
const visit = { version: 1, visitedOn: '2024-05-08', visitors: '村干部' };
const errors = (raw: unknown, facts = open()) => checkTaskOutcome(raw, facts, TODAY).errors.map((e) => `${e.path}: ${e.message}`);

describe('the verification visit (Q43)', () => {
  it('closes in the state its outcome names', () => {
    expect(stateAfter('no_risk')).toBe('no_risk');
    expect(stateAfter('risk_found')).toBe('case_opened');
    expect(stateAfter('already_monitored')).toBe('risk_recorded');
  });

  it('takes a visit dated between the lead and today, by named visitors', () => {
    expect(checkTaskOutcome({ ...visit, outcome: 'risk_found' }, open(), TODAY).input).toMatchObject({ outcome: 'risk_found', visitedOn: '2024-05-08' });
    expect(errors({ ...visit, outcome: 'risk_found', visitedOn: '2024-05-11' })).toEqual(['visitedOn: 入户核实日期不能晚于今天']);
    expect(errors({ ...visit, outcome: 'risk_found', visitedOn: '2024-05-01' })).toEqual(['visitedOn: 入户核实日期不能早于线索日期（2024-05-06）']);
    expect(errors({ version: 1, outcome: 'risk_found', visitedOn: '2024-05-08' })).toEqual(['visitors: 必填']);
    expect(errors({ ...visit, outcome: 'maybe' })[0]).toMatch(/^outcome: 取值应为/);
    expect(errors({ ...visit, outcome: 'risk_found', extra: 1 })).toEqual(['extra: 未知字段（可能是拼写错误）']);
  });

  it('refuses a closed task', () => {
    expect(errors({ ...visit, outcome: 'risk_found' }, open({ state: 'no_risk' }))[0]).toMatch(/已办结/);
  });

  it('needs a reason for no risk, and "other" needs it written', () => {
    expect(errors({ ...visit, outcome: 'no_risk' })).toEqual(['reasonCode: 必填']);
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'other' })).toEqual(['reason: 必填']);
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'income_above_line' })).toEqual([]);
    expect(errors({ ...visit, outcome: 'risk_found', reasonCode: 'income_above_line' })).toEqual(['reasonCode: 只有“核实无风险”须填写原因']);
  });

  it.each(['dibao_application', 'tekun_application'])('never closes a %s because the household already has dibao (Q8)', (source) => {
    const facts = open({ source });
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'already_dibao' }, facts)[0]).toMatch(/^reasonCode: .*Q8/);
    for (const reason of ['该户已享受低保', '已纳入农村低保', '家里有低保', '正在领取特困供养金'])
      expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'other', reason }, facts)[0], reason).toMatch(/^reason: .*Q8/);
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'income_above_line', reason: '子女务工收入稳定' }, facts)).toEqual([]);
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'income_above_line', reason: '尚未纳入低保，家庭收入稳定高于监测范围' }, facts)).toEqual([]);
    // Other warnings may end because the household has dibao: Q8 is about dibao/特困 applications.
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'already_dibao' }, open())).toEqual([]);
  });

  it('fits the outcome to the household: a monitoring object gets the risk on its record, others a case', () => {
    expect(errors({ ...visit, outcome: 'risk_found' }, open({ monitored: true }))[0]).toMatch(/已是监测对象/);
    expect(errors({ ...visit, outcome: 'already_monitored', riskType: 'illness' }, open())[0]).toMatch(/不是监测对象/);
    expect(errors({ ...visit, outcome: 'already_monitored' }, open({ monitored: true }))).toEqual(['riskType: 必填']);
    expect(errors({ ...visit, outcome: 'already_monitored', riskType: 'illness' }, open({ monitored: true }))).toEqual([]);
  });

  it('asks which household a tip naming nobody registered was about', () => {
    const tip = open({ householdId: null, source: 'hotline_12317' });
    expect(errors({ ...visit, outcome: 'risk_found' }, tip)).toEqual(['householdId: 必填']);
    expect(errors({ ...visit, outcome: 'risk_found', householdId: 12 }, tip)).toEqual([]);
    expect(errors({ ...visit, outcome: 'no_risk', reasonCode: 'information_wrong' }, tip)).toEqual([]);
    expect(errors({ ...visit, outcome: 'risk_found', householdId: 12 }, open())).toEqual(['householdId: 该任务已关联农户，无需再指定']);
  });
});

describe('warning types and the merge rule (WRN-1)', () => {
  it('gives every department kind its warning types, each type one kind', () => {
    for (const kind of DEPARTMENT_KINDS) expect(warningTypesOf(kind).length, kind).toBeGreaterThan(0);
    expect(warningTypesOf('civil_affairs')).toEqual(['dibao_application', 'tekun_application', 'assistance_status_change']);
    expect(WARNING_TYPES.dibao_application.source).toBe('dibao_application');
    expect(WARNING_TYPES.medical_cost).toMatchObject({ department: 'medical_insurance', source: 'department_warning', risk: 'illness' });
  });

  it('keys a task by the person (across households and channels), else the household, else the ticket', () => {
    expect(mergeKey({ memberBidx: 'ab', householdId: 3 })).toBe('member:ab');
    expect(mergeKey({ householdId: 3, ticketId: 9 })).toBe('household:3');
    expect(mergeKey({ ticketId: 9 })).toBe('ticket:9');
    expect(() => mergeKey({})).toThrow();
  });
});
