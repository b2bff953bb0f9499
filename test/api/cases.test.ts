/**
 * Issue 4 through the API: cases from leads (PRC-1, IDN-7), the identification procedure
 * (PRC-2…6), deadlines and the workbench (PRC-7), notices (PRC-8) and the green channel (GRN-1…3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { findSensitive } from '../../src/domain/notice-document.ts';
import { nextIdNumber } from '../helpers/households.ts';

const badCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
import { TEST_DB_KIND } from '../helpers/db.ts';
import { createCaseTestApp, expectError, type CaseTestApp } from '../helpers/cases.ts';

describe(`identification cases (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
  });
  afterAll(() => k?.close());

  it('runs the whole procedure from a cadre visit to system entry (PRC-1…6)', async () => {
    const hh = await k.identifiableHousehold();
    const opened = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    expect(opened.state).toBe('lead');
    expect(opened.deadlines).toEqual([expect.objectContaining({ kind: 'lead_to_identification', dueOn: '2024-03-16', clause: 'Q42' })]);

    const verified = await k.okStep('village', opened.id, 'record_verification', { occurredOn: k.today(), visitors: '村干部', findings: '因病' });
    expect(verified.assessments[0]).toMatchObject({ stage: 'verification', engineVersion: expect.any(String) });
    expect(verified.assessments[0].parameters.monitoring_threshold).toMatchObject({ value: 7800, reference: 'Q10' });
    expect(verified.consents.map((c: any) => c.memberId).sort()).toEqual([...hh.memberIds].sort());

    // Q22: no appraisal until every counted member signed (or another signed for them in writing).
    expectError(
      await k.step('village', opened.id, 'record_appraisal', { form: 'villagers_meeting', heldOn: k.today(), attendance: 80, result: 'passed' }),
      422, /承诺授权书.*Q22/,
    );
    await k.ok('village', 'POST', `/cases/${opened.id}/consents`, { memberId: hh.memberIds[0], signedOn: k.today() });
    expectError(
      await k.call('village', 'POST', `/cases/${opened.id}/consents`, { memberId: hh.memberIds[1], signedOn: k.today(), delegateMemberId: hh.memberIds[0] }),
      400, /书面委托/,
    );
    await k.ok('village', 'POST', `/cases/${opened.id}/consents`, {
      memberId: hh.memberIds[1], signedOn: k.today(), delegateMemberId: hh.memberIds[0], delegationNote: '外出务工，书面委托户主代签',
    });
    await k.okStep('village', opened.id, 'record_appraisal', { form: 'villagers_meeting', heldOn: k.today(), attendance: 80, result: 'passed' });

    // Q42: at least 5 days, both ends counted.
    expectError(
      await k.step('village', opened.id, 'start_notice', { startOn: k.today(), endOn: '2024-03-04', objectionUnit: '村委会', objectionPhone: '0797-6221234' }),
      400, /不少于5天.*Q42/,
    );
    expectError(
      await k.step('village', opened.id, 'start_notice', { startOn: k.today(), endOn: '2024-03-05', objectionUnit: '村委会', objectionPhone: '13912345678' }),
      400, /个人手机号.*Q47/,
    );
    const inNotice = await k.okStep('village', opened.id, 'start_notice', {
      startOn: k.today(), endOn: '2024-03-05', objectionUnit: '村委会', objectionPhone: '0797-6221234',
    });
    expect(inNotice.state).toBe('in_notice');
    // Approving before the notice ran its 5 days names Q42; a village user approving is refused outright.
    expectError(await k.step('county', opened.id, 'county_approve'), 422, /Q42/);
    expectError(await k.step('village', opened.id, 'county_approve'), 403, /县级/);
    expectError(await k.step('village', opened.id, 'end_notice', { objections: 0 }), 422, /尚未期满.*Q42/);

    k.advance(4); // 2024-03-05: still the last day of the notice
    expectError(await k.step('village', opened.id, 'end_notice', { objections: 0 }), 422, /Q42/);
    k.advance(1); // 2024-03-06
    await k.okStep('village', opened.id, 'end_notice', { objections: 0 });
    expectError(await k.step('township', opened.id, 'township_review', { opinion: '同意' }), 400, /帮扶措施.*Q27/);
    await k.okStep('township', opened.id, 'township_review', { opinion: '同意', proposedMeasures: [{ type: 'health', description: '医疗救助' }] });
    const approved = await k.okStep('county', opened.id, 'county_approve');
    expect(approved).toMatchObject({ state: 'approved', decidedOn: '2024-03-06', category: 'unstable_out_of_poverty' });
    expect(approved.household).toMatchObject({ monitoringStatus: 'monitored', monitoringCategory: 'unstable_out_of_poverty', identifiedOn: '2024-03-06' });
    const open = approved.deadlines.filter((d: any) => !d.closedOn).map((d: any) => [d.kind, d.dueOn]);
    expect(open.sort()).toEqual([['plan_publication', '2024-03-16'], ['system_entry', '2024-03-16']]);
    expect(approved.assessments.map((a: any) => a.stage)).toEqual(['verification', 'county_approval']);

    await k.okStep('county', opened.id, 'announce', { announcedOn: k.today(), documentNumber: '于防返贫〔2024〕3号' });
    const entered = await k.okStep('county', opened.id, 'enter_system', { enteredOn: k.today() });
    expect(entered).toMatchObject({ state: 'entered', outcome: 'identified' });
    expect(entered.steps.map((s: any) => s.action)).toEqual([
      'record_verification', 'record_appraisal', 'start_notice', 'end_notice', 'township_review', 'county_approve', 'announce', 'enter_system',
    ]);
    expect(entered.steps.every((s: any) => s.actorName && s.occurredOn)).toBe(true);
    const household = await k.ok('county', 'GET', `/households/${hh.id}`);
    expect(household).toMatchObject({ monitoringStatus: 'monitored', monitoringCategory: 'unstable_out_of_poverty', identifiedOn: '2024-03-06' });
  });

  it.each([
    ['self_report_miniprogram', 'village'], ['self_report_written', 'village'], ['cadre_visit', 'township'], ['screening', 'village'],
    ['hotline_12317', 'hotline'], ['department_warning', 'department'], ['dibao_application', 'department'], ['tekun_application', 'department'],
  ])('a lead from %s (by %s) runs to county approval (PRC-1)', async (source, reporter) => {
    const hh = await k.identifiableHousehold();
    const head = await k.ok('village', 'GET', `/households/${hh.id}?reveal=true`);
    // Departments and the hotline know the person's ID number, not our household number.
    const body = ['department', 'hotline'].includes(reporter)
      ? { idNumber: head.members[0].idNumber, source, leadOn: k.today(), sourceRef: 'YJ-2024-001' }
      : { householdId: hh.id, source, leadOn: k.today() };
    const res = await k.call(reporter, 'POST', reporter === 'department' ? '/leads' : '/cases', body);
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ source, leadOn: k.today(), state: 'lead' });
    await k.runToNotice(c.id, hh.memberIds);
    const approved = await k.runToApproval(c.id);
    expect(approved.state).toBe('approved');
    expect(approved.household.monitoringStatus).toBe('monitored');
  });

  it('a second lead for a household with an open case is refused with the open case number', async () => {
    const hh = await k.identifiableHousehold();
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    expectError(await k.call('township', 'POST', '/cases', { householdId: hh.id, source: 'screening', leadOn: k.today() }), 409, new RegExp(`编号${c.id}`));
  });

  it('a department may only push warnings, the hotline only 12317 tickets, and bad leads change nothing', async () => {
    const hh = await k.identifiableHousehold();
    expectError(await k.call('department', 'POST', '/leads', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() }), 400, /只能报送/);
    expectError(await k.call('hotline', 'POST', '/leads', { householdId: hh.id, source: 'department_warning', leadOn: k.today() }), 400, /只能报送/);
    expectError(await k.call('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: '2099-01-01' }), 400, /不能晚于今天/);
    expectError(await k.call('department', 'POST', '/leads', { idNumber: badCheckDigit(nextIdNumber()), source: 'department_warning', leadOn: k.today() }), 400, /校验码/);
    const list = await k.ok('county', 'GET', `/cases?householdId=${hh.id}`);
    expect(list.total).toBe(0);
  });

  it('IDN-7: a new dibao application cannot be closed because the household already has dibao (Q8)', async () => {
    const hh = await k.identifiableHousehold();
    const head = await k.ok('village', 'GET', `/households/${hh.id}?reveal=true`);
    const c = await k.ok('department', 'POST', '/leads', { idNumber: head.members[0].idNumber, source: 'dibao_application', leadOn: k.today() });
    expectError(await k.step('village', c.id, 'close', { reasonCode: 'other', reason: '该户已享受低保，无需纳入' }), 400, /已享受低保.*Q8/);
    const closed = await k.okStep('village', c.id, 'close', { reasonCode: 'above_range_no_hardship', reason: '核实收入高于监测范围且无刚性支出' });
    expect(closed).toMatchObject({ state: 'not_identified', outcome: 'not_identified' });
    expect(closed.deadlines.every((d: any) => d.closedOn)).toBe(true);
  });

  it('two simultaneous county approvals of one case: exactly one succeeds, the other gets 409, one audit entry', async () => {
    const hh = await k.identifiableHousehold();
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'screening', leadOn: k.today() });
    await k.runToNotice(c.id, hh.memberIds);
    k.advance(5);
    await k.okStep('village', c.id, 'end_notice', { objections: 0 });
    await k.okStep('township', c.id, 'township_review', { opinion: '同意', proposedMeasures: [{ type: 'industry', description: '产业奖补' }] });
    const { version } = await k.ok('county', 'GET', `/cases/${c.id}`);
    const [a, b] = await Promise.all([
      k.call('county', 'POST', `/cases/${c.id}/steps/county_approve`, { version }),
      k.call('county2', 'POST', `/cases/${c.id}/steps/county_approve`, { version }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const audits = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'case.county_approve' and object_id = ${String(c.id)}`.execute(k.db);
    expect(audits.rows[0]!.n).toBe(1);
    const steps = await sql<{ n: number }>`select count(*)::int as n from case_step where case_id = ${c.id} and action = 'county_approve'`.execute(k.db);
    expect(steps.rows[0]!.n).toBe(1);
  });

  it('the county may refuse or return with a reason; a rejected case ends and the household is not a monitoring object', async () => {
    const hh = await k.identifiableHousehold();
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'screening', leadOn: k.today() });
    await k.runToNotice(c.id, hh.memberIds);
    k.advance(5);
    await k.okStep('village', c.id, 'end_notice', { objections: 0 });
    await k.okStep('township', c.id, 'township_review', { opinion: '同意', proposedMeasures: [{ type: 'industry', description: '产业奖补' }] });
    expectError(await k.step('county', c.id, 'county_return', {}), 400, /必填/);
    await k.okStep('county', c.id, 'county_return', { reason: '请补充收入核实材料' });
    await k.okStep('township', c.id, 'township_review', { opinion: '已补充', proposedMeasures: [{ type: 'industry', description: '产业奖补' }] });
    const rejected = await k.okStep('county', c.id, 'county_reject', { reason: '经核实家庭有稳定务工收入' });
    expect(rejected).toMatchObject({ state: 'rejected', outcome: 'rejected', outcomeReason: '经核实家庭有稳定务工收入' });
    expect(rejected.household.monitoringStatus).toBe('none');
  });
});

describe(`green channel (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  beforeAll(async () => {
    k = await createCaseTestApp('2024-07-10');
  });
  afterAll(() => k?.close());

  it('GRN-1…3: village and township confirm, the county enters; identification date = entry date; each step notified', async () => {
    const hh = await k.identifiableHousehold(undefined, 'disaster');
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    expectError(await k.step('county', c.id, 'green_enter', { category: 'sudden_severe_hardship', notifyChannel: 'phone' }), 422, /村、乡镇两级确认.*Q29/);
    expectError(await k.step('township', c.id, 'green_confirm_township', { facts: '洪灾', notifyChannel: 'in_person' }), 422, /须先经村级确认/);
    await k.okStep('village', c.id, 'green_confirm_village', { facts: '7月洪灾房屋受损', notifyChannel: 'in_person' });
    await k.okStep('township', c.id, 'green_confirm_township', { facts: '核实属实', notifyChannel: 'phone' });
    const entered = await k.okStep('county', c.id, 'green_enter', { category: 'sudden_severe_hardship', notifyChannel: 'written' });
    expect(entered).toMatchObject({ greenChannel: true, greenEnteredOn: '2024-07-10' });
    expect(entered.household).toMatchObject({ monitoringStatus: 'monitored', identifiedOn: '2024-07-10', monitoringCategory: 'sudden_severe_hardship' });
    expect(entered.deadlines.find((d: any) => d.kind === 'green_channel')).toMatchObject({ dueOn: '2024-08-10', clause: 'Q29' });
    expect(entered.notifications.map((n: any) => n.channel)).toEqual(['in_person', 'phone', 'written']);

    // Completes the procedure within the month: identification date stays the entry date (Q45).
    k.advance(3);
    await k.runToNotice(c.id, hh.memberIds);
    const approved = await k.runToApproval(c.id);
    expect(approved.household.identifiedOn).toBe('2024-07-10');
    expect(approved.deadlines.find((d: any) => d.kind === 'green_channel').closedOn).toBe(k.today());
  });

  it('GRN-2: a case that does not qualify leaves the channel with a reason; overdue green cases are listed', async () => {
    const hh = await k.identifiableHousehold(undefined, 'accident');
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    await k.okStep('village', c.id, 'green_confirm_village', { facts: '车祸', notifyChannel: 'in_person' });
    await k.okStep('township', c.id, 'green_confirm_township', { facts: '属实', notifyChannel: 'in_person' });
    await k.okStep('county', c.id, 'green_enter', { category: 'sudden_severe_hardship', notifyChannel: 'phone' });
    // Measures start at once (Q29).
    await k.ok('village', 'POST', `/households/${hh.id}/plan`, {
      caseId: c.id, measures: [{ type: 'temporary_assistance', description: '临时救助', plannedStart: k.today() }],
    });
    k.advance(40);
    const overdue = await k.ok('county', 'GET', '/cases?green=true&overdue=true&status=open');
    expect(overdue.items.map((i: any) => i.id)).toContain(c.id);
    expectError(await k.step('county', c.id, 'green_exit', { notifyChannel: 'phone' }), 400, /必填/);
    const exited = await k.okStep('county', c.id, 'green_exit', { reason: '获赔保险金后收入超过监测范围', notifyChannel: 'phone' });
    expect(exited).toMatchObject({ state: 'green_exit', outcome: 'green_exit' });
    expect(exited.household).toMatchObject({ monitoringStatus: 'none', identifiedOn: null });
    expect(exited.notifications.at(-1)).toMatchObject({ event: 'green_exit', channel: 'phone' });
    const measures = await sql<{ status: string; suspended_reason: string }>`select status, suspended_reason from measure where household_id = ${hh.id}`.execute(k.db);
    expect(measures.rows).toEqual([{ status: 'suspended', suspended_reason: expect.stringContaining('退出绿色通道') }]);
  });

  it('green channel only for a sudden disaster or accident risk (Q29)', async () => {
    const hh = await k.identifiableHousehold(undefined, 'illness');
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    expectError(await k.step('village', c.id, 'green_confirm_village', { facts: '生病', notifyChannel: 'in_person' }), 422, /因灾.*Q29/);
  });
});

describe(`deadlines, workbench and notices (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  let caseId: number;
  beforeAll(async () => {
    k = await createCaseTestApp('2024-05-06');
    const hh = await k.identifiableHousehold();
    caseId = (await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() })).id;
    await k.runToNotice(caseId, hh.memberIds);
    const other = await k.identifiableHousehold(k.regions.villageC);
    await k.ok('county', 'POST', '/cases', { householdId: other.id, source: 'screening', leadOn: '2024-05-01' });
  });
  afterAll(() => k?.close());

  it('the workbench lists the role\'s tasks by due date with days left; other roles do not see them', async () => {
    const village = await k.ok('village', 'GET', '/workbench');
    expect(village.tasks.map((x: any) => x.title)).toEqual(expect.arrayContaining([expect.stringMatching(/公示期/)]));
    expect(village.tasks[0]).toMatchObject({ dueOn: '2024-05-11', daysLeftText: '还剩5天' });
    const dues = village.tasks.map((x: any) => x.dueOn);
    expect(dues).toEqual([...dues].sort());
    // Village B's cadre sees nothing of village A.
    const village2 = await k.ok('village2', 'GET', '/workbench');
    expect(village2.tasks).toEqual([]);
    const county = await k.ok('county', 'GET', '/workbench');
    expect(county.tasks).toEqual([]); // nothing waits for the county yet
  });

  it('the scheduler marks overdue deadlines and records its last run; supervisors see overdue counts by subordinate region', async () => {
    k.advance(20);
    const run = await k.ok('county', 'POST', '/scheduler/run');
    expect(run).toMatchObject({ ranFor: k.today() });
    expect(run.overdue).toBeGreaterThanOrEqual(2);
    const status = await k.ok('village', 'GET', '/scheduler');
    expect(status.deadlines).toMatchObject({ ranFor: k.today() });
    const county = await k.ok('county', 'GET', '/workbench');
    expect(county.totals.overdue).toBeGreaterThanOrEqual(2);
    const byRegion = county.overdueByRegion;
    expect(byRegion.map((r: any) => r.regionCode).sort()).toEqual([k.regions.township, k.regions.otherTownship].sort());
    const village = await k.ok('village', 'GET', '/workbench');
    expect(village.tasks[0].daysLeftText).toMatch(/^已逾期\d+天$/);
    const rows = await sql<{ status: string }>`select status from deadline where closed_on is null`.execute(k.db);
    expect(rows.rows.some((r) => r.status === 'overdue')).toBe(true);
    expectError(await k.call('village', 'POST', '/scheduler/run'), 403, /角色/);
  });

  it('PRC-8: printed notices name the head and the period, never an ID number, phone, bank account or health status', async () => {
    const html = await k.call('village', 'GET', `/cases/${caseId}/notice`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('李大山');
    expect(html.body).toContain('0797-6221234');
    expect(findSensitive(html.body)).toEqual([]);
    const xlsx = await k.call('village', 'GET', `/cases/${caseId}/notice?format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    expectError(await k.call('village', 'GET', `/cases/${caseId}/notice?type=county_announcement`), 422, /县级尚未审批/);
    expectError(await k.call('village2', 'GET', `/cases/${caseId}/notice`), 403, /管辖区域/);
  });
});

describe(`data comparison (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  beforeAll(async () => {
    k = await createCaseTestApp('2024-04-01');
  });
  afterAll(() => k?.close());

  async function verifiedCase(hh: { id: number }) {
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'dibao_application', leadOn: k.today() });
    await k.okStep('village', c.id, 'record_verification', { occurredOn: k.today(), visitors: '村干部', findings: '核实' });
    return c;
  }

  it('PRC-2: runs only with every counted member\'s consent, beside the procedure; the result is recorded once', async () => {
    const hh = await k.identifiableHousehold();
    const c = await verifiedCase(hh);
    expectError(await k.call('village', 'POST', `/cases/${c.id}/comparisons`), 422, /须经农户授权.*Q22/);
    for (const memberId of hh.memberIds) await k.ok('village', 'POST', `/cases/${c.id}/consents`, { memberId, signedOn: k.today() });
    const requested = await k.ok('village', 'POST', `/cases/${c.id}/comparisons`);
    expect(requested.state).toBe('verified'); // no step moved
    expect(requested.comparisons).toEqual([expect.objectContaining({ status: 'pending', requestedOn: k.today() })]);
    expectError(await k.call('township', 'POST', `/cases/${c.id}/comparisons`), 409, /待反馈/);
    const cmp = requested.comparisons[0];
    expectError(await k.call('village', 'POST', `/cases/${c.id}/comparisons/${cmp.id}/result`, { version: cmp.version, result: 'issue_found', completedOn: k.today() }), 400, /必填/);
    const done = await k.ok('village', 'POST', `/cases/${c.id}/comparisons/${cmp.id}/result`, {
      version: cmp.version, result: 'issue_found', findings: '比对发现登记车辆一辆', completedOn: k.today(),
    });
    expect(done.comparisons[0]).toMatchObject({ status: 'done', result: 'issue_found', findings: '比对发现登记车辆一辆' });
    expectError(await k.call('village', 'POST', `/cases/${c.id}/comparisons/${cmp.id}/result`, { version: done.comparisons[0].version, result: 'no_issue', completedOn: k.today() }), 409, /已有结果/);
    expectError(await k.call('village2', 'POST', `/cases/${c.id}/comparisons`), 403, /管辖区域/);
  });

  it('Q43: a dibao household compared in the three months before the lead is not compared again', async () => {
    const hh = await k.identifiableHousehold();
    const h = await k.ok('county', 'GET', `/households/${hh.id}`);
    await k.ok('county', 'PATCH', `/households/${hh.id}`, { version: h.version, dibaoSince: '2023-01-01' });
    const first = await verifiedCase(hh);
    for (const memberId of hh.memberIds) await k.ok('village', 'POST', `/cases/${first.id}/consents`, { memberId, signedOn: k.today() });
    const cmp = (await k.ok('village', 'POST', `/cases/${first.id}/comparisons`)).comparisons[0];
    await k.ok('village', 'POST', `/cases/${first.id}/comparisons/${cmp.id}/result`, { version: cmp.version, result: 'no_issue', completedOn: k.today() });
    await k.okStep('village', first.id, 'close', { reasonCode: 'withdrawn', reason: '农户撤回申报' });

    k.advance(60);
    const second = await verifiedCase(hh);
    for (const memberId of hh.memberIds) await k.ok('village', 'POST', `/cases/${second.id}/consents`, { memberId, signedOn: k.today() });
    const skipped = await k.ok('village', 'POST', `/cases/${second.id}/comparisons`);
    expect(skipped.comparisons).toEqual([expect.objectContaining({ status: 'skipped', reliesOnId: cmp.id })]);
    await k.okStep('village', second.id, 'close', { reasonCode: 'withdrawn', reason: '农户撤回申报' });

    k.advance(40); // now more than three months after that comparison
    const third = await verifiedCase(hh);
    for (const memberId of hh.memberIds) await k.ok('village', 'POST', `/cases/${third.id}/consents`, { memberId, signedOn: k.today() });
    expect((await k.ok('village', 'POST', `/cases/${third.id}/comparisons`)).comparisons[0]).toMatchObject({ status: 'pending' });
  });
});
