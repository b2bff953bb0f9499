import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate, migrationFiles } from '../../src/store/migrate.ts';
import { appendAudit } from '../../src/store/audit.ts';
import { inTransaction } from '../../src/store/transaction.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';

const FOUNDATION_TABLES = [
  'schema_migration', 'region', 'region_population', 'app_user', 'user_session', 'login_log', 'security_setting',
  'audit_log', 'household', 'member',
];

async function tables(database: TestDatabase): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(database.db);
  return r.rows.map((x) => x.table_name);
}

describe(`migrations [${TEST_DB_KIND}]`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('start from an empty database', async () => {
    expect(await tables(database)).toEqual([]);
  });

  it('apply every numbered file once, each recorded in schema_migration', async () => {
    const files = migrationFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.version)).toEqual([...new Set(files.map((f) => f.version))].sort((a, b) => a - b));
    const applied = await migrate(database);
    expect(applied).toEqual(files.map((f) => f.name));
    const rows = await database.db.selectFrom('schema_migration' as any).select(['version', 'name']).orderBy('version').execute();
    expect(rows).toEqual(files.map((f) => ({ version: f.version, name: f.name })));
  });

  it('create all foundation tables', async () => {
    const present = await tables(database);
    for (const t of FOUNDATION_TABLES) expect(present, t).toContain(t);
  });

  it('seed the default password policy', async () => {
    const row = await database.db.selectFrom('security_setting').select('value').where('key', '=', 'password_policy').executeTakeFirstOrThrow();
    expect(row.value).toMatchObject({ minLength: 10, maxFailures: 5, lockMinutes: 15, idleMinutes: 30 });
  });

  it('are idempotent: a second run applies nothing and changes nothing', async () => {
    const before = await tables(database);
    expect(await migrate(database)).toEqual([]);
    expect(await tables(database)).toEqual(before);
    const n = await sql<{ n: number }>`select count(*)::int as n from schema_migration`.execute(database.db);
    expect(n.rows[0]!.n).toBe(migrationFiles().length);
  });

  describe('audit_log is append-only (SEC-2)', () => {
    beforeAll(async () => {
      await database.db.insertInto('region').values({ code: '360000000000', name: '江西省', level: 1, parent_code: null, county_code: null }).execute();
      await inTransaction(database.db, (trx) => appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.one', objectType: 'test', after: { a: 1 } }));
      await inTransaction(database.db, (trx) => appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.two', objectType: 'test', after: { a: 2 } }));
    });

    it('accepts inserts', async () => {
      const rows = await database.db.selectFrom('audit_log').select(['seq', 'action']).orderBy('seq').execute();
      expect(rows.map((r) => r.action)).toEqual(['test.one', 'test.two']);
    });

    it('refuses UPDATE by trigger', async () => {
      await expect(sql`update audit_log set reason = 'changed'`.execute(database.db)).rejects.toThrow(/审计日志只能追加/);
      await expect(database.db.updateTable('audit_log').set({ action: 'x' }).where('seq', '=', 1).execute()).rejects.toThrow(/审计日志只能追加/);
    });

    it('refuses DELETE by trigger', async () => {
      await expect(database.db.deleteFrom('audit_log').where('action', '=', 'test.one').execute()).rejects.toThrow(/审计日志只能追加/);
    });

    it('refuses TRUNCATE by trigger', async () => {
      await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/审计日志只能追加/);
    });

    it('keeps every row after the refused changes', async () => {
      const rows = await database.db.selectFrom('audit_log').select(['action', 'reason']).orderBy('seq').execute();
      expect(rows).toEqual([{ action: 'test.one', reason: null }, { action: 'test.two', reason: null }]);
    });
  });
});
