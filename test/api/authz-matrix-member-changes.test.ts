/**
 * Authorization matrix (SEC-1) of the natural member changes (REG-5) and the yearly update
 * (REG-6): reading is for the work roles in their subtree, recording for village, township and
 * county in their subtree, and opening a year's tasks for the county role only. An existing
 * household outside the subtree is 403, an unknown id 404, no session 401.
 *
 * Columns as in test/api/authz-matrix.test.ts (helpers in test/helpers/authz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandMatrix, HOUSEHOLD_TARGETS, NO_TARGET, REGION_TARGETS, row, runMatrix, scoped, setupMatrix,
  type MatrixContext, type MatrixRow, type Target,
} from '../helpers/authz.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { memberBody } from '../helpers/households.ts';

const YEAR = 2024;

const WORK = ['village', 'township', 'county', 'othercounty', 'city', 'province', 'national', 'department', 'hotline'] as const;
const HANDLING = ['village', 'township', 'county', 'othercounty'] as const;

const READ = scoped(WORK, 200, HOUSEHOLD_TARGETS);
const WRITE = (ok: number) => scoped(HANDLING, ok, HOUSEHOLD_TARGETS);
const LIST_BY_REGION = scoped(WORK, 200, REGION_TARGETS);
const COUNTY_ONLY = scoped(['county', 'othercounty'], 200, NO_TARGET);
const COUNTY_ONLY_BY_REGION = scoped(['county', 'othercounty'], 200, REGION_TARGETS);

let t: TestApp;
let ctx: MatrixContext;

/** Puts the year's task of a household back to pending so every allowed cell can mark it done; returns its version. */
async function pendingTask(c: MatrixContext, target: Target): Promise<number> {
  if (target === 'missing') return 1;
  const id = c.householdId(target);
  const r = await c.t.db
    .updateTable('household_yearly_update')
    .set({ status: 'pending', done_on: null, done_by: null, done_by_name: null })
    .where('household_id', '=', id)
    .where('year', '=', YEAR)
    .returning('version')
    .executeTakeFirstOrThrow();
  return r.version;
}

const ROWS: MatrixRow[] = [
  row({
    action: 'record member change',
    route: 'POST /households/:id/member-changes',
    request: (c, target) => ({
      method: 'POST',
      url: `${API}/households/${c.householdId(target)}/member-changes`,
      payload: {
        direction: 'increase', reason: 'move_in', evidenceType: 'migration_certificate', evidenceRef: `QY-${c.seq()}`, eventDate: '2024-01-10',
        member: memberBody({ name: `迁入${c.seq()}`, relation: 'child', laborAbility: 'full' }),
      },
    }),
    expect: WRITE(201),
  }),
  row({
    action: 'read member changes',
    route: 'GET /households/:id/member-changes',
    request: (c, target) => ({ method: 'GET', url: `${API}/households/${c.householdId(target)}/member-changes` }),
    expect: READ,
  }),
  row({
    action: 'list member changes by region',
    route: 'GET /member-changes?regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/member-changes?regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: LIST_BY_REGION,
    check: (res, c, { target }) => {
      if (res.statusCode !== 200) return;
      expect((res.json().items as { regionCode: string }[]).every((i) => i.regionCode === c.regionCode(target))).toBe(true);
    },
  }),
  row({
    action: 'list overdue member changes',
    route: 'GET /member-changes?overdue=true',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/member-changes?overdue=true` }),
    expect: scoped(WORK, 200, NO_TARGET),
  }),
  row({
    action: 'open yearly update',
    route: 'POST /yearly-updates',
    targets: NO_TARGET,
    request: () => ({ method: 'POST', url: `${API}/yearly-updates`, payload: { year: YEAR } }),
    expect: COUNTY_ONLY,
  }),
  row({
    action: 'open yearly update of a region',
    route: 'POST /yearly-updates {regionCode}',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'POST', url: `${API}/yearly-updates`, payload: { year: YEAR, regionCode: c.regionCode(target) } }),
    expect: COUNTY_ONLY_BY_REGION,
  }),
  row({
    action: 'list yearly updates by region',
    route: 'GET /yearly-updates?regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/yearly-updates?year=${YEAR}&regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: LIST_BY_REGION,
    check: (res, c, { target }) => {
      if (res.statusCode !== 200) return;
      const ids = (res.json().items as { householdId: number }[]).map((i) => i.householdId);
      expect(ids).toContain(c.householdId(target));
    },
  }),
  row({
    action: 'mark yearly update done',
    route: 'POST /households/:id/yearly-updates/:year/done',
    request: async (c, target) => ({
      method: 'POST',
      url: `${API}/households/${c.householdId(target)}/yearly-updates/${YEAR}/done`,
      payload: { version: await pendingTask(c, target) },
    }),
    expect: WRITE(200),
  }),
];

describe(`authorization matrix: member changes and yearly update [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date('2024-06-15T04:00:00Z') });
    ctx = await setupMatrix(t);
    // The four households are monitoring objects with the year's task open (by their counties).
    await t.db.updateTable('household').set({ monitoring_status: 'monitored' }).where('id', 'in', Object.values(ctx.households)).execute();
    for (const user of ['county', 'othercounty'])
      expect((await t.as(user).post(`${API}/yearly-updates`, { year: YEAR })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(300);
  });

  runMatrix(() => ctx, ROWS);
});
