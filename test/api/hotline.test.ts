/**
 * 12317 tickets through the API (WRN-2, Q52): accept → assign → reply → evaluate (不满意 reopens
 * once) → archive; escalation of an overdue ticket one level up per time limit, onto that
 * level's workbench; the caller's identity kept from everyone but the operator; a tip-off's
 * verification task, a self-report's case; the SMS of a reply; refusals in Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/deadlines.ts';
import { blindIndex } from '../../src/store/sealed.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { createCaseTestApp, expectError, type CaseTestApp } from '../helpers/cases.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

const CALLER_NAME = '钟来电';
const CALLER_PHONE = '13766554321';
const MASKED = '137****4321';

let k: CaseTestApp;

/** A household of village A (or `regionCode`) whose head has a known ID number. */
async function household(regionCode = k.regions.villageA) {
  const idNumber = nextIdNumber();
  const body = householdBody(regionCode, { members: [memberBody({ name: `户主${idNumber.slice(-4)}`, relation: 'head', idNumber })] });
  const h = await k.ok('county', 'POST', '/households', body);
  return { id: h.id as number, memberId: h.members[0].id as number, idNumber, headName: body.members[0]!.name };
}

const tipOff = (o: Record<string, unknown> = {}) => ({
  kind: 'tip_off', tipKind: 'missed_inclusion', callerName: CALLER_NAME, callerPhone: CALLER_PHONE,
  content: '村里有一户因灾房屋受损、收入骤减，至今未纳入监测', regionCode: k.regions.villageA, ...o,
});

const accept = (body: Record<string, unknown>) => k.ok('hotline', 'POST', '/hotline/tickets', body);
const get = (user: string, id: number) => k.ok(user, 'GET', `/hotline/tickets/${id}`);
const act = (user: string, id: number, action: string, body: Record<string, unknown>) => k.call(user, 'POST', `/hotline/tickets/${id}/${action}`, body);
const okAct = async (user: string, id: number, action: string, body: Record<string, unknown>) => {
  const res = await act(user, id, action, body);
  if (res.statusCode !== 200) throw new Error(`${user} ${action} → ${res.statusCode} ${res.body}`);
  return res.json();
};
const deadlinesOf = (ticketId: number) =>
  k.db.selectFrom('deadline').selectAll().where('subject_type', '=', 'hotline_ticket').where('subject_id', '=', ticketId).orderBy('id').execute();
const auditsOf = (ticketId: number) =>
  k.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('object_type', '=', 'hotline_ticket').where('object_id', '=', String(ticketId)).orderBy('seq').execute();

/** No trace of the caller in what a region the tip is about receives. */
function expectNoCaller(text: string) {
  expect(text).not.toContain(CALLER_NAME);
  expect(text).not.toContain(CALLER_PHONE);
  expect(text).not.toContain(MASKED);
  expect(text).not.toContain('callerPhone');
  expect(text).not.toContain('callerName');
}

describe(`12317 tickets (${TEST_DB_KIND})`, () => {
  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
  });
  afterAll(() => k?.close());

  it('accepts a tip-off about a registered person: a numbered ticket and a verification task for the village (WRN-2)', async () => {
    const h = await household();
    const t = await accept(tipOff({ subjectName: h.headName, subjectIdNumber: h.idNumber }));
    expect(t).toMatchObject({
      ticketNo: expect.stringMatching(/^12317-20240301-\d{4}$/), kind: 'tip_off', kindName: '问题线索举报', tipKind: 'missed_inclusion', tipKindName: '应纳未纳',
      state: 'accepted', stateName: '已受理，待交办', regionCode: k.regions.villageA, callerName: CALLER_NAME, callerPhone: MASKED, version: 1,
      actions: [{ action: 'assign', label: '交办' }],
    });
    expect(t.subjectIdNumber).not.toBe(h.idNumber);
    expect(t.assignOptions.map((o: any) => o.code)).toEqual([k.regions.township, k.regions.county]);
    const task = await k.db.selectFrom('verification_task').selectAll().where('id', '=', t.taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({
      source: 'hotline_12317', warning_type: 'tip_off', subject_key: `member:${blindIndex(k.db, 'id_number', h.idNumber)}`,
      household_id: h.id, member_id: h.memberId, region_code: k.regions.villageA, ticket_id: t.id, lead_on: '2024-03-01', state: 'open',
    });
    expect(task.summary).toContain('应纳未纳');
    expect(task.summary).not.toContain(CALLER_PHONE);
    expect(t.events).toEqual([expect.objectContaining({ action: 'accept', actionName: '受理登记', toState: 'accepted', note: expect.stringMatching(/核实任务/) })]);
    // The audit entry names the ticket, not the caller.
    const audits = await auditsOf(t.id);
    expect(audits.map((a) => a.action)).toEqual(['hotline_ticket.accept']);
    expect(JSON.stringify(audits)).not.toContain(CALLER_PHONE);
  });

  it('a tip-off naming nobody registered is keyed by the ticket; 体外循环 too starts a task, another tip does not', async () => {
    const t = await accept(tipOff({ tipKind: 'outside_mechanism', subjectName: '某人', subjectIdNumber: nextIdNumber() }));
    const task = await k.db.selectFrom('verification_task').selectAll().where('id', '=', t.taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ subject_key: `ticket:${t.id}`, household_id: null, member_id: null, warning_type: 'tip_off', region_code: k.regions.villageA });
    const other = await accept(tipOff({ tipKind: 'other', content: '村干部办事拖沓' }));
    expect(other.taskId).toBeNull();
    // Numbers run on within the day and never repeat.
    const numbers = (await k.db.selectFrom('hotline_ticket').select('ticket_no').orderBy('id').execute()).map((r) => r.ticket_no);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.at(-1)).toBe(`12317-20240301-${String(numbers.length).padStart(4, '0')}`);
  });

  it('assign → reply → 不满意 reopens once → reply → second 不满意 closes → archive; each change audited with an event', async () => {
    const t = await accept(tipOff());
    const assigned = await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.township, note: '请尽快入户核实' });
    expect(assigned).toMatchObject({ state: 'assigned', assignedRegionCode: k.regions.township, dueOn: '2024-03-16', supervisionName: '乡镇办理', actions: [] });
    expect(await deadlinesOf(t.id)).toEqual([
      expect.objectContaining({ kind: 'hotline_tip_off', responsible_role: 'township', due_on: '2024-03-16', clause: 'Q52', region_code: k.regions.villageA, closed_on: null, escalated: false }),
    ]);

    // The township sees it, without the caller; the county too (its subtree); the city does not (not escalated).
    const seen = await k.call('township', 'GET', `/hotline/tickets/${t.id}`);
    expect(seen.statusCode).toBe(200);
    expectNoCaller(seen.body);
    expect(seen.json().actions).toEqual([{ action: 'reply', label: '答复' }]);
    const countySees = await k.call('county', 'GET', `/hotline/tickets/${t.id}`);
    expect(countySees.statusCode).toBe(200);
    expectNoCaller(countySees.body);
    expect(countySees.json().actions).toEqual([]);
    const list = await k.call('township', 'GET', '/hotline/tickets');
    expect(list.json().items.map((i: any) => i.id)).toContain(t.id);
    expectNoCaller(list.body);
    expectError(await k.call('city', 'GET', `/hotline/tickets/${t.id}`), 404, /未提级至本级督办/);
    expect((await k.ok('city', 'GET', '/hotline/tickets')).items.map((i: any) => i.id)).not.toContain(t.id);

    // The county may not answer for its township; the operator may not answer at all.
    expectError(await act('county', t.id, 'reply', { version: assigned.version, reply: '已核实' }), 403, /已交办.*须由其答复/);
    expectError(await act('hotline', t.id, 'reply', { version: assigned.version, reply: '已核实' }), 403, /角色/);
    expectError(await act('township', t.id, 'reply', { version: t.version, reply: '已核实' }), 409, /已被他人修改/);
    expectError(await act('township', t.id, 'reply', { version: assigned.version }), 400, /必填/);

    k.advance(2);
    const replied = await okAct('township', t.id, 'reply', { version: assigned.version, reply: '已入户核实，该户已启动识别程序' });
    expect(replied).toMatchObject({ state: 'replied', repliedOn: '2024-03-03', reply: '已入户核实，该户已启动识别程序' });
    expectNoCaller(JSON.stringify(replied));
    expect((await deadlinesOf(t.id))[0]).toMatchObject({ closed_on: '2024-03-03' });

    // The reply queues one SMS to the caller, with no personal data; filed above the regions the tip is about.
    const messages = await k.db.selectFrom('household_message').selectAll().where('ticket_id', '=', t.id).execute();
    expect(messages).toEqual([expect.objectContaining({ channel: 'sms', recipient: CALLER_PHONE, status: 'queued', event: 'hotline_reply', region_code: k.regions.province, household_id: null })]);
    expect(messages[0]!.content).toContain(t.ticketNo);
    expect(messages[0]!.content).not.toContain(CALLER_NAME);
    expect(messages[0]!.content).not.toMatch(/1[3-9]\d{9}/);
    expect(messages[0]!.content).not.toContain('识别程序');

    // The operator records 不满意: back to the township with a new time limit.
    expectError(await act('hotline', t.id, 'evaluate', { version: replied.version, evaluation: 'dissatisfied' }), 400, /不满意须记录原因/);
    expectError(await act('township', t.id, 'evaluate', { version: replied.version, evaluation: 'satisfied' }), 403, /角色/);
    const reopened = await okAct('hotline', t.id, 'evaluate', { version: replied.version, evaluation: 'dissatisfied', note: '认为核实不细' });
    expect(reopened).toMatchObject({ state: 'assigned', evaluation: 'dissatisfied', evaluationName: '不满意', reopenCount: 1, dueOn: '2024-03-18' });
    const deadlines = await deadlinesOf(t.id);
    expect(deadlines).toHaveLength(2);
    expect(deadlines[1]).toMatchObject({ responsible_role: 'township', opened_on: '2024-03-03', due_on: '2024-03-18', closed_on: null });

    const again = await okAct('township', t.id, 'reply', { version: reopened.version, reply: '再次入户，补充核实收入' });
    const closed = await okAct('hotline', t.id, 'evaluate', { version: again.version, evaluation: 'dissatisfied', note: '仍不满意' });
    expect(closed).toMatchObject({ state: 'closed', closedOn: '2024-03-03', reopenCount: 1, evaluation: 'dissatisfied', actions: [{ action: 'archive', label: '归档' }] });
    expect((await k.db.selectFrom('household_message').select('id').where('ticket_id', '=', t.id).execute())).toHaveLength(2);

    const archived = await okAct('hotline', t.id, 'archive', { version: closed.version });
    expect(archived).toMatchObject({ state: 'archived', stateName: '已归档', archivedOn: '2024-03-03', actions: [] });
    expectError(await act('hotline', t.id, 'archive', { version: archived.version }), 409, /已归档.*不能归档/);
    expectError(await act('hotline', t.id, 'evaluate', { version: archived.version, evaluation: 'satisfied' }), 409, /不能记录评价/);

    expect(archived.events.map((e: any) => e.action)).toEqual(['accept', 'assign', 'reply', 'evaluate', 'reply', 'evaluate', 'archive']);
    expect(archived.events.map((e: any) => e.toState)).toEqual(['accepted', 'assigned', 'replied', 'assigned', 'replied', 'closed', 'archived']);
    expect((await auditsOf(t.id)).map((a) => a.action)).toEqual([
      'hotline_ticket.accept', 'hotline_ticket.assign', 'hotline_ticket.reply', 'hotline_ticket.evaluate', 'hotline_ticket.reply',
      'hotline_ticket.evaluate', 'hotline_ticket.archive',
    ]);
  });

  it('满意 closes at once; a consultation to the county gets 3 days', async () => {
    const t = await accept({ kind: 'consultation', callerPhone: CALLER_PHONE, content: '咨询防返贫监测范围', regionCode: k.regions.township });
    expect(t.assignOptions.map((o: any) => o.code)).toEqual([k.regions.township, k.regions.county]);
    const a = await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.county });
    expect(a.dueOn).toBe(addDays(k.today(), 3));
    expect((await deadlinesOf(t.id))[0]).toMatchObject({ kind: 'hotline_consultation', responsible_role: 'county' });
    // Assigned to the county: its township never sees it.
    expectError(await k.call('township', 'GET', `/hotline/tickets/${t.id}`), 404, /工单不存在/);
    const r = await okAct('county', t.id, 'reply', { version: a.version, reply: '已电话解释政策' });
    // A consultation's message is filed under its place.
    const m = await k.db.selectFrom('household_message').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow();
    expect(m.region_code).toBe(k.regions.township);
    const c = await okAct('hotline', t.id, 'evaluate', { version: r.version, evaluation: 'satisfied' });
    expect(c).toMatchObject({ state: 'closed', evaluationName: '满意', reopenCount: 0 });
  });

  it('escalates an overdue ticket one level per time limit, onto that level’s workbench, up to the province (督办)', async () => {
    const t = await accept(tipOff({ tipKind: 'other', content: '反映帮扶措施落实不到位' }));
    const a = await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.township });
    const dueOn = a.dueOn as string;
    const workbenchHas = async (user: string) =>
      ((await k.ok(user, 'GET', '/workbench')).tasks as any[]).some((x) => x.type === 'deadline' && x.dueOn === dueOn && x.title.startsWith('12317举报工单'));
    const run = () => k.ok('county', 'POST', '/scheduler/run');
    expect(await workbenchHas('township')).toBe(true);
    expect(await workbenchHas('county')).toBe(false);

    // Not yet overdue on the due date itself.
    k.advance(15);
    expect((await run()).ticketsEscalated).toBe(0);
    expect((await get('hotline', t.id)).supervisingLevel).toBe(4);

    k.advance(1);
    expect((await run()).ticketsEscalated).toBeGreaterThanOrEqual(1);
    let now = await get('hotline', t.id);
    expect(now).toMatchObject({ state: 'assigned', supervisingLevel: 3, supervisionName: '县级督办', escalations: 1, dueStatus: 'overdue' });
    expect((await deadlinesOf(t.id))[0]).toMatchObject({ responsible_role: 'county', escalated: true, status: 'overdue' });
    expect(await workbenchHas('county')).toBe(true);
    expect(await workbenchHas('township')).toBe(false);
    // Running again the same day changes nothing.
    await run();
    expect((await get('hotline', t.id)).escalations).toBe(1);

    k.advance(15);
    await run();
    now = await get('hotline', t.id);
    expect(now).toMatchObject({ supervisingLevel: 2, supervisionName: '市级督办', escalations: 2 });
    expect(await workbenchHas('city')).toBe(true);
    expect(await workbenchHas('county')).toBe(false);
    const cityList = await k.call('city', 'GET', '/hotline/tickets?escalated=true');
    expect(cityList.json().items.map((i: any) => i.id)).toContain(t.id);
    expectNoCaller(cityList.body);
    const cityView = await k.call('city', 'GET', `/hotline/tickets/${t.id}`);
    expect(cityView.statusCode).toBe(200);
    expectNoCaller(cityView.body);
    expect(cityView.json().actions).toEqual([]);
    expectError(await act('city', t.id, 'reply', { version: now.version, reply: '督办' }), 403, /角色/);
    expectError(await k.call('province', 'GET', `/hotline/tickets/${t.id}`), 404, /工单不存在/);

    k.advance(15);
    await run();
    expect(await get('hotline', t.id)).toMatchObject({ supervisingLevel: 1, supervisionName: '省级督办', escalations: 3 });
    expect(await workbenchHas('province')).toBe(true);
    expect((await k.call('province', 'GET', `/hotline/tickets/${t.id}`)).statusCode).toBe(200);

    // Never above the province.
    k.advance(30);
    await run();
    now = await get('hotline', t.id);
    expect(now).toMatchObject({ supervisingLevel: 1, escalations: 3 });
    const escalations = now.events.filter((e: any) => e.action === 'escalate');
    expect(escalations.map((e: any) => e.note)).toEqual([
      expect.stringMatching(/县级督办/), expect.stringMatching(/市级督办/), expect.stringMatching(/省级督办/),
    ]);
    expect(escalations[0].actionName).toBe('逾期提级督办');
    expect((await auditsOf(t.id)).filter((x) => x.action === 'hotline_ticket.escalate')).toHaveLength(3);

    // The township still answers; the deadline closes and leaves the province's workbench.
    await okAct('township', t.id, 'reply', { version: now.version, reply: '已整改落实' });
    expect(await workbenchHas('province')).toBe(false);
  });

  it('a self-report opens an identification case, joins an open one, or verifies a monitored household (PRC-1)', async () => {
    const h = await household();
    const body = (idNumber: string) => ({ kind: 'self_report', callerName: '申报人', callerPhone: '13800001111', content: '家人住院，收入骤减', regionCode: k.regions.villageA, subjectName: '申报人', subjectIdNumber: idNumber });
    const t = await accept(body(h.idNumber));
    expect(t.caseId).toEqual(expect.any(Number));
    const c = await k.db.selectFrom('workflow_case').selectAll().where('id', '=', t.caseId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ household_id: h.id, kind: 'identification', source: 'hotline_12317', lead_on: k.today(), source_ref: t.ticketNo, state: 'lead' });
    expect(t.events[0].note).toMatch(/已启动识别程序/);
    const again = await accept(body(h.idNumber));
    expect(again.caseId).toBe(t.caseId);
    expect(again.events[0].note).toMatch(/已有办理中的识别案件/);

    const m = await household();
    await k.db.updateTable('household').set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: '2024-01-10' }).where('id', '=', m.id).execute();
    const monitored = await accept(body(m.idNumber));
    expect(monitored.caseId).toBeNull();
    const task = await k.db.selectFrom('verification_task').selectAll().where('id', '=', monitored.taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ warning_type: 'self_report', source: 'hotline_12317', household_id: m.id, monitored: true, ticket_id: monitored.id });

    // Registered in another village than the one named: not the person meant; nothing starts, the assignee answers.
    const elsewhere = await household(k.regions.villageB);
    const unknown = await accept(body(elsewhere.idNumber));
    expect(unknown).toMatchObject({ caseId: null, taskId: null, state: 'accepted' });
    expect(unknown.events[0].note).toMatch(/未登记该申报人/);
  });

  it('shows the caller only to the operator; the whole number only on an audited reveal', async () => {
    const t = await accept(tipOff());
    expect((await get('hotline', t.id)).callerPhone).toBe(MASKED);
    const revealed = await k.ok('hotline', 'GET', `/hotline/tickets/${t.id}?revealCaller=true`);
    expect(revealed).toMatchObject({ callerName: CALLER_NAME, callerPhone: CALLER_PHONE, callerRevealed: true });
    expect((await auditsOf(t.id)).map((a) => a.action)).toContain('hotline_ticket.read_caller');
    await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.township });
    const res = await k.call('township', 'GET', `/hotline/tickets/${t.id}?revealCaller=true`);
    expectError(res, 403, /角色/);
    expectNoCaller(res.body);
  });

  it('refuses bad input with Chinese field errors (400)', async () => {
    const res = await k.call('hotline', 'POST', '/hotline/tickets', { kind: 'complaint', callerPhone: '123', content: '', regionCode: k.regions.township });
    expect(res.statusCode).toBe(400);
    const errors = Object.fromEntries(res.json().errors.map((e: any) => [e.path, e.message]));
    expect(errors).toMatchObject({ kind: expect.stringMatching(/取值应为/), callerPhone: expect.stringMatching(/号码格式/), content: '必填' });
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', tipOff({ regionCode: k.regions.township })), 400, /须选到村/);
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', tipOff({ regionCode: '360731999999' })), 400, /区划不存在/);
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', tipOff({ tipKind: null })), 400, /须选择举报类别/);
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', { ...tipOff(), kind: 'self_report', tipKind: null, subjectName: '某', subjectIdNumber: '36073119800101123' }), 400, /身份证号应为18位/);
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', { ...tipOff(), callerPhone: 12345 }), 400, /callerPhone|文本/);

    const t = await accept(tipOff());
    expectError(await act('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.otherTownship }), 400, /所属的乡镇或县/);
    expectError(await act('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.villageA }), 400, /只能交办到县或乡镇/);
    expectError(await act('hotline', t.id, 'assign', { regionCode: k.regions.township }), 400, /必填/);
    expectError(await act('hotline', t.id, 'assign', { version: t.version + 5, regionCode: k.regions.township }), 409, /已被他人修改/);
    expectError(await act('hotline', t.id, 'evaluate', { version: t.version, evaluation: 'satisfied' }), 409, /待交办.*不能记录评价/);
    expectError(await k.call('hotline', 'GET', '/hotline/tickets?state=open'), 400, /取值应为/);
  });

  it('refuses roles without the action (403) and tickets outside the subtree (404)', async () => {
    for (const user of ['village', 'county', 'township', 'department', 'city'])
      expectError(await k.call(user, 'POST', '/hotline/tickets', tipOff()), 403, /角色/);
    expectError(await k.call('village', 'GET', '/hotline/tickets'), 403, /角色/);
    expectError(await k.call('department', 'GET', '/hotline/tickets'), 403, /角色/);
    // The operator of 于都县 accepts nothing about 兴国县.
    expectError(await k.call('hotline', 'POST', '/hotline/tickets', tipOff({ regionCode: k.regions.villageD })), 403, /管辖区域/);

    const t = await accept(tipOff());
    expectError(await act('county', t.id, 'assign', { version: t.version, regionCode: k.regions.township }), 403, /角色/);
    const a = await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.county });
    expectError(await k.call('othercounty', 'GET', `/hotline/tickets/${t.id}`), 404, /工单不存在/);
    expectError(await act('othercounty', t.id, 'reply', { version: a.version, reply: '已核实' }), 404, /工单不存在/);
    expectError(await k.call('village', 'GET', `/hotline/tickets/${t.id}`), 403, /角色/);
    expectError(await k.call('hotline', 'GET', '/hotline/tickets/987654321'), 404, /工单不存在/);
    expect((await k.ok('othercounty', 'GET', '/hotline/tickets')).items.map((i: any) => i.id)).not.toContain(t.id);
  });

  it('lists the operator’s queue by due date with an overdue filter', async () => {
    const fresh = await accept(tipOff({ tipKind: 'other', content: '排序测试' }));
    const t = await accept(tipOff({ tipKind: 'other', content: '逾期测试' }));
    await okAct('hotline', t.id, 'assign', { version: t.version, regionCode: k.regions.township });
    const queue = await k.ok('hotline', 'GET', '/hotline/tickets?pageSize=200');
    const ids = queue.items.map((i: any) => i.id);
    // Still to be assigned first, then the assigned ones by due date.
    expect(ids.indexOf(fresh.id)).toBeLessThan(ids.indexOf(t.id));
    const assigned = queue.items.filter((i: any) => i.state === 'assigned');
    expect(assigned.map((i: any) => i.dueOn)).toEqual([...assigned.map((i: any) => i.dueOn)].sort());
    expect(queue.items.every((i: any) => !('callerPhone' in i) && !('content' in i))).toBe(true);
    expect((await k.ok('hotline', 'GET', '/hotline/tickets?overdue=true')).items.map((i: any) => i.id)).not.toContain(t.id);
    k.advance(16);
    const overdue = await k.ok('hotline', 'GET', '/hotline/tickets?overdue=true&pageSize=200');
    expect(overdue.items.map((i: any) => i.id)).toContain(t.id);
    expect(overdue.items.every((i: any) => i.state === 'assigned' && i.dueStatus === 'overdue' && /已逾期/.test(i.daysLeftText))).toBe(true);
  });
});
