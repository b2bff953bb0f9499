/**
 * A bulk load is all or nothing (issue 9 finding 8, "Reliability"): the demo loader fails late (a
 * real trigger refuses its cases) → nothing of it is left; `jianbang demo --households 3000` killed
 * with SIGKILL after it reported progress → no demo household, user or audit entry after reopening,
 * the chain still verifies, and running it again succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadDemo } from '../../src/app/demo/load-demo.ts';
import { verifyAuditChain } from '../../src/store/audit.ts';
import type { Db } from '../../src/store/transaction.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { prepareStore, runCli, startCli, type Store } from './child.ts';

const TABLES = ['household', 'member', 'income_record', 'risk_record', 'region_population', 'app_user', 'workflow_case', 'case_step', 'deadline', 'audit_log'] as const;

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)).rows[0]!.n;
  out.demoEntries = (await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'demo.load'`.execute(db)).rows[0]!.n;
  return out;
}

describe(`a demo load that fails late leaves nothing [${TEST_DB_KIND}]`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it('rolls back users, households, population and audit entries together; the next load succeeds', async () => {
    const db = database.db;
    const before = await rowCounts(db);
    // The demo.load entry is the load's very last write: refusing it fails the load at its end.
    await sql.raw(`
      create function refuse_demo_entry() returns trigger language plpgsql as $$
      begin if new.action = 'demo.load' then raise exception '测试：拒绝写入演示数据的审计记录'; end if; return new; end $$;
      create trigger refuse_demo_entry before insert on audit_log for each row execute function refuse_demo_entry();`).execute(db);
    await expect(loadDemo(db, { seed: 3, households: 120, county: '360731' })).rejects.toThrow('测试：拒绝写入演示数据的审计记录');
    expect(await rowCounts(db)).toEqual(before);
    await sql.raw('drop trigger refuse_demo_entry on audit_log; drop function refuse_demo_entry();').execute(db);

    const r = await loadDemo(db, { seed: 3, households: 120, county: '360731' });
    expect(r).toMatchObject({ households: 120, alreadyLoadedAt: null });
    const after = await rowCounts(db);
    expect(after).toMatchObject({ household: 120, demoEntries: 1 });
    expect(after.app_user).toBeGreaterThan(10);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe(`kill -9 in the middle of a bulk load [${TEST_DB_KIND}]`, () => {
  let store: Store;
  beforeAll(async () => {
    store = await prepareStore();
  });
  afterAll(() => store?.cleanup());

  it('`demo --households 3000` killed after reporting progress leaves no demo data; run again, it succeeds', async () => {
    const child = startCli(['demo', '--households', '3000'], store.env);
    await child.waitFor(/生成演示农户 \d+\/3000/);
    child.process.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(child.output()).not.toMatch(/已生成 3000 户/);

    let database = await store.open();
    try {
      const c = await rowCounts(database.db);
      // The first admin (bootstrap, its own transaction before the load) may be there; nothing of the demo is.
      expect(c).toMatchObject({ household: 0, member: 0, income_record: 0, region_population: 0, workflow_case: 0, demoEntries: 0 });
      expect(c.app_user).toBeLessThanOrEqual(1);
      expect((await database.db.selectFrom('app_user').select('username').execute()).map((u) => u.username).filter((u) => u !== 'admin')).toEqual([]);
      expect(c.audit_log).toBe(c.app_user);
      expect((await verifyAuditChain(database.db)).problems).toEqual([]);
    } finally {
      await database.close();
    }

    const again = await runCli(['demo', '--households', '3000'], store.env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/已生成 3000 户演示农户/);
    database = await store.open();
    try {
      expect(await rowCounts(database.db)).toMatchObject({ household: 3000, demoEntries: 1 });
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
    } finally {
      await database.close();
    }
  }, 600_000);
});
