/**
 * The API on a fresh test database with the standard user set, for `fastify.inject` tests.
 *
 *   const t = await createTestApp();
 *   const res = await t.as('village').get('/api/v1/households');
 *   await t.close();
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildServer } from '../../src/http/server.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/app/actor.ts';
import { createUser } from '../../src/app/users/create-user.ts';
import { totpCode } from '../../src/app/auth/totp.ts';
import type { DepartmentKind, Role } from '../../src/domain/roles.ts';
import type { Db } from '../../src/store/transaction.ts';
import { createTestDatabase, DEMO_COUNTY, OTHER_COUNTY, type TestDatabase } from './db.ts';

export const TEST_PASSWORD = 'Test@12345x';
export const API = '/api/v1';

/** Real region codes of the test database, picked the way the demo picks them. */
export interface TestRegions {
  province: string;
  city: string;
  county: string;
  otherCounty: string;
  /** Township of villages A and B (the first township of 于都县 with rural villages). */
  township: string;
  villageA: string;
  /** Sibling of A in the same township. */
  villageB: string;
  /** Another township of the same county, and one of its villages. */
  otherTownship: string;
  villageC: string;
  /** A village of the other county (兴国县). */
  villageD: string;
}

export async function pickRegions(db: Db): Promise<TestRegions> {
  const villages = (county: string) =>
    db
      .selectFrom('region')
      .select(['code', 'parent_code'])
      .where('level', '=', 5)
      .where('county_code', '=', county)
      .where('name', 'like', '%村%')
      .orderBy('code')
      .execute();
  const own = await villages(DEMO_COUNTY);
  const other = await villages(OTHER_COUNTY);
  const township = own[0]!.parent_code!;
  const inTownship = own.filter((v) => v.parent_code === township);
  const elsewhere = own.find((v) => v.parent_code !== township)!;
  if (inTownship.length < 2 || !elsewhere || !other[0]) throw new Error('测试区划数据不完整');
  return {
    province: '360000000000',
    city: '360700000000',
    county: `${DEMO_COUNTY}000000`,
    otherCounty: `${OTHER_COUNTY}000000`,
    township,
    villageA: inTownship[0]!.code,
    villageB: inTownship[1]!.code,
    otherTownship: elsewhere.parent_code!,
    villageC: elsewhere.code,
    villageD: other[0]!.code,
  };
}

export const STANDARD_USERS = [
  'village', 'village2', 'township', 'county', 'county2', 'othercounty', 'city', 'province', 'national',
  'department', 'hotline', 'sysadmin', 'secadmin', 'auditadmin',
] as const;
export type StandardUser = (typeof STANDARD_USERS)[number];

interface UserSpec {
  role: Role;
  region: keyof TestRegions;
  departmentKind?: DepartmentKind;
  displayName: string;
}

const USER_SPECS: Record<StandardUser, UserSpec> = {
  village: { role: 'village', region: 'villageA', displayName: 'A村村干部' },
  village2: { role: 'village', region: 'villageB', displayName: 'B村村干部' },
  township: { role: 'township', region: 'township', displayName: '乡镇工作人员' },
  county: { role: 'county', region: 'county', displayName: '于都县乡村振兴局' },
  county2: { role: 'county', region: 'county', displayName: '于都县乡村振兴局（复核）' },
  othercounty: { role: 'county', region: 'otherCounty', displayName: '兴国县乡村振兴局' },
  city: { role: 'city', region: 'city', displayName: '赣州市乡村振兴局' },
  province: { role: 'province', region: 'province', displayName: '江西省乡村振兴局' },
  national: { role: 'national', region: 'province', displayName: '国家级' },
  department: { role: 'department', region: 'county', departmentKind: 'civil_affairs', displayName: '于都县民政局' },
  hotline: { role: 'hotline', region: 'county', displayName: '12317坐席' },
  sysadmin: { role: 'system_admin', region: 'province', displayName: '系统管理员' },
  secadmin: { role: 'security_admin', region: 'province', displayName: '安全管理员' },
  auditadmin: { role: 'audit_admin', region: 'province', displayName: '审计管理员' },
};

export type TestUsers = Record<StandardUser, Actor>;

/** Creates the standard users (password TEST_PASSWORD, no forced change) and returns them as actors. */
export async function createStandardUsers(db: Db, regions: TestRegions): Promise<TestUsers> {
  const users = {} as TestUsers;
  for (const username of STANDARD_USERS) {
    const s = USER_SPECS[username];
    const created = await createUser(
      db,
      SYSTEM_ACTOR,
      {
        username, displayName: s.displayName, role: s.role, departmentKind: s.departmentKind,
        regionCode: regions[s.region], password: TEST_PASSWORD, mustChangePassword: false,
      },
      { skipAuthz: true },
    );
    users[username] = {
      id: created.id, username, displayName: s.displayName, role: s.role,
      departmentKind: s.departmentKind ?? null, regionCode: regions[s.region],
    };
  }
  return users;
}

export interface Client {
  cookie: () => Promise<string>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  db: Db;
  regions: TestRegions;
  users: TestUsers;
  /**
   * Logs in through the API, completing the second factor as a user with an authenticator would
   * (enrolling on the first sign-in of an account that must have one); returns the Cookie header
   * value (`jb_sid=…`). A session that must still change its password is returned as it is.
   */
  login(username: string, password?: string): Promise<string>;
  /** The authenticator secret enrolled for `username` by login() (undefined before). */
  totpSecret(username: string): string | undefined;
  /** The current code of `username`'s authenticator, by the app's clock. */
  totpCode(username: string): string;
  /** Requests as `username` (logged in once, cookie reused). */
  as(username: string): Client;
  /** Requests without a session cookie. */
  anonymous: Client;
  close(): Promise<void>;
}

export function cookieFrom(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'jb_sid');
  if (!c) throw new Error(`登录未返回会话 cookie：${res.statusCode} ${res.body}`);
  return `jb_sid=${c.value}`;
}

function client(app: FastifyInstance, cookie: () => Promise<string | null>): Client {
  const inject = async (opts: InjectOptions) => {
    const c = await cookie();
    return app.inject({ ...opts, headers: { ...(c ? { cookie: c } : {}), ...opts.headers } });
  };
  return {
    cookie: async () => (await cookie()) ?? '',
    inject,
    get: (url) => inject({ method: 'GET', url }),
    post: (url, payload) => inject({ method: 'POST', url, payload: payload as any }),
    patch: (url, payload) => inject({ method: 'PATCH', url, payload: payload as any }),
  };
}

export async function createTestApp(opts: { now?: () => Date } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  try {
    const db = database.db;
    const regions = await pickRegions(db);
    const users = await createStandardUsers(db, regions);
    const app = await buildServer({ db, webRoot: null, now: opts.now });
    await app.ready();
    const now = opts.now ?? (() => new Date());
    const secrets = new Map<string, string>();
    const code = (username: string) => {
      const secret = secrets.get(username.toLowerCase());
      if (!secret) throw new Error(`${username} 尚未绑定身份验证器`);
      return totpCode(secret, now());
    };
    const post = (cookie: string, url: string, payload: object = {}) => app.inject({ method: 'POST', url: `${API}${url}`, headers: { cookie }, payload });
    let logins = 0;
    const login = async (username: string, password = TEST_PASSWORD) => {
      // Login is rate limited per address: the helper's sign-ins come from addresses of their own.
      logins++;
      const res = await app.inject({
        method: 'POST', url: `${API}/auth/login`, payload: { username, password }, remoteAddress: `10.8.${Math.floor(logins / 250)}.${logins % 250}`,
      });
      if (res.statusCode !== 200) throw new Error(`登录失败 ${username}: ${res.statusCode} ${res.body}`);
      const cookie = cookieFrom(res);
      const next = res.json().next as string | null;
      if (next === 'enrol_two_factor') {
        const offer = await post(cookie, '/auth/two-factor/enrol');
        if (offer.statusCode !== 200) throw new Error(`绑定失败 ${username}: ${offer.statusCode} ${offer.body}`);
        secrets.set(username.toLowerCase(), offer.json().secret);
        const confirmed = await post(cookie, '/auth/two-factor/confirm', { code: code(username) });
        if (confirmed.statusCode !== 200) throw new Error(`绑定失败 ${username}: ${confirmed.statusCode} ${confirmed.body}`);
      } else if (next === 'second_factor') {
        // A code is accepted once per 30-second step; tests sign in again within one step, so
        // the helper forgets the last accepted step (the replay rule has its own tests).
        await db.updateTable('app_user').set({ totp_last_step: null }).where(sql<string>`lower(username)`, '=', username.toLowerCase()).execute();
        const verified = await post(cookie, '/auth/two-factor/verify', { code: code(username) });
        if (verified.statusCode !== 200) throw new Error(`动态口令验证失败 ${username}: ${verified.statusCode} ${verified.body}`);
      }
      return cookie;
    };
    const cookies = new Map<string, Promise<string>>();
    const as = (username: string) =>
      client(app, () => {
        if (!cookies.has(username)) cookies.set(username, login(username));
        return cookies.get(username)!;
      });
    return {
      app, database, db, regions, users, login, as,
      totpSecret: (username) => secrets.get(username.toLowerCase()),
      totpCode: code,
      anonymous: client(app, async () => null),
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** Rows in a table (before/after comparisons). */
export async function countRows(db: Db, table: 'household' | 'member' | 'audit_log' | 'login_log' | 'app_user' | 'user_session') {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return r.rows[0]!.n;
}
