/**
 * Assistance plans and measures through the HTTP API (AST-1…5, IDN-7 second half, the Q27
 * plan-publication deadline of PRC-6/PRC-7). Monitored households are made by setting the
 * household row directly, not through the identification workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';
import { chinaDate } from '../../src/domain/clock.ts';
import { addDays } from '../../src/domain/deadlines.ts';
import { MEASURE_TYPES } from '../../src/domain/measures.ts';
import { suspendHouseholdMeasures } from '../../src/store/assistance.ts';
import { openDeadline } from '../../src/store/deadlines.ts';
import { inTransaction } from '../../src/store/transaction.ts';

let t: TestApp;
const today = chinaDate(new Date());
const daysAgo = (n: number) => addDays(today, -n);

const PERIOD_END_TYPES = new Set(['micro_credit_interest_subsidy', 'public_welfare_job', 'education', 'yulu_plan']);
function measure(type: string, more: Record<string, unknown> = {}) {
  return { type, description: `${type}措施`, plannedStart: today, ...(PERIOD_END_TYPES.has(type) ? { periodEnd: addDays(today, 365) } : {}), ...more };
}

const noLabour = () => [
  memberBody({ name: '刘老汉', relation: 'head', laborAbility: 'none' }),
  memberBody({ name: '陈老太', relation: 'spouse', sex: 'female', laborAbility: 'none' }),
];
const weakLabour = () => [memberBody({ name: '周半劳', relation: 'head', laborAbility: 'weak' })];

/** A household registered by `user`, made a monitoring object by setting its row. */
async function household(region: string, opts: { members?: ReturnType<typeof memberBody>[]; status?: 'none' | 'monitored' | 'eliminated'; user?: string } = {}) {
  const res = await t.as(opts.user ?? 'county').post(`${API}/households`, householdBody(region, { members: opts.members }));
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as number;
  if (opts.status !== 'none')
    await t.db
      .updateTable('household')
      .set({ monitoring_status: opts.status ?? 'monitored', monitoring_category: 'marginal_at_risk', identified_on: daysAgo(20) })
      .where('id', '=', id)
      .execute();
  return id;
}

async function makePlan(id: number, measures: unknown[], user = 'county', more: Record<string, unknown> = {}) {
  const res = await t.as(user).post(`${API}/households/${id}/plan`, { measures, ...more });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { plan: { id: number; version: number; caseId: number | null }; measures: { id: number; version: number; status: string }[] };
}

async function patchMeasure(id: number, body: Record<string, unknown>, user = 'county') {
  return t.as(user).patch(`${API}/measures/${id}`, body);
}

async function gapIds(kind: string, user = 'county') {
  const res = await t.as(user).get(`${API}/supervision/assistance-gaps?kind=${kind}&pageSize=100`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { householdId: number }[]).map((i) => i.householdId);
}

/** An identification case row as the case workflow would leave it (only the columns the plan reads). */
async function identificationCase(householdId: number, outcome: 'identified' | null) {
  const r = await t.db
    .insertInto('workflow_case')
    .values({
      kind: 'identification', household_id: householdId, county_code: '360731', region_code: t.regions.villageA, source: 'cadre_visit',
      lead_on: daysAgo(15), state: outcome ? 'identified' : 'verification', outcome, decided_on: outcome ? daysAgo(3) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const messages = (res: { json(): any }) => (res.json().errors as { message: string }[]).map((e) => e.message).join('；');

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe(`assistance API [${TEST_DB_KIND}]`, () => {
  describe('AST-1 plans for every monitoring object (Q23, Q27)', () => {
    it('refuses a plan for a household that is not a monitoring object, in Chinese naming Q23', async () => {
      const id = await household(t.regions.villageA, { status: 'none' });
      const res = await t.as('village').post(`${API}/households/${id}/plan`, { measures: [measure('industry')] });
      expect(res.statusCode).toBe(422);
      expect(messages(res)).toMatch(/不是监测对象.*Q23/);
    });

    it('makes a plan with measures for a monitored household, with departments from the catalogue, audited', async () => {
      const id = await household(t.regions.villageA);
      const res = await t.as('village').post(`${API}/households/${id}/plan`, {
        proposedOn: daysAgo(1), note: '因病致困', measures: [measure('industry'), measure('health')],
      });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body.plan).toMatchObject({ householdId: id, caseId: null, proposedOn: daysAgo(1), publishedOn: null, version: 1, note: '因病致困' });
      expect(body.measures).toMatchObject([
        { type: 'industry', typeName: '产业帮扶', departmentKind: null, departmentName: '乡村振兴部门/乡镇', developmental: true, status: 'planned', canUpdate: true, nextStatuses: ['implementing', 'suspended'] },
        { type: 'health', departmentKind: 'medical_insurance', developmental: false, status: 'planned' },
      ]);
      const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'plan.create').where('object_id', '=', String(id)).executeTakeFirst();
      expect(entry).toMatchObject({ actor_id: t.users.village.id, object_type: 'household', county_code: '360731' });
    });

    it('keeps one plan per identification: a second plan is 409, further measures go into the current plan', async () => {
      const id = await household(t.regions.villageA);
      await makePlan(id, [measure('industry')], 'village');
      const again = await t.as('village').post(`${API}/households/${id}/plan`, { measures: [measure('health')] });
      expect(again.statusCode).toBe(409);
      expect(messages(again)).toContain('已有帮扶计划');
      const added = await t.as('township').post(`${API}/households/${id}/plan/measures`, measure('education', { description: '义务教育资助' }));
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({ type: 'education', departmentKind: 'education', endRule: 'stage_end', status: 'planned' });
      const view = (await t.as('village').get(`${API}/households/${id}/plan`)).json();
      expect(view.measures.map((m: any) => m.type)).toEqual(['industry', 'education']);
      expect(view.plans).toHaveLength(1);
    });

    it('answers 400 naming every bad field, and an empty plan', async () => {
      const id = await household(t.regions.villageA);
      const res = await t.as('village').post(`${API}/households/${id}/plan`, {
        measures: [{ type: 'lottery', plannedStart: '2023-13-01' }, measure('public_welfare_job', { periodEnd: undefined })],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: any) => e.path).sort()).toEqual([
        'measures[0].description', 'measures[0].plannedStart', 'measures[0].type', 'measures[1].periodEnd',
      ]);
      const empty = await t.as('village').post(`${API}/households/${id}/plan`, { measures: [] });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().errors).toEqual([{ path: 'measures', message: '帮扶计划至少包含一项帮扶措施（Q23）' }]);
    });

    it('refuses plans outside the actor’s subtree (403) and for unknown households (404)', async () => {
      const other = await household(t.regions.villageB);
      expect((await t.as('village').post(`${API}/households/${other}/plan`, { measures: [measure('industry')] })).statusCode).toBe(403);
      expect((await t.as('village').get(`${API}/households/${other}/plan`)).statusCode).toBe(403);
      expect((await t.as('village').post(`${API}/households/987654321/plan`, { measures: [measure('industry')] })).statusCode).toBe(404);
      expect((await t.as('city').post(`${API}/households/${other}/plan`, { measures: [measure('industry')] })).statusCode).toBe(403);
    });

    it('lists monitored households without a measure in force (Q23) until one is planned; a suspended-only one again', async () => {
      const bare = await household(t.regions.villageC);
      const eliminated = await household(t.regions.villageC, { status: 'eliminated' });
      expect(await gapIds('no_measure')).toContain(bare);
      expect(await gapIds('no_measure')).not.toContain(eliminated);
      const { measures } = await makePlan(bare, [measure('industry')]);
      expect(await gapIds('no_measure')).not.toContain(bare);
      const res = await patchMeasure(measures[0]!.id, { version: 1, status: 'suspended', reason: '户主外出' });
      expect(res.statusCode, res.body).toBe(200);
      expect(await gapIds('no_measure')).toContain(bare);
      expect(await gapIds('no_measure', 'village')).not.toContain(bare);
      const list = (await t.as('county').get(`${API}/supervision/assistance-gaps?kind=no_measure&pageSize=100`)).json();
      expect(list).toMatchObject({ kind: 'no_measure', clause: 'Q23', name: '未落实帮扶措施的监测对象' });
      expect(list.counts.no_measure).toBe(list.total);
      expect(list.items.find((i: any) => i.householdId === bare)).toMatchObject({ headName: '李大山', regionCode: t.regions.villageC, fullLaborMembers: 2, measures: [] });
    });

    it('takes a plan proposed with the village’s list during an open identification (Q27) and links it to the case', async () => {
      const id = await household(t.regions.villageA, { status: 'none' });
      const caseId = await identificationCase(id, null);
      const { plan } = await makePlan(id, [measure('industry')], 'village');
      expect(plan.caseId).toBe(caseId);
    });
  });

  describe('AST-2 measure catalogue', () => {
    it('serves the catalogue: sixteen types with name, department, development-type, fallback and end rule', async () => {
      const res = await t.as('department').get(`${API}/measure-catalogue`);
      expect(res.statusCode).toBe(200);
      const { types } = res.json();
      expect(types.map((e: any) => e.type)).toEqual([...MEASURE_TYPES]);
      expect(types.find((e: any) => e.type === 'yulu_plan')).toMatchObject({ name: '雨露计划', developmental: true, endRule: 'stage_end' });
      expect(types.find((e: any) => e.type === 'tekun')).toMatchObject({ departmentKind: 'civil_affairs', developmental: false, fallback: true });
      expect(types.find((e: any) => e.type === 'cross_province_transport_subsidy')).toMatchObject({ departmentKind: 'human_resources', developmental: false });
      expect((await t.anonymous.get(`${API}/measure-catalogue`)).statusCode).toBe(401);
    });

    it('stores a measure of every catalogue type (the migration’s type check agrees with the catalogue)', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, MEASURE_TYPES.map((type) => measure(type, type === 'other' ? { developmental: false } : {})));
      expect(measures.map((m: any) => m.type)).toEqual([...MEASURE_TYPES]);
    });

    it('stores an industry measure that is only 入股分红 as not development-type (Q25), and 其他 as stated', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [
        measure('industry', { form: 'share_dividend', description: '光伏入股分红' }),
        measure('other', { developmental: true, description: '电商技能培训后就业' }),
        measure('insurance', { departmentKind: 'emergency_management' }),
      ]);
      expect(measures).toMatchObject([
        { type: 'industry', developmental: false, form: 'share_dividend' },
        { type: 'other', developmental: true },
        { type: 'insurance', departmentKind: 'emergency_management', departmentName: '应急管理' },
      ]);
    });
  });

  describe('AST-3 development-type measures for labour-capable households (Q24)', () => {
    it('lists a labour-capable household without a development-type measure until it gets one', async () => {
      const id = await household(t.regions.villageC);
      await makePlan(id, [measure('health'), measure('industry', { form: 'cash_or_goods' })]);
      expect(await gapIds('no_developmental')).toContain(id);
      const plan = (await t.as('county').get(`${API}/households/${id}/plan`)).json();
      expect(plan.checks.filter((c: any) => !c.ok).map((c: any) => c.clause)).toEqual(['Q24']);
      await t.as('county').post(`${API}/households/${id}/plan/measures`, measure('employment_workshop'));
      expect(await gapIds('no_developmental')).not.toContain(id);
      expect((await t.as('county').get(`${API}/households/${id}/plan`)).json().checks.every((c: any) => c.ok)).toBe(true);
    });

    it('does not list a household that declined development-type measures (有意愿), nor weak- or no-labour households', async () => {
      const declined = await household(t.regions.villageC);
      const { plan } = await makePlan(declined, [measure('health')]);
      const weak = await household(t.regions.villageC, { members: weakLabour() });
      await makePlan(weak, [measure('health')]);
      const none = await household(t.regions.villageC, { members: noLabour() });
      await makePlan(none, [measure('dibao')]);
      expect(await gapIds('no_developmental')).toContain(declined);
      const res = await t.as('county').patch(`${API}/households/${declined}/plan`, { version: plan.version, developmentDeclinedReason: '户主明确表示无发展意愿' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ developmentDeclinedReason: '户主明确表示无发展意愿', version: 2 });
      const ids = await gapIds('no_developmental');
      expect(ids).not.toContain(declined);
      expect(ids).not.toContain(weak);
      expect(ids).not.toContain(none);
      const weakPlan = (await t.as('county').get(`${API}/households/${weak}/plan`)).json();
      expect(weakPlan.checks).toContainEqual(expect.objectContaining({ rule: 'weak_labor_developmental', ok: false, clause: 'Q24' }));
      expect((await t.as('county').patch(`${API}/households/${declined}/plan`, { version: plan.version, note: 'x' })).statusCode).toBe(409);
    });
  });

  describe('IDN-7 labour-capable households with fallback measures only (Q8 “一兜了之”)', () => {
    it('lists a labour-capable household whose only measure is dibao, not a no-labour one, and not once it has a job', async () => {
      const capable = await household(t.regions.villageC);
      await makePlan(capable, [measure('dibao')]);
      const none = await household(t.regions.villageC, { members: noLabour() });
      await makePlan(none, [measure('dibao'), measure('tekun')]);
      const list = (await t.as('county').get(`${API}/supervision/assistance-gaps?kind=fallback_only&pageSize=100`)).json();
      expect(list.clause).toBe('Q8');
      const ids = list.items.map((i: any) => i.householdId);
      expect(ids).toContain(capable);
      expect(ids).not.toContain(none);
      expect(list.items.find((i: any) => i.householdId === capable).measures).toEqual(['农村低保']);
      await t.as('county').post(`${API}/households/${capable}/plan/measures`, measure('public_welfare_job'));
      expect(await gapIds('fallback_only')).not.toContain(capable);
    });

    it('answers 400 for an unknown list kind and 403 for roles that do not supervise', async () => {
      expect((await t.as('county').get(`${API}/supervision/assistance-gaps?kind=all`)).statusCode).toBe(400);
      expect((await t.as('department').get(`${API}/supervision/assistance-gaps?kind=no_measure`)).statusCode).toBe(403);
      expect((await t.as('county').get(`${API}/supervision/assistance-gaps?kind=no_measure&regionCode=${t.regions.villageD}`)).statusCode).toBe(403);
    });
  });

  describe('AST-4 periods and status', () => {
    it('walks a measure planned → implementing → implemented → ended, each step dated and audited', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [measure('industry', { plannedStart: daysAgo(10) })], 'village');
      const mid = measures[0]!.id;
      let r = await patchMeasure(mid, { version: 1, status: 'implementing', on: daysAgo(9) }, 'village');
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'implementing', statusName: '实施中', startedOn: daysAgo(9), version: 2 });
      r = await patchMeasure(mid, { version: 2, status: 'implemented', on: daysAgo(2) }, 'village');
      expect(r.json()).toMatchObject({ status: 'implemented', implementedOn: daysAgo(2) });
      r = await patchMeasure(mid, { version: 3, status: 'ended' }, 'village');
      expect(r.json()).toMatchObject({ status: 'ended', endedOn: today, nextStatuses: [] });
      const steps = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'measure.status').where('object_id', '=', String(id)).execute();
      expect(steps).toHaveLength(3);
    });

    it('refuses transitions outside the table and a suspension without reason (422, Chinese, AST-4); resumes a suspended one', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [measure('industry')], 'village');
      const mid = measures[0]!.id;
      let r = await patchMeasure(mid, { version: 1, status: 'implemented' }, 'village');
      expect(r.statusCode).toBe(422);
      expect(r.json().errors[0]).toMatchObject({ path: 'status', message: expect.stringContaining('AST-4') });
      r = await patchMeasure(mid, { version: 1, status: 'suspended' }, 'village');
      expect(r.statusCode).toBe(422);
      expect(r.json().errors[0].path).toBe('reason');
      r = await patchMeasure(mid, { version: 1, status: 'suspended', reason: '等待资金下达' }, 'village');
      expect(r.json()).toMatchObject({ status: 'suspended', suspendedReason: '等待资金下达', suspendedOn: today });
      r = await patchMeasure(mid, { version: 2, status: 'implementing' }, 'village');
      expect(r.json()).toMatchObject({ status: 'implementing', suspendedReason: null, startedOn: today });
      expect((await patchMeasure(mid, { version: 3 }, 'village')).statusCode).toBe(400);
    });

    it('Q28: micro-credit runs to contract expiry — no earlier end, also after the risk is eliminated', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [measure('micro_credit_interest_subsidy', { plannedStart: daysAgo(60), periodEnd: addDays(today, 300) })], 'village');
      const mid = measures[0]!.id;
      await patchMeasure(mid, { version: 1, status: 'implementing', on: daysAgo(50) });
      await patchMeasure(mid, { version: 2, status: 'implemented', on: daysAgo(40) });
      await t.db.updateTable('household').set({ monitoring_status: 'eliminated', eliminated_on: daysAgo(1) }).where('id', '=', id).execute();
      const r = await patchMeasure(mid, { version: 3, status: 'ended' });
      expect(r.statusCode).toBe(422);
      expect(messages(r)).toContain('应持续至贷款合同到期');
      expect(messages(r)).toContain('Q28');
      const shorten = await patchMeasure(mid, { version: 3, periodEnd: daysAgo(1) });
      expect(shorten.statusCode, shorten.body).toBe(200);
      expect((await patchMeasure(mid, { version: 4, status: 'ended' })).json()).toMatchObject({ status: 'ended' });
      expect((await patchMeasure(mid, { version: 5, periodEnd: null })).statusCode).toBe(400);
    });

    it('answers 409 to a stale version', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [measure('industry')], 'village');
      expect((await patchMeasure(measures[0]!.id, { version: 1, description: '蔬菜种植' }, 'village')).statusCode).toBe(200);
      const r = await patchMeasure(measures[0]!.id, { version: 1, status: 'implementing' }, 'village');
      expect(r.statusCode).toBe(409);
      expect(r.json().errors).toEqual([{ path: 'version', message: '记录已被他人修改，请刷新后重试' }]);
    });

    it('lets a department update its own measures only: another department’s is 403, outside its region 403, unknown 404', async () => {
      const id = await household(t.regions.villageC);
      const { measures } = await makePlan(id, [measure('dibao'), measure('health')]);
      const [dibao, health] = measures;
      const own = await patchMeasure(dibao!.id, { version: 1, status: 'implementing' }, 'department');
      expect(own.statusCode, own.body).toBe(200);
      const foreign = await patchMeasure(health!.id, { version: 1, status: 'implementing' }, 'department');
      expect(foreign.statusCode).toBe(403);
      expect(messages(foreign)).toContain('不由本部门负责');
      const view = (await t.as('department').get(`${API}/households/${id}/plan`)).json();
      expect(view.measures.map((m: any) => [m.type, m.canUpdate])).toEqual([['dibao', true], ['health', false]]);
      expect(view.canWritePlan).toBe(false);
      expect((await t.as('department').post(`${API}/households/${id}/plan/measures`, measure('dibao'))).statusCode).toBe(403);
      const elsewhere = await household(t.regions.villageD, { user: 'othercounty' });
      const other = await makePlan(elsewhere, [measure('dibao')], 'othercounty');
      expect((await patchMeasure(other.measures[0]!.id, { version: 1, status: 'implementing' }, 'department')).statusCode).toBe(403);
      expect((await patchMeasure(other.measures[0]!.id, { version: 1, status: 'implementing' }, 'village')).statusCode).toBe(403);
      expect((await patchMeasure(987654321, { version: 1, status: 'implementing' }, 'department')).statusCode).toBe(404);
    });

    it('lists measures for a department: only its own kind in its region; asking for another kind is 403', async () => {
      const res = await t.as('department').get(`${API}/measures?pageSize=100`);
      expect(res.statusCode).toBe(200);
      const items = res.json().items as any[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((m) => m.departmentKind === 'civil_affairs' && m.regionCode.startsWith('360731'))).toBe(true);
      expect((await t.as('department').get(`${API}/measures?departmentKind=education`)).statusCode).toBe(403);
      const county = (await t.as('county').get(`${API}/measures?departmentKind=none&pageSize=100`)).json().items as any[];
      expect(county.length).toBeGreaterThan(0);
      expect(county.every((m) => m.departmentKind === null)).toBe(true);
      expect((await t.as('county').get(`${API}/measures?status=done`)).statusCode).toBe(400);
    });
  });

  describe('AST-5 department implementation and overdue measures (Q27)', () => {
    it('shows measures not started after their planned start and not ended after their period, by department', async () => {
      const id = await household(t.regions.villageC);
      const { measures } = await makePlan(id, [
        measure('housing_safety', { plannedStart: daysAgo(5), description: '危房改造' }),
        measure('public_welfare_job', { plannedStart: daysAgo(60), periodEnd: daysAgo(1) }),
        measure('drinking_water', { plannedStart: addDays(today, 5) }),
      ]);
      const [housing, job, water] = measures;
      await patchMeasure(job!.id, { version: 1, status: 'implementing', on: daysAgo(59) });
      const res = await t.as('county').get(`${API}/supervision/overdue-measures?regionCode=${t.regions.villageC}&pageSize=100`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.today).toBe(today);
      const overdue = new Map((body.items as any[]).map((m) => [m.id, m.overdue]));
      expect(overdue.get(housing!.id)).toEqual(['not_started']);
      expect(overdue.get(job!.id)).toEqual(['not_ended']);
      expect(overdue.has(water!.id)).toBe(false);
      const housingRow = body.byDepartment.find((d: any) => d.departmentKind === 'housing');
      expect(housingRow).toMatchObject({ departmentName: '住建', total: 1, planned: 1, overdueNotStarted: 1, overdueNotEnded: 0 });
      expect(body.byDepartment.find((d: any) => d.departmentKind === 'human_resources')).toMatchObject({ implementing: 1, overdueNotEnded: 1 });
      const flagged = (await t.as('county').get(`${API}/measures?overdue=true&pageSize=100`)).json().items.map((m: any) => m.id);
      expect(flagged).toEqual(expect.arrayContaining([housing!.id, job!.id]));
      expect(flagged).not.toContain(water!.id);
    });

    it('gives a department its own row only', async () => {
      const body = (await t.as('department').get(`${API}/supervision/overdue-measures`)).json();
      expect(body.byDepartment.map((d: any) => d.departmentKind)).toEqual(['civil_affairs']);
      expect(body.items.every((m: any) => m.departmentKind === 'civil_affairs')).toBe(true);
    });
  });

  describe('plan publication in the village within 10 days of approval (Q27, PRC-6)', () => {
    it('records the publication and closes the plan_publication deadline of the case', async () => {
      const id = await household(t.regions.villageA);
      const caseId = await identificationCase(id, 'identified');
      await openDeadline(t.db, {
        kind: 'plan_publication', openedOn: daysAgo(3), countyCode: '360731', regionCode: t.regions.villageA, householdId: id, caseId, subjectType: 'case', subjectId: caseId,
      });
      const { plan } = await makePlan(id, [measure('industry')], 'village', { proposedOn: daysAgo(3) });
      expect(plan.caseId).toBe(caseId);
      const before = (await t.as('village').get(`${API}/households/${id}/plan`)).json();
      expect(before.plan.publicationDeadline).toMatchObject({ dueOn: addDays(daysAgo(3), 10), closedOn: null, clause: 'Q27' });
      expect((await t.as('village').post(`${API}/households/${id}/plan/publish`, { version: plan.version, publishedOn: addDays(today, 1) })).statusCode).toBe(400);
      expect((await t.as('village').post(`${API}/households/${id}/plan/publish`, { version: plan.version + 1 })).statusCode).toBe(409);
      const res = await t.as('village').post(`${API}/households/${id}/plan/publish`, { version: plan.version, publishedOn: daysAgo(1) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ publishedOn: daysAgo(1), closedDeadlines: 1, version: plan.version + 1 });
      const deadline = await t.db.selectFrom('deadline').selectAll().where('subject_type', '=', 'case').where('subject_id', '=', caseId).executeTakeFirstOrThrow();
      expect(deadline).toMatchObject({ kind: 'plan_publication', closed_on: daysAgo(1), status: 'closed' });
      const again = await t.as('village').post(`${API}/households/${id}/plan/publish`, { version: plan.version + 1 });
      expect(again.statusCode).toBe(422);
      expect(messages(again)).toContain('已于');
      const entry = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'plan.publish').where('object_id', '=', String(id)).executeTakeFirst();
      expect(entry).toBeDefined();
    });

    it('refuses to publish a plan without a measure in force', async () => {
      const id = await household(t.regions.villageA);
      const { plan, measures } = await makePlan(id, [measure('industry')], 'village');
      await patchMeasure(measures[0]!.id, { version: 1, status: 'suspended', reason: '暂缓' }, 'village');
      const res = await t.as('village').post(`${API}/households/${id}/plan/publish`, { version: plan.version });
      expect(res.statusCode).toBe(422);
      expect(messages(res)).toContain('Q27');
    });
  });

  describe('suspendHouseholdMeasures (green-channel exit, GRN-2)', () => {
    it('suspends planned and implementing measures with the reason and leaves the others', async () => {
      const id = await household(t.regions.villageA);
      const { measures } = await makePlan(id, [measure('industry'), measure('health'), measure('dibao')], 'village');
      await patchMeasure(measures[1]!.id, { version: 1, status: 'implementing' });
      await patchMeasure(measures[2]!.id, { version: 1, status: 'implementing' });
      await patchMeasure(measures[2]!.id, { version: 2, status: 'implemented' });
      const suspended = await inTransaction(t.db, (trx) => suspendHouseholdMeasures(trx, id, today, '经核实不符合条件，退出绿色通道'));
      expect(suspended.map((m) => [m.id, m.status])).toEqual([[measures[0]!.id, 'planned'], [measures[1]!.id, 'implementing']]);
      const view = (await t.as('village').get(`${API}/households/${id}/plan`)).json();
      expect(view.measures.map((m: any) => m.status)).toEqual(['suspended', 'suspended', 'implemented']);
      expect(view.measures[0]).toMatchObject({ suspendedOn: today, suspendedReason: '经核实不符合条件，退出绿色通道', version: 2 });
    });
  });
});
