/**
 * A fresh, migrated database for one test file, with the real region subtree of two counties
 * (于都县 360731 for the demo, 兴国县 360732 as "another county") and their ancestors.
 *
 * - TEST_DATABASE_URL set (postgres://postgres@127.0.0.1:5432/test): a new uniquely named
 *   database `jb_t_<pid>_<random>` is created through an admin connection to that URL and
 *   dropped by close(), so test files run in parallel without seeing each other's rows.
 * - otherwise: in-memory PGlite.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/store/connection.ts';
import { migrate } from '../../src/store/migrate.ts';
import { loadRegions, readDivisionTree, type RegionRow } from '../../src/store/regions.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_DB_KIND: 'pglite' | 'postgres' = TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** The two counties every test database holds. */
export const DEMO_COUNTY = '360731';
export const OTHER_COUNTY = '360732';

export interface TestDatabase extends Database {
  /** Name of the throw-away server database (postgres only). */
  name: string | null;
}

export interface CreateTestDatabaseOptions {
  /** Skip migrations and regions: an empty database (migration tests). */
  empty?: boolean;
}

let regionRows: Promise<RegionRow[]> | null = null;

/** Regions of the two test counties plus province 36 and city 3607 (one pass over the source files). */
export function testRegionRows(): Promise<RegionRow[]> {
  regionRows ??= readDivisionTree('36', '3607').then((rows) =>
    rows.filter((r) => r.level <= 2 || r.county_code === DEMO_COUNTY || r.county_code === OTHER_COUNTY),
  );
  return regionRows;
}

export async function createTestDatabase(opts: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const database = TEST_DATABASE_URL ? await createServerDatabase(TEST_DATABASE_URL) : { ...(await openDatabase({})), name: null };
  if (!opts.empty) {
    try {
      await migrate(database);
      await loadRegions(database.db, await testRegionRows());
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  return database;
}

/** An admin connection to the server named by `url`; falls back to the `postgres` database if `url`'s does not exist. */
async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (e: any) {
    if (e?.code !== '3D000') throw e;
    const u = new URL(url);
    u.pathname = '/postgres';
    const fallback = new pg.Client({ connectionString: u.toString() });
    await fallback.connect();
    return fallback;
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function dropDatabase(admin: pg.Client, name: string) {
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  await admin.query(`drop database if exists ${quoteIdent(name)}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e?.code === 'EPERM';
  }
}

async function createServerDatabase(url: string): Promise<TestDatabase> {
  const name = `jb_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await adminClient(url);
  try {
    // Leftovers of test processes that died before their close(): their pid is gone.
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'jb\\_t\\_%'`);
    for (const { datname } of rows) {
      const pid = Number(/^jb_t_(\d+)_/.exec(datname)?.[1]);
      if (pid && pid !== process.pid && !pidAlive(pid)) await dropDatabase(admin, datname).catch(() => {});
    }
    await admin.query(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolSize: 5 });
  let closed = false;
  return {
    ...database,
    name,
    close: async () => {
      if (closed) return;
      closed = true;
      await database.close();
      const a = await adminClient(url);
      try {
        await dropDatabase(a, name);
      } finally {
        await a.end();
      }
    },
  };
}
