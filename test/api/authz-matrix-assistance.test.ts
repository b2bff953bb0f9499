/**
 * Authorization matrix of the assistance routes (SEC-1 for AST-1…5): role × where the household
 * or measure lies × action → HTTP status, every cell through the API. Policy (src/app/authz.ts):
 * plans and measures are read by the work roles in their subtree; plans are written by village,
 * township and county; measures are changed by those and by a line department for the measures
 * it is responsible for (the matrix's department is 民政, the measures are 低保); the supervision
 * lists are for the levelled roles. Columns as in test/api/authz-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  everyone, expandMatrix, HANDLING_WRITE, HOUSEHOLD_TARGETS, LIST_BY_REGION, NO_TARGET, READ_BY_PLACE, REGION_TARGETS, row, runMatrix,
  setupMatrix, type MatrixContext, type MatrixRow, type MatrixUser, type Target,
} from '../helpers/authz.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';
import { isInSubtree } from '../../src/domain/region-code.ts';

type Place = Exclude<Target, 'missing' | 'any'>;
const MISSING = 987_654_321;

/** Measure changes: as plan writes, plus the county's 民政 department on its 低保 measures. */
const MEASURE_WRITE = { ...HANDLING_WRITE(200), department: '200 200 200 403 404' };
const SUPERVISE_BY_REGION = { ...LIST_BY_REGION, department: '403 403 403 403', hotline: '403 403 403 403' };

let t: TestApp;
let ctx: MatrixContext;
/** The 低保 measure planned for each place's household. */
const measureIds = {} as Record<Place, number>;

const registrar = (place: Place) => (place === 'otherCounty' ? 'othercounty' : 'county');

async function makeMonitored(id: number) {
  await t.db.updateTable('household').set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: '2023-05-01' }).where('id', '=', id).execute();
}

async function planFor(place: Place, id: number) {
  const res = await t.as(registrar(place)).post(`${API}/households/${id}/plan`, {
    measures: [{ type: 'dibao', description: '纳入农村低保', plannedStart: '2023-05-02' }],
  });
  if (res.statusCode !== 201) throw new Error(`制定计划失败：${res.statusCode} ${res.body}`);
  return res.json().measures[0].id as number;
}

/** A new monitored household in the target's village (for one-shot actions), optionally with a plan. */
async function freshHousehold(c: MatrixContext, target: Target, withPlan: boolean): Promise<number> {
  if (target === 'missing') return MISSING;
  const place = target as Place;
  const res = await t.as(registrar(place)).post(`${API}/households`, householdBody(c.regionCode(place)));
  if (res.statusCode !== 201) throw new Error(`登记失败：${res.statusCode} ${res.body}`);
  const id = res.json().id as number;
  await makeMonitored(id);
  if (withPlan) await planFor(place, id);
  return id;
}

const version = async (table: 'measure' | 'assistance_plan', column: 'id' | 'household_id', id: number) =>
  (await t.db.selectFrom(table).select('version').where(column, '=', id).orderBy('id', 'desc').executeTakeFirst())?.version ?? 1;

const measure = (c: MatrixContext) => ({ type: 'dibao', description: `低保${c.seq()}`, plannedStart: '2023-05-02' });

const userRegion = (user: MatrixUser) => t.users[user as Exclude<MatrixUser, 'anonymous'>].regionCode;

const ROWS: MatrixRow[] = [
  row({
    action: 'read plan',
    route: 'GET /households/:id/plan',
    request: (c, target) => ({ method: 'GET', url: `${API}/households/${c.householdId(target)}/plan` }),
    expect: READ_BY_PLACE,
    check: (res) => {
      if (res.statusCode === 200) expect(res.json().measures.length).toBeGreaterThan(0);
    },
  }),
  row({
    action: 'make plan',
    route: 'POST /households/:id/plan',
    request: async (c, target) => ({ method: 'POST', url: `${API}/households/${await freshHousehold(c, target, false)}/plan`, payload: { measures: [measure(c)] } }),
    expect: HANDLING_WRITE(201),
  }),
  row({
    action: 'edit plan',
    route: 'PATCH /households/:id/plan',
    request: async (c, target) => {
      const id = c.householdId(target);
      return { method: 'PATCH', url: `${API}/households/${id}/plan`, payload: { note: `备注${c.seq()}`, version: await version('assistance_plan', 'household_id', id) } };
    },
    expect: HANDLING_WRITE(200),
  }),
  row({
    action: 'add measure',
    route: 'POST /households/:id/plan/measures',
    request: (c, target) => ({ method: 'POST', url: `${API}/households/${c.householdId(target)}/plan/measures`, payload: measure(c) }),
    expect: HANDLING_WRITE(201),
  }),
  row({
    action: 'publish plan',
    route: 'POST /households/:id/plan/publish',
    request: async (c, target) => ({ method: 'POST', url: `${API}/households/${await freshHousehold(c, target, true)}/plan/publish`, payload: { version: 1 } }),
    expect: HANDLING_WRITE(200),
  }),
  row({
    action: 'change measure',
    route: 'PATCH /measures/:id',
    request: async (c, target) => {
      const id = target === 'missing' ? MISSING : measureIds[target as Place];
      return { method: 'PATCH', url: `${API}/measures/${id}`, payload: { description: `低保${c.seq()}`, version: await version('measure', 'id', id) } };
    },
    expect: MEASURE_WRITE,
  }),
  row({
    action: 'list measures by region',
    route: 'GET /measures?regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/measures?regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: LIST_BY_REGION,
    check: (res, c, { target, user }) => {
      if (res.statusCode !== 200) return;
      const items = res.json().items as { id: number; regionCode: string; departmentKind: string | null }[];
      expect(items.map((i) => i.id)).toContain(measureIds[target as Place]);
      expect(items.every((i) => i.regionCode === c.regionCode(target))).toBe(true);
      if (user === 'department') expect(items.every((i) => i.departmentKind === 'civil_affairs')).toBe(true);
    },
  }),
  row({
    action: 'list own measures',
    route: 'GET /measures',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/measures?pageSize=100` }),
    expect: everyone('200', { anonymous: '401', sysadmin: '403', secadmin: '403', auditadmin: '403' }),
    check: (res, c, { user }) => {
      if (res.statusCode !== 200) return;
      const ids = (res.json().items as { id: number }[]).map((i) => i.id);
      for (const place of REGION_TARGETS)
        expect(ids.includes(measureIds[place]), place).toBe(isInSubtree(userRegion(user), c.regionCode(place)));
    },
  }),
  row({
    action: 'assistance gaps by region',
    route: 'GET /supervision/assistance-gaps?kind=no_measure&regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/supervision/assistance-gaps?kind=no_measure&regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: SUPERVISE_BY_REGION,
    check: (res, c, { target }) => {
      if (res.statusCode !== 200) return;
      expect((res.json().items as { regionCode: string }[]).every((i) => i.regionCode === c.regionCode(target))).toBe(true);
    },
  }),
  row({
    action: 'overdue measures by region',
    route: 'GET /supervision/overdue-measures?regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/supervision/overdue-measures?regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: LIST_BY_REGION,
    check: (res, c, { target }) => {
      if (res.statusCode !== 200) return;
      // The matrix's measures were planned to start in 2023 and never started: all overdue.
      const ids = (res.json().items as { id: number }[]).map((i) => i.id);
      expect(ids).toContain(measureIds[target as Place]);
    },
  }),
  row({
    action: 'measure catalogue',
    route: 'GET /measure-catalogue',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/measure-catalogue` }),
    expect: everyone('200', { anonymous: '401' }),
  }),
];

describe(`assistance authorization matrix [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    ctx = await setupMatrix(t);
    for (const place of HOUSEHOLD_TARGETS.filter((x): x is Place => x !== 'missing')) {
      await makeMonitored(ctx.households[place]);
      measureIds[place] = await planFor(place, ctx.households[place]);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(100);
  });

  runMatrix(() => ctx, ROWS);
});
