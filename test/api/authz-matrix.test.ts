/**
 * The authorization matrix (SEC-1): role × where the target lies × action → HTTP status, every
 * cell asserted through the API. Policy (src/app/authz.ts): reading households is for the work
 * roles within their subtree; sensitive reads and writes for village, township and county within
 * their subtree; the three admin roles get 403 on households; an existing household outside the
 * subtree is 403, an unknown id 404, no session 401.
 *
 * Columns of household rows: own village A · sibling village B (same township) · a village of
 * another township of the same county · a village of the other county · a missing id.
 *
 * To cover a new route, add a row to ROWS (helpers in test/helpers/authz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  everyone, expandMatrix, HANDLING_WRITE as WRITE, householdVersion, LIST_BY_REGION, NO_TARGET, READ_BY_PLACE as READ, REGION_TARGETS, row,
  runMatrix, setupMatrix, type MatrixContext, type MatrixRow, type MatrixUser,
} from '../helpers/authz.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { memberBody } from '../helpers/households.ts';
import { isInSubtree } from '../../src/domain/region-code.ts';
import { childRegions } from '../../src/store/regions.ts';

const ID_NUMBER = /^\d{17}[\dX]$/;

// Household columns: ownVillage siblingVillage otherTownship otherCounty missing
const READ_SENSITIVE = {
  ...READ,
  city: '403 403 403 403 404',
  province: '403 403 403 403 404',
  national: '403 403 403 403 404',
  department: '403 403 403 403 404',
  hotline: '403 403 403 403 404',
} satisfies Record<MatrixUser, string>;

// Region columns: ownVillage siblingVillage otherTownship otherCounty
const REGION_READ = { ...LIST_BY_REGION, sysadmin: '200 200 200 200', secadmin: '200 200 200 200', auditadmin: '200 200 200 200' };

const WORK_ROLES_ONLY = everyone('200', { anonymous: '401', sysadmin: '403', secadmin: '403', auditadmin: '403' });
const ONLY = (users: MatrixUser[], ok = '200') =>
  everyone('403', { anonymous: '401', ...Object.fromEntries(users.map((u) => [u, ok])) });

let t: TestApp;
let ctx: MatrixContext;
/** Children of a node that each user should see, keyed by parent code. */
let children: Map<string, string[]>;

const userRegion = (user: MatrixUser) => ctx.t.users[user as Exclude<MatrixUser, 'anonymous'>].regionCode;

/** What a user may see of a node's children: their own subtree, and the nodes on their path. */
function visibleChildren(user: MatrixUser, parent: string): string[] {
  const mine = userRegion(user);
  return children.get(parent)!.filter((c) => isInSubtree(mine, c) || isInSubtree(c, mine));
}

const ROWS: MatrixRow[] = [
  // ── households ────────────────────────────────────────────────────────────────
  row({
    action: 'read',
    route: 'GET /households/:id',
    request: (c, target) => ({ method: 'GET', url: `${API}/households/${c.householdId(target)}` }),
    expect: READ,
    check: (res) => {
      if (res.statusCode !== 200) return;
      for (const m of res.json().members) expect(m.idNumber).not.toMatch(ID_NUMBER);
    },
  }),
  row({
    action: 'read sensitive',
    route: 'GET /households/:id?reveal=true',
    request: (c, target) => ({ method: 'GET', url: `${API}/households/${c.householdId(target)}?reveal=true` }),
    expect: READ_SENSITIVE,
    check: async (res, c, { user, target }) => {
      if (res.statusCode === 200) {
        expect(res.json().members.every((m: any) => ID_NUMBER.test(m.idNumber))).toBe(true);
        const entry = await c.t.db
          .selectFrom('audit_log')
          .select('seq')
          .where('action', '=', 'household.read_sensitive')
          .where('object_id', '=', String(c.householdId(target)))
          .where('actor_id', '=', c.t.users[user as 'village'].id)
          .executeTakeFirst();
        expect(entry, 'the sensitive read is audited').toBeDefined();
      } else expect(res.body).not.toMatch(/\d{17}[\dX]/);
    },
  }),
  row({
    action: 'edit',
    route: 'PATCH /households/:id',
    request: async (c, target) => {
      const id = c.householdId(target);
      return { method: 'PATCH', url: `${API}/households/${id}`, payload: { address: `地址${c.seq()}`, version: await householdVersion(c, id) } };
    },
    expect: WRITE(200),
    check: (res) => {
      if (res.statusCode === 200) expect(res.json().version).toBeGreaterThan(1);
    },
  }),
  row({
    action: 'add member',
    route: 'POST /households/:id/members',
    request: (c, target) => ({
      method: 'POST',
      url: `${API}/households/${c.householdId(target)}/members`,
      payload: memberBody({ name: `成员${c.seq()}`, relation: 'child', laborAbility: 'none' }),
    }),
    expect: WRITE(201),
  }),
  row({
    action: 'list by region',
    route: 'GET /households?regionCode=',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/households?regionCode=${c.regionCode(target)}&pageSize=100` }),
    expect: LIST_BY_REGION,
    check: (res, c, { target }) => {
      if (res.statusCode !== 200) return;
      const items = res.json().items as { id: number; regionCode: string }[];
      expect(items.map((i) => i.id)).toContain(c.householdId(target));
      expect(items.every((i) => i.regionCode === c.regionCode(target))).toBe(true);
    },
  }),
  row({
    action: 'list own subtree',
    route: 'GET /households',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/households?pageSize=100` }),
    expect: WORK_ROLES_ONLY,
    check: (res, c, { user }) => {
      if (res.statusCode !== 200) return;
      const ids = (res.json().items as { id: number; regionCode: string }[]).map((i) => i.id);
      const expected = (['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty'] as const)
        .filter((target) => isInSubtree(userRegion(user), c.regionCode(target)))
        .map((target) => c.households[target]);
      expect(ids.filter((id) => Object.values(c.households).includes(id)).sort()).toEqual(expected.sort());
    },
  }),
  row({
    action: 'export',
    route: 'GET /households/export.xlsx',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/households/export.xlsx` }),
    expect: WORK_ROLES_ONLY,
  }),
  row({
    action: 'read records',
    route: 'GET /households/:id/records',
    request: (c, target) => ({ method: 'GET', url: `${API}/households/${c.householdId(target)}/records` }),
    expect: READ,
  }),

  // ── regions ───────────────────────────────────────────────────────────────────
  row({
    action: 'read region',
    route: 'GET /regions/:code',
    targets: REGION_TARGETS,
    request: (c, target) => ({ method: 'GET', url: `${API}/regions/${c.regionCode(target)}` }),
    expect: REGION_READ,
  }),
  row({
    action: 'read own region path',
    route: 'GET /regions/:code (the province, an ancestor of everyone)',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/regions/360000000000` }),
    expect: everyone('200', { anonymous: '401' }),
  }),
  row({
    action: 'children of the county (scoped)',
    route: 'GET /regions/:code/children',
    targets: NO_TARGET,
    request: (c) => ({ method: 'GET', url: `${API}/regions/${c.t.regions.county}/children` }),
    expect: everyone('200', { anonymous: '401' }),
    check: (res, c, { user }) => {
      if (res.statusCode !== 200) return;
      const codes = (res.json() as { code: string }[]).map((r) => r.code);
      expect(codes).toEqual(visibleChildren(user, c.t.regions.county));
      if (user === 'village' || user === 'township') expect(codes).toEqual([c.t.regions.township]);
      if (user === 'othercounty') expect(codes).toEqual([]);
    },
  }),
  row({
    action: 'children of the township (scoped)',
    route: 'GET /regions/:code/children',
    targets: NO_TARGET,
    request: (c) => ({ method: 'GET', url: `${API}/regions/${c.t.regions.township}/children` }),
    expect: everyone('200', { anonymous: '401' }),
    check: (res, c, { user }) => {
      if (res.statusCode !== 200) return;
      const codes = (res.json() as { code: string }[]).map((r) => r.code);
      expect(codes).toEqual(visibleChildren(user, c.t.regions.township));
      if (user === 'village') expect(codes).toEqual([c.t.regions.villageA]);
      if (user === 'township') expect(codes).toContain(c.t.regions.villageB);
    },
  }),

  // ── users, audit, login log, session ──────────────────────────────────────────
  row({
    action: 'list users',
    route: 'GET /users',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/users` }),
    // The three admins list accounts (the audit admin read-only); only the system admin manages them.
    expect: ONLY(['sysadmin', 'secadmin', 'auditadmin']),
  }),
  row({
    action: 'create user',
    route: 'POST /users',
    targets: NO_TARGET,
    request: (c) => ({
      method: 'POST',
      url: `${API}/users`,
      payload: { username: `matrix${c.seq()}`, displayName: '新用户', role: 'village', regionCode: c.t.regions.villageB, reason: '新任村干部' },
    }),
    expect: ONLY(['sysadmin'], '201'),
  }),
  row({
    action: 'read audit log',
    route: 'GET /audit',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/audit` }),
    expect: ONLY(['auditadmin']),
  }),
  row({
    action: 'read login log',
    route: 'GET /login-log',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/login-log` }),
    expect: ONLY(['secadmin', 'auditadmin']),
  }),
  row({
    action: 'who am I',
    route: 'GET /auth/me',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/auth/me` }),
    expect: everyone('200', { anonymous: '401' }),
  }),
];

describe(`authorization matrix [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    ctx = await setupMatrix(t);
    children = new Map();
    for (const parent of [t.regions.county, t.regions.township])
      children.set(parent, (await childRegions(t.db, parent)).map((r) => r.code));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row', () => {
    const cases = expandMatrix(ROWS);
    expect(cases.length).toBeGreaterThan(300);
    expect(() => expandMatrix([row({ action: 'x', route: 'X', request: () => ({ method: 'GET', url: '/' }), expect: { village: '200' } as any })])).toThrow(
      /no expectation for township/,
    );
  });

  runMatrix(() => ctx, ROWS);
});
