/**
 * kill -9 of a running import (DAT-1, issue 10): the command line is killed while it writes a
 * file of a few thousand households. Afterwards nothing of the file is in the registry, the job is
 * marked failed at the next start, and re-running it from its stored file imports it whole.
 *
 * PostgreSQL: the test holds the audit chain's advisory lock, so the import blocks inside its
 * write transaction at the first chunk's audit entries, its rows inserted; it is killed there. PGlite: it is killed as soon as it
 * reports rows written (inside the one write transaction).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../src/app/imports/recover-import-jobs.ts';
import { AUDIT_CHAIN_LOCK, verifyAuditChain } from '../../src/store/audit.ts';
import type { Db } from '../../src/store/transaction.ts';
import { nextIdNumber } from '../helpers/households.ts';
import { registryRows, registryWorkbook } from '../helpers/import-files.ts';
import { prepareStore, runCli, startCli, type Store } from './child.ts';

let store: Store;
let file: string;
const HOUSEHOLDS = 2500;

beforeAll(async () => {
  store = await prepareStore();
  const database = await store.open();
  const village = (await database.db.selectFrom('region').select('code').where('level', '=', 5).where('county_code', '=', '360731').where('name', 'like', '%村%').orderBy('code').executeTakeFirstOrThrow()).code;
  await database.close();
  const rows = registryRows(Array.from({ length: HOUSEHOLDS }, (_, i) => ({ region: village, head: { name: `户主${i}`, idNumber: nextIdNumber() }, members: [{ name: `成员${i}`, idNumber: nextIdNumber('female') }] })));
  file = join(store.keyDir, '..', 'import.xlsx');
  writeFileSync(file, await registryWorkbook(rows));
}, 300_000);
afterAll(() => store?.cleanup());

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await store.open();
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const counts = (db: Db) =>
  Promise.all([
    db.selectFrom('household').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('member').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]).then(([h, m]) => ({ households: Number(h.n), members: Number(m.n) }));

describe('kill -9 during an import', () => {
  it('leaves nothing written; the job is failed at the next start and re-runs whole', async () => {
    // A dry run first: the store is bootstrapped (first admin and its audit entry) before the test
    // takes the audit lock, and the file is valid.
    const dry = await runCli(['import', file, '--sheet', 'households', '--county', '360731', '--dry-run'], store.env);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`导入将新增 ${HOUSEHOLDS * 3} 条`);
    let locker: pg.Client | null = null;
    if (store.kind === 'postgres') {
      locker = new pg.Client({ connectionString: store.url! });
      await locker.connect();
      await locker.query('begin');
      await locker.query(`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    }
    const child = startCli(['import', file, '--sheet', 'households', '--county', '360731'], store.env);
    try {
      // Inside the write transaction: rows reported written (PGlite), and on PostgreSQL the first
      // chunk's audit append waiting for the lock the test holds, its rows already inserted.
      await child.waitFor(/写入：[1-9]\d*\/7500/, 240_000);
      if (store.kind === 'postgres') {
        // The chunk's inserts are reported before its audit append asks for the lock.
        const waiting = async () => (await locker!.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)).rows[0].n;
        await expect.poll(waiting, { timeout: 30_000 }).toBe(1);
      }
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
    } finally {
      if (locker) {
        await locker.query('rollback');
        await locker.end();
      }
    }
    const job = await withDb(async (db) => {
      expect(await counts(db)).toEqual({ households: 0, members: 0 });
      return db.selectFrom('import_job').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    });
    expect(job.status).toBe('running'); // the process died with it

    // The next start (here: the next command) marks it failed; re-running it imports the file.
    const rerun = await runCli(['import', '--rerun', String(job.id)], store.env);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`导入任务 ${job.id} 被中断`);
    await withDb(async (db) => {
      const old = await db.selectFrom('import_job').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
      expect(old).toMatchObject({ status: 'failed', message: INTERRUPTED });
      const again = await db.selectFrom('import_job').selectAll().where('rerun_of', '=', job.id).executeTakeFirstOrThrow();
      expect(again).toMatchObject({ status: 'succeeded', created: HOUSEHOLDS * 3 });
      expect(await counts(db)).toEqual({ households: HOUSEHOLDS, members: HOUSEHOLDS * 2 });
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });
  }, 600_000);
});
