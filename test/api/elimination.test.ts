/**
 * Issue 5 through the API: risk elimination as the same kind of case as identification (ELM-4),
 * the engine's checks at verification and approval (ELM-1), Q37 timing (ELM-2), the fallback
 * mark (ELM-3), and life after elimination (ELM-5: tracked, measures with periods keep running,
 * a new risk opens a new identification case linked to the history, Q39).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../src/domain/deadlines.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { createCaseTestApp, expectError, type CaseTestApp } from '../helpers/cases.ts';

describe(`risk elimination (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
  });
  afterAll(() => k?.close());

  /** An identified household (approved 2024-03-06 or later) with a published plan. */
  async function identified() {
    const hh = await k.identifiableHousehold();
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    await k.runToNotice(c.id, hh.memberIds);
    const approved = await k.runToApproval(c.id);
    const identifiedOn: string = approved.household.identifiedOn;
    await k.okStep('county', c.id, 'announce', { announcedOn: identifiedOn });
    await k.okStep('county', c.id, 'enter_system', { enteredOn: identifiedOn });
    const plan = await k.ok('village', 'POST', `/households/${hh.id}/plan`, {
      caseId: c.id,
      measures: [
        { type: 'industry', description: '脐橙种植产业奖补', plannedStart: identifiedOn },
        { type: 'public_welfare_job', description: '村保洁公益性岗位', plannedStart: identifiedOn, periodEnd: '2025-12-31' },
      ],
    });
    return { hh, caseId: c.id, identifiedOn, plan };
  }

  async function makeEligible(householdId: number, measures: any[], asOf: string) {
    const records = await k.ok('county', 'GET', `/households/${householdId}/records`);
    for (const r of records.risks.filter((x: any) => !x.resolved))
      await k.ok('county', 'PATCH', `/households/${householdId}/risks/${r.id}`, { version: r.version, resolved: true, resolvedOn: asOf });
    // Stable wage income over the past year: 30000 for 2 people = 15000 per head > 7800 (Q30, Q32).
    const to = addMonths(asOf, -1).slice(0, 7);
    await k.ok('county', 'POST', `/households/${householdId}/incomes`, { type: 'wage', amount: 30000, from: addMonths(asOf, -12).slice(0, 7), to });
    for (const m of measures) {
      await k.ok('county', 'PATCH', `/measures/${m.id}`, { version: m.version, status: 'implementing', on: m.plannedStart });
      if (m.type === 'industry') {
        const now = await k.ok('county', 'GET', `/households/${householdId}/plan`);
        const again = now.measures.find((x: any) => x.id === m.id);
        await k.ok('county', 'PATCH', `/measures/${m.id}`, { version: again.version, status: 'implemented', on: addDays(asOf, -10) });
      }
    }
  }

  it('ELM-1…5: verification and approval run the engine; the household is 风险已消除, tracked, and its public-welfare job keeps running', async () => {
    const { hh, identifiedOn } = await identified();
    // Q37: never in the identification month or the next.
    expectError(await k.call('village', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: k.today() }), 422, /识别当月及次月.*Q37/);

    k.advance(185);
    const asOf = k.today();
    const plan = await k.ok('village', 'GET', `/households/${hh.id}/plan`);
    await makeEligible(hh.id, plan.measures, asOf);

    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: asOf });
    expect(c).toMatchObject({ kind: 'elimination', source: 'review', state: 'lead' });
    const verified = await k.okStep('village', c.id, 'record_verification', { occurredOn: asOf, visitors: '驻村工作队', findings: '务工收入稳定' });
    expect(verified.assessments[0]).toMatchObject({ stage: 'verification', result: { kind: 'elimination', eligible: true } });
    await k.okStep('village', c.id, 'record_appraisal', { form: 'representatives_meeting', heldOn: asOf, attendance: 30, result: 'passed' });
    await k.okStep('village', c.id, 'start_notice', { startOn: asOf, endOn: addDays(asOf, 4), objectionUnit: '村委会', objectionPhone: '12317' });
    expectError(await k.step('county', c.id, 'county_approve'), 422, /Q42/);
    k.advance(5);
    await k.okStep('village', c.id, 'end_notice', { objections: 0 });
    await k.okStep('township', c.id, 'township_review', { opinion: '收入稳定，风险已消除' });
    const approved = await k.okStep('county', c.id, 'county_approve');
    expect(approved).toMatchObject({ state: 'approved', decidedOn: k.today() });
    expect(approved.household).toMatchObject({ monitoringStatus: 'eliminated', eliminatedOn: k.today(), identifiedOn });
    expect(approved.assessments.map((a: any) => [a.stage, a.result.eligible])).toEqual([['verification', true], ['county_approval', true]]);
    const announced = await k.okStep('county', c.id, 'announce', { announcedOn: k.today() });
    expect(announced).toMatchObject({ state: 'announced', outcome: 'eliminated' });

    // ELM-5: the household stays, its measures with periods run on (Q28).
    const after = await k.ok('county', 'GET', `/households/${hh.id}/plan`);
    expect(after.measures.find((m: any) => m.type === 'public_welfare_job')).toMatchObject({ status: 'implementing', periodEnd: '2025-12-31' });
    expect((await k.ok('county', 'GET', `/households/${hh.id}`)).monitoringStatus).toBe('eliminated');

    // Q39: a new risk opens a new identification case, linked to the history.
    const risk = await k.ok('village', 'POST', `/households/${hh.id}/risks`, { type: 'accident', selfResolvable: false, foundOn: k.today() });
    expect(risk.openedCaseId).toEqual(expect.any(Number));
    const again = await k.ok('county', 'GET', `/cases/${risk.openedCaseId}`);
    expect(again).toMatchObject({ kind: 'identification', source: 'new_risk', leadOn: k.today(), previousCaseId: c.id, state: 'lead' });
    expect(again.deadlines[0]).toMatchObject({ kind: 'lead_to_identification', clause: 'Q42' });
    // A second risk joins the open case instead of opening another.
    const second = await k.ok('village', 'POST', `/households/${hh.id}/risks`, { type: 'illness', selfResolvable: false, foundOn: k.today() });
    expect(second.openedCaseId).toBeUndefined();
  });

  it('the county cannot approve while a check fails; the refusal lists each failed check with its clause', async () => {
    const { hh } = await identified();
    k.advance(185);
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: k.today() });
    await k.okStep('village', c.id, 'record_verification', { occurredOn: k.today(), visitors: '村干部', findings: '复核' });
    await k.okStep('village', c.id, 'record_appraisal', { form: 'villagers_meeting', heldOn: k.today(), attendance: 60, result: 'passed' });
    await k.okStep('village', c.id, 'start_notice', { startOn: k.today(), endOn: addDays(k.today(), 4), objectionUnit: '村委会', objectionPhone: '12317' });
    k.advance(5);
    await k.okStep('village', c.id, 'end_notice', { objections: 0 });
    await k.okStep('township', c.id, 'township_review', { opinion: '同意' });
    const res = await k.step('county', c.id, 'county_approve');
    expect(res.statusCode).toBe(422);
    const messages = res.json().errors.map((e: any) => `${e.path} ${e.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^checks\.income_above_threshold .*Q30/),
      expect.stringMatching(/^checks\.risks_resolved .*Q30/),
      expect.stringMatching(/^checks\.substantive_measures .*Q37/),
    ]));
    expect((await k.ok('county', 'GET', `/households/${hh.id}`)).monitoringStatus).toBe('monitored');
  });

  it('ELM-3: a whole-household no-labour fallback household is not eliminated (Q34)', async () => {
    const { hh } = await identified();
    const h = await k.ok('county', 'GET', `/households/${hh.id}`);
    await k.ok('township', 'PATCH', `/households/${hh.id}`, { version: h.version, fallbackSince: k.today(), fallbackBasis: 'tekun_scattered' });
    k.advance(185);
    expectError(await k.call('village', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: k.today() }), 422, /兜底保障户.*Q34/);
  });

  it('only a monitoring object can have an elimination case, and only one at a time', async () => {
    const plain = await k.identifiableHousehold();
    expectError(await k.call('village', 'POST', '/cases', { householdId: plain.id, kind: 'elimination', leadOn: k.today() }), 422, /不是监测对象/);
    const { hh } = await identified();
    k.advance(70);
    await k.ok('village', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: k.today() });
    expectError(await k.call('township', 'POST', '/cases', { householdId: hh.id, kind: 'elimination', leadOn: k.today() }), 409, /办理中的风险消除案件/);
  });
});
