import { describe, expect, it } from 'vitest';
import {
  afterEvaluation, assigneeProblem, availableActions, checkAccept, checkEvaluate, checkReply, DEADLINE_KIND_OF, levelRole, refusalOf,
  supervisingLevelOn, supervisionName, ticketNumber, ticketVisibleTo, TICKET_ACTIONS, TICKET_KINDS, TIP_KIND_NAMES, replyMessage,
} from './hotline-ticket.ts';
import { DEADLINE_RULES, dueDate } from './deadlines.ts';
import { makeIdNumber } from './id-number.ts';

const VILLAGE = '360731100201';
const TOWNSHIP = '360731100000';
const COUNTY = '360731000000';
const CITY = '360700000000';
const PROVINCE = '360000000000';
const OTHER_TOWNSHIP = '360731101000';
const OTHER_COUNTY = '360732000000';
const ID = makeIdNumber('360731', '1970-05-06', 12, 'male');

const accept = (o: Record<string, unknown> = {}) =>
  checkAccept({ kind: 'tip_off', tipKind: 'missed_inclusion', callerPhone: '13912345678', content: '某户因灾房屋倒塌未纳入监测', regionCode: VILLAGE, ...o });

describe('the state machine (WRN-2)', () => {
  it('runs accepted → assigned → replied → closed → archived, each step by its role', () => {
    expect(refusalOf('accept', null, 'hotline')).toBeNull();
    expect(refusalOf('assign', 'accepted', 'hotline')).toBeNull();
    expect(refusalOf('reply', 'assigned', 'township')).toBeNull();
    expect(refusalOf('reply', 'assigned', 'county')).toBeNull();
    expect(refusalOf('evaluate', 'replied', 'hotline')).toBeNull();
    expect(refusalOf('archive', 'closed', 'hotline')).toBeNull();
  });

  it('refuses a role that does not take the step (403) and a step out of order (409), in Chinese', () => {
    expect(refusalOf('assign', 'accepted', 'county')).toMatchObject({ status: 403, error: { message: expect.stringMatching(/交办.*12317坐席/) } });
    expect(refusalOf('reply', 'assigned', 'hotline')).toMatchObject({ status: 403 });
    expect(refusalOf('reply', 'assigned', 'city')).toMatchObject({ status: 403 });
    expect(refusalOf('evaluate', 'replied', 'township')).toMatchObject({ status: 403 });
    expect(refusalOf('reply', 'accepted', 'township')).toMatchObject({ status: 409, error: { path: 'state', message: expect.stringMatching(/已受理，待交办.*不能答复/) } });
    expect(refusalOf('assign', 'assigned', 'hotline')).toMatchObject({ status: 409 });
    expect(refusalOf('archive', 'replied', 'hotline')).toMatchObject({ status: 409 });
    expect(refusalOf('evaluate', 'archived', 'hotline')).toMatchObject({ status: 409 });
    // Escalation is the scheduler's (no role); no user takes it.
    expect(refusalOf('escalate', 'assigned', 'province')).toMatchObject({ status: 403 });
    expect(refusalOf('escalate', 'assigned', null)).toBeNull();
    expect(refusalOf('escalate', 'replied', null)).toMatchObject({ status: 409 });
  });

  it('offers each role only the actions it can take in the state', () => {
    expect(availableActions('accepted', 'hotline')).toEqual(['assign']);
    expect(availableActions('assigned', 'hotline')).toEqual([]);
    expect(availableActions('assigned', 'township')).toEqual(['reply']);
    expect(availableActions('replied', 'hotline')).toEqual(['evaluate']);
    expect(availableActions('closed', 'hotline')).toEqual(['archive']);
    expect(availableActions('archived', 'hotline')).toEqual([]);
    for (const role of ['city', 'province', 'national', 'village', 'department'] as const)
      for (const s of ['accepted', 'assigned', 'replied', 'closed'] as const) expect(availableActions(s, role)).toEqual([]);
    expect(TICKET_ACTIONS).toContain('escalate');
  });

  it('reopens on the first 不满意 only; 满意 and 基本满意 close', () => {
    expect(afterEvaluation('satisfied', 0)).toEqual({ to: 'closed', reopen: false });
    expect(afterEvaluation('basically_satisfied', 0)).toEqual({ to: 'closed', reopen: false });
    expect(afterEvaluation('dissatisfied', 0)).toEqual({ to: 'assigned', reopen: true });
    expect(afterEvaluation('dissatisfied', 1)).toEqual({ to: 'closed', reopen: false });
    expect(afterEvaluation('satisfied', 1)).toEqual({ to: 'closed', reopen: false });
  });
});

describe('time limits and escalation (督办)', () => {
  it('each kind has its own dated limit (Q52): 3, 7 and 15 days', () => {
    expect(TICKET_KINDS.map((k) => dueDate(DEADLINE_KIND_OF[k], '2024-03-01'))).toEqual(['2024-03-04', '2024-03-08', '2024-03-16']);
    for (const k of TICKET_KINDS) expect(DEADLINE_RULES[DEADLINE_KIND_OF[k]].clause).toBe('Q52');
  });

  it('stays with the assignee until the due date, then climbs one level per further limit, to the province at most', () => {
    const t = { assigneeLevel: 4, dueOn: '2024-03-16', periodDays: 15 };
    expect(supervisingLevelOn(t, '2024-03-10')).toBe(4);
    expect(supervisingLevelOn(t, '2024-03-16')).toBe(4); // due today: not overdue yet
    expect(supervisingLevelOn(t, '2024-03-17')).toBe(3); // the county presses the township
    expect(supervisingLevelOn(t, '2024-03-31')).toBe(3);
    expect(supervisingLevelOn(t, '2024-04-01')).toBe(2); // one more period: the city
    expect(supervisingLevelOn(t, '2024-04-16')).toBe(1); // the province
    expect(supervisingLevelOn(t, '2025-01-01')).toBe(1); // never above the province
    // A county assignee: city, then province.
    expect(supervisingLevelOn({ assigneeLevel: 3, dueOn: '2024-03-04', periodDays: 3 }, '2024-03-05')).toBe(2);
    expect(supervisingLevelOn({ assigneeLevel: 3, dueOn: '2024-03-04', periodDays: 3 }, '2024-03-08')).toBe(1);
    expect(supervisingLevelOn({ assigneeLevel: 3, dueOn: '2024-03-04', periodDays: 3 }, '2024-06-08')).toBe(1);
  });

  it('names the role that answers at each level and the supervision in words', () => {
    expect([1, 2, 3, 4].map(levelRole)).toEqual(['province', 'city', 'county', 'township']);
    expect(() => levelRole(5)).toThrow();
    expect(supervisionName(4, 4)).toBe('乡镇办理');
    expect(supervisionName(3, 4)).toBe('县级督办');
    expect(supervisionName(1, 3)).toBe('省级督办');
    expect(supervisionName(null, null)).toBeNull();
  });

  it('assigns only to the township or the county of the ticket’s place', () => {
    expect(assigneeProblem(VILLAGE, TOWNSHIP)).toBeNull();
    expect(assigneeProblem(VILLAGE, COUNTY)).toBeNull();
    expect(assigneeProblem(VILLAGE, OTHER_TOWNSHIP)).toMatch(/所属的乡镇或县/);
    expect(assigneeProblem(VILLAGE, OTHER_COUNTY)).toMatch(/所属的乡镇或县/);
    expect(assigneeProblem(VILLAGE, VILLAGE)).toMatch(/只能交办到县或乡镇/);
    expect(assigneeProblem(VILLAGE, CITY)).toMatch(/只能交办到县或乡镇/);
    expect(assigneeProblem(VILLAGE, 'x')).toMatch(/12位/);
  });
});

describe('who sees a ticket', () => {
  const ticket = (o: Partial<{ assignedRegionCode: string | null; supervisingLevel: number | null }> = {}) => ({
    regionCode: VILLAGE, assignedRegionCode: null, supervisingLevel: null, ...o,
  });
  it('the operator: every ticket of its region', () => {
    expect(ticketVisibleTo({ role: 'hotline', regionCode: COUNTY }, ticket())).toBe(true);
    expect(ticketVisibleTo({ role: 'hotline', regionCode: OTHER_COUNTY }, ticket())).toBe(false);
  });
  it('township and county: what was assigned in their subtree, not what was assigned above them', () => {
    const toCounty = ticket({ assignedRegionCode: COUNTY, supervisingLevel: 3 });
    const toTownship = ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 4 });
    expect(ticketVisibleTo({ role: 'township', regionCode: TOWNSHIP }, ticket())).toBe(false);
    expect(ticketVisibleTo({ role: 'township', regionCode: TOWNSHIP }, toTownship)).toBe(true);
    // A tip about the township given to the county: the township never sees it.
    expect(ticketVisibleTo({ role: 'township', regionCode: TOWNSHIP }, toCounty)).toBe(false);
    expect(ticketVisibleTo({ role: 'county', regionCode: COUNTY }, toTownship)).toBe(true);
    expect(ticketVisibleTo({ role: 'county', regionCode: COUNTY }, toCounty)).toBe(true);
    expect(ticketVisibleTo({ role: 'county', regionCode: OTHER_COUNTY }, toCounty)).toBe(false);
  });
  it('city, province and national: only tickets escalated to their level', () => {
    expect(ticketVisibleTo({ role: 'city', regionCode: CITY }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 3 }))).toBe(false);
    expect(ticketVisibleTo({ role: 'city', regionCode: CITY }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 2 }))).toBe(true);
    expect(ticketVisibleTo({ role: 'city', regionCode: CITY }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 1 }))).toBe(true);
    expect(ticketVisibleTo({ role: 'province', regionCode: PROVINCE }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 2 }))).toBe(false);
    expect(ticketVisibleTo({ role: 'province', regionCode: PROVINCE }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 1 }))).toBe(true);
    expect(ticketVisibleTo({ role: 'national', regionCode: PROVINCE }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 1 }))).toBe(true);
  });
  it('nobody else', () => {
    for (const role of ['village', 'department', 'system_admin', 'security_admin', 'audit_admin'] as const)
      expect(ticketVisibleTo({ role, regionCode: PROVINCE }, ticket({ assignedRegionCode: TOWNSHIP, supervisingLevel: 1 }))).toBe(false);
  });
});

describe('the 受理登记 form', () => {
  it('takes a tip-off with its kind; the caller may stay anonymous', () => {
    const r = accept();
    expect(r.errors).toEqual([]);
    expect(r.input).toMatchObject({ kind: 'tip_off', tipKind: 'missed_inclusion', callerName: null, callerPhone: '13912345678', regionCode: VILLAGE });
    expect(accept({ tipKind: 'outside_mechanism' }).input?.tipKind).toBe('outside_mechanism');
    expect(Object.keys(TIP_KIND_NAMES).map((k) => TIP_KIND_NAMES[k as keyof typeof TIP_KIND_NAMES])).toEqual(['应纳未纳', '体外循环', '其他问题']);
  });

  it('names every problem with its field, in Chinese', () => {
    const r = checkAccept({ kind: 'complaint', callerPhone: '12345', content: '', regionCode: '3607', extra: 1 });
    expect(r.input).toBeNull();
    const paths = Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
    expect(paths).toMatchObject({
      kind: expect.stringMatching(/consultation/), callerPhone: expect.stringMatching(/号码格式/), content: '必填',
      regionCode: expect.stringMatching(/12位/), extra: expect.stringMatching(/未知字段/),
    });
    expect(checkAccept({ kind: 'tip_off', callerPhone: '13912345678', content: 'x', regionCode: VILLAGE }).errors).toEqual([
      { path: 'tipKind', message: expect.stringMatching(/须选择举报类别：应纳未纳、体外循环或其他问题/) },
    ]);
    expect(accept({ tipKind: 'abuse' }).errors).toEqual([{ path: 'tipKind', message: expect.stringMatching(/取值应为/) }]);
    expect(accept({ kind: 'consultation' }).errors).toEqual([{ path: 'tipKind', message: '只有举报类工单须选择举报类别' }]);
    expect(accept({ callerPhone: undefined }).errors).toEqual([{ path: 'callerPhone', message: '必填' }]);
  });

  it('a self-report or tip-off is about a village; a consultation about a county or below', () => {
    expect(accept({ regionCode: TOWNSHIP }).errors).toEqual([{ path: 'regionCode', message: '问题线索举报须选到村' }]);
    expect(accept({ kind: 'consultation', tipKind: null, regionCode: TOWNSHIP }).errors).toEqual([]);
    expect(accept({ kind: 'consultation', tipKind: null, regionCode: COUNTY }).errors).toEqual([]);
    expect(accept({ kind: 'consultation', tipKind: null, regionCode: CITY }).errors).toEqual([{ path: 'regionCode', message: '请至少选到县' }]);
  });

  it('a self-report names the person with a valid ID number', () => {
    const base = { kind: 'self_report', tipKind: null };
    expect(accept(base).errors.map((e) => e.path).sort()).toEqual(['subjectIdNumber', 'subjectName']);
    expect(accept({ ...base, subjectName: '张三', subjectIdNumber: `${ID.slice(0, 17)}${ID[17] === '0' ? '1' : '0'}` }).errors).toEqual([
      { path: 'subjectIdNumber', message: expect.stringMatching(/校验码/) },
    ]);
    const ok = accept({ ...base, subjectName: '张三', subjectIdNumber: ID.toLowerCase() });
    expect(ok.errors).toEqual([]);
    expect(ok.input?.subjectIdNumber).toBe(ID.toUpperCase());
  });

  it('reply and evaluation need their version and text; 不满意 needs a reason', () => {
    expect(checkReply({ reply: '已核实' }).errors).toEqual([{ path: 'version', message: '必填' }]);
    expect(checkReply({ version: 2, reply: '  ' }).errors).toEqual([{ path: 'reply', message: '必填' }]);
    expect(checkEvaluate({ version: 2, evaluation: 'dissatisfied' }).errors).toEqual([{ path: 'note', message: expect.stringMatching(/不满意须记录原因/) }]);
    expect(checkEvaluate({ version: 2, evaluation: 'satisfied' }).input).toEqual({ version: 2, evaluation: 'satisfied', note: null });
    expect(checkEvaluate({ version: 2, evaluation: '满意' }).errors[0]!.path).toBe('evaluation');
  });
});

describe('numbers and messages', () => {
  it('numbers tickets 12317-YYYYMMDD-NNNN', () => {
    expect(ticketNumber('2024-03-05', 1)).toBe('12317-20240305-0001');
    expect(ticketNumber('2024-12-31', 12345)).toBe('12317-20241231-12345');
  });
  it('the SMS carries no personal data: the ticket number, who answered, where to ask', () => {
    const m = replyMessage('12317-20240305-0001', '于都县某某镇');
    expect(m).toContain('12317-20240305-0001');
    expect(m).toContain('于都县某某镇');
    expect(m).not.toMatch(/1[3-9]\d{9}/);
  });
});
