/**
 * Building blocks of the table-driven authorization matrix (SEC-1).
 *
 * A row is one route/action. Its `expect` gives, for EVERY matrix user, one HTTP status per
 * target column, as a string such as '200 403 403 403 404' ('-' = not applicable). A missing
 * user or a wrong column count fails the suite, so a new route cannot be added half-specified.
 *
 *   export const ROWS: MatrixRow[] = [
 *     row({ action: 'read', route: 'GET /households/:id',
 *           request: (ctx, target) => ({ method: 'GET', url: `/api/v1/households/${ctx.householdId(target)}` }),
 *           expect: { anonymous: '401 401 401 401 401', village: '200 403 403 403 404', … } }),
 *   ];
 *   runMatrix(() => ctx, ROWS);
 */
import { expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { API, type TestApp } from './app.ts';
import { householdBody } from './households.ts';

/** The users every row must give an expectation for ('anonymous' = no session cookie). */
export const MATRIX_USERS = [
  'anonymous', 'village', 'township', 'county', 'city', 'province', 'national', 'department', 'hotline',
  'sysadmin', 'secadmin', 'auditadmin', 'othercounty',
] as const;
export type MatrixUser = (typeof MATRIX_USERS)[number];

/**
 * Where the target household lies, seen from the standard users: village A is the village
 * user's own village; B is its sibling in the same township; C is a village of another township
 * of the same county (于都县); D is in the other county (兴国县); `missing` is an id that does not exist.
 */
export const HOUSEHOLD_TARGETS = ['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty', 'missing'] as const;
export type HouseholdTarget = (typeof HOUSEHOLD_TARGETS)[number];
/** Regions of the same four places (for routes that take a region code). */
export const REGION_TARGETS = ['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty'] as const;
/** One column: a route that concerns no particular household or region. */
export const NO_TARGET = ['any'] as const;

export type Target = HouseholdTarget | 'any';

export interface MatrixContext {
  t: TestApp;
  /** One household per place, registered by the county users. */
  households: Record<Exclude<HouseholdTarget, 'missing'>, number>;
  householdId(target: Target): number;
  regionCode(target: Target): string;
  /** A fresh number for unique values in request bodies. */
  seq(): number;
}

export interface CellInfo {
  user: MatrixUser;
  target: Target;
  expected: number;
}

export interface MatrixRow {
  /** What is done, in words: 'read', 'read sensitive', 'edit'… */
  action: string;
  /** Method and path pattern, for the test names. */
  route: string;
  targets: readonly Target[];
  /** Builds the request for one cell (called right before it is sent, so it may read current versions). */
  request(ctx: MatrixContext, target: Target, user: MatrixUser): InjectOptions | Promise<InjectOptions>;
  expect: Record<MatrixUser, string>;
  /** Further checks of a response (e.g. what a list contains). */
  check?(res: LightMyRequestResponse, ctx: MatrixContext, cell: CellInfo): void | Promise<void>;
}

/** Declares a row; `targets` defaults to the household columns. */
export function row(r: Omit<MatrixRow, 'targets'> & { targets?: readonly Target[] }): MatrixRow {
  return { ...r, targets: r.targets ?? HOUSEHOLD_TARGETS };
}

/** Gives every user the same statuses (e.g. all 401), or every user not named in `overrides`. */
export function everyone(statuses: string, overrides: Partial<Record<MatrixUser, string>> = {}): Record<MatrixUser, string> {
  return Object.fromEntries(MATRIX_USERS.map((u) => [u, overrides[u] ?? statuses])) as Record<MatrixUser, string>;
}

export interface MatrixCase extends CellInfo {
  row: MatrixRow;
}

/** Expands the table into one case per (row, user, target); throws if any cell is unspecified. */
export function expandMatrix(rows: readonly MatrixRow[]): MatrixCase[] {
  const cases: MatrixCase[] = [];
  const problems: string[] = [];
  for (const r of rows) {
    for (const user of MATRIX_USERS) {
      const spec = r.expect[user];
      if (spec === undefined) {
        problems.push(`${r.route} (${r.action}): no expectation for ${user}`);
        continue;
      }
      const cells = spec.trim().split(/\s+/);
      if (cells.length !== r.targets.length) {
        problems.push(`${r.route} (${r.action}) ${user}: ${cells.length} statuses for ${r.targets.length} targets (${r.targets.join(', ')})`);
        continue;
      }
      cells.forEach((cell, i) => {
        if (cell === '-') return;
        const status = Number(cell);
        if (!Number.isInteger(status) || status < 100 || status > 599) problems.push(`${r.route} (${r.action}) ${user}: bad status '${cell}'`);
        else cases.push({ row: r, user, target: r.targets[i]!, expected: status });
      });
    }
    for (const user of Object.keys(r.expect))
      if (!(MATRIX_USERS as readonly string[]).includes(user)) problems.push(`${r.route} (${r.action}): unknown user ${user}`);
  }
  if (problems.length) throw new Error(`authorization matrix is incomplete:\n${problems.join('\n')}`);
  return cases;
}

/** Registers one `it` per cell of the table. `getCtx` is read when the tests run (after beforeAll). */
export function runMatrix(getCtx: () => MatrixContext, rows: readonly MatrixRow[]) {
  for (const { row: r, user, target, expected } of expandMatrix(rows))
    it(`${r.action} · ${r.route} · ${user} → ${target} = ${expected}`, async () => {
      const ctx = getCtx();
      const opts = await r.request(ctx, target, user);
      const client = user === 'anonymous' ? ctx.t.anonymous : ctx.t.as(user);
      const res = await client.inject(opts);
      expect(res.statusCode, `${opts.method} ${opts.url} as ${user}: ${res.body.slice(0, 300)}`).toBe(expected);
      if (res.statusCode >= 400) {
        // Every refusal uses the one error shape, with a Chinese message.
        const body = res.json();
        expect(body.errors?.length, res.body).toBeGreaterThan(0);
        expect(body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
      }
      await r.check?.(res, ctx, { user, target, expected });
    });
}

/** Registers one household in each place (by the county users) and returns the matrix context. */
export async function setupMatrix(t: TestApp): Promise<MatrixContext> {
  const create = async (user: string, regionCode: string) => {
    const res = await t.as(user).post(`${API}/households`, householdBody(regionCode));
    if (res.statusCode !== 201) throw new Error(`登记失败：${res.statusCode} ${res.body}`);
    return res.json().id as number;
  };
  const households = {
    ownVillage: await create('county', t.regions.villageA),
    siblingVillage: await create('county', t.regions.villageB),
    otherTownship: await create('county', t.regions.villageC),
    otherCounty: await create('othercounty', t.regions.villageD),
  };
  const regions: Record<Exclude<Target, 'missing' | 'any'>, string> = {
    ownVillage: t.regions.villageA,
    siblingVillage: t.regions.villageB,
    otherTownship: t.regions.villageC,
    otherCounty: t.regions.villageD,
  };
  let n = 0;
  return {
    t,
    households,
    householdId: (target) => {
      if (target === 'missing') return 987_654_321;
      if (target === 'any') throw new Error('this row has no household target');
      return households[target];
    },
    regionCode: (target) => {
      if (target === 'missing' || target === 'any') throw new Error(`no region for target ${target}`);
      return regions[target];
    },
    seq: () => ++n,
  };
}

/** The current version of a household, read from the database (edits in the matrix bump it). */
export async function householdVersion(ctx: MatrixContext, id: number): Promise<number> {
  const r = await ctx.t.db.selectFrom('household').select('version').where('id', '=', id).executeTakeFirst();
  return r?.version ?? 1;
}

// —— Standard expectations of the SEC-1 policy, for matrices of new routes ——

/** Household columns (ownVillage siblingVillage otherTownship otherCounty missing): work roles read within their subtree. */
export const READ_BY_PLACE = {
  anonymous: '401 401 401 401 401',
  village: '200 403 403 403 404',
  township: '200 200 403 403 404',
  county: '200 200 200 403 404',
  city: '200 200 200 200 404',
  province: '200 200 200 200 404',
  national: '200 200 200 200 404',
  department: '200 200 200 403 404',
  hotline: '200 200 200 403 404',
  sysadmin: '403 403 403 403 403',
  secadmin: '403 403 403 403 403',
  auditadmin: '403 403 403 403 403',
  othercounty: '403 403 403 200 404',
} satisfies Record<MatrixUser, string>;

/** Household columns: village, township and county write within their subtree; other roles are refused before the lookup. */
export const HANDLING_WRITE = (ok: number) =>
  everyone('403 403 403 403 403', {
    anonymous: '401 401 401 401 401',
    village: `${ok} 403 403 403 404`,
    township: `${ok} ${ok} 403 403 404`,
    county: `${ok} ${ok} ${ok} 403 404`,
    othercounty: `403 403 403 ${ok} 404`,
  });

/** Region columns (ownVillage siblingVillage otherTownship otherCounty): work roles list within their subtree. */
export const LIST_BY_REGION = Object.fromEntries(
  Object.entries(READ_BY_PLACE).map(([user, s]) => [user, s.split(' ').slice(0, 4).join(' ')]),
) as Record<MatrixUser, string>;

type Place = (typeof REGION_TARGETS)[number];
const COUNTY_PLACES: Place[] = ['ownVillage', 'siblingVillage', 'otherTownship'];
const ALL_PLACES: Place[] = [...COUNTY_PLACES, 'otherCounty'];
/** The places of the four target households each user's region subtree covers (test/helpers/app.ts USER_SPECS). */
const COVERS: Record<Exclude<MatrixUser, 'anonymous'>, Place[]> = {
  village: ['ownVillage'], township: ['ownVillage', 'siblingVillage'], county: COUNTY_PLACES, department: COUNTY_PLACES,
  hotline: COUNTY_PLACES, othercounty: ['otherCounty'], city: ALL_PLACES, province: ALL_PLACES, national: ALL_PLACES,
  sysadmin: ALL_PLACES, secadmin: ALL_PLACES, auditadmin: ALL_PLACES,
};

/**
 * One status per target column for every user: 401 without a session, 403 for a role not in
 * `roles` (refused before any lookup), 404 for a missing record, `ok` inside the user's subtree
 * and 403 outside it.
 */
export function scoped(roles: readonly MatrixUser[], ok: number, targets: readonly Target[]): Record<MatrixUser, string> {
  return Object.fromEntries(
    MATRIX_USERS.map((user) => [
      user,
      targets
        .map((target) => {
          if (user === 'anonymous') return 401;
          if (!roles.includes(user)) return 403;
          if (target === 'missing') return 404;
          return target === 'any' || COVERS[user].includes(target) ? ok : 403;
        })
        .join(' '),
    ]),
  ) as Record<MatrixUser, string>;
}
