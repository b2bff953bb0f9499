/**
 * Backup and restore (SEC-10) on the database the suite runs on: a PGlite folder, or a PostgreSQL
 * server through pg_dump/pg_restore. Backup → restore into a new store → the data is there and
 * `audit verify` passes; the file never holds the keys; a corrupted or altered file is refused
 * before anything is touched; a folder in use, a missing key file and a non-empty target are refused.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { createBackup, restoreBackup, type BackupManifest } from '../../src/cli/backup.ts';
import { verifyAuditChain } from '../../src/store/audit.ts';
import type { Database, OpenOptions } from '../../src/store/connection.ts';
import { migrationFiles } from '../../src/store/migrate.ts';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { createStandardUsers, pickRegions } from '../helpers/app.ts';
import { createTestDatabase, TEST_DATABASE_URL, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';
import { prepareStore, type Store } from '../reliability/child.ts';

const hasPgTools = spawnSync('pg_dump', ['--version']).status === 0 && spawnSync('pg_restore', ['--version']).status === 0;
const runs = TEST_DB_KIND === 'pglite' || hasPgTools;

let store: Store;
let work: string;
let file: string;
const sourceOpts = (): OpenOptions => (store.url ? { url: store.url, keyDir: store.keyDir } : { dataDir: store.dataDir! });

interface Target {
  opts: OpenOptions;
  open(): Promise<Database>;
  /** The store's key folder, into which the operator copies keys.json before restoring. */
  keyDir: string;
  cleanup(): Promise<void>;
}

/** A new, empty place to restore into: a folder, or an empty server database with its own key folder. */
async function newTarget(withKeys = true): Promise<Target> {
  const dir = mkdtempSync(join(work, 'target-'));
  const keyDir = store.url ? join(dir, 'keys') : join(dir, 'data', 'keys');
  if (withKeys) {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    copyFileSync(join(store.keyDir, 'keys.json'), join(keyDir, 'keys.json'));
  }
  if (!store.url) {
    const opts = { dataDir: join(dir, 'data') };
    const { openDatabase } = await import('../../src/store/connection.ts');
    return { opts, keyDir, open: () => openDatabase(opts), cleanup: async () => {} };
  }
  const empty: TestDatabase = await createTestDatabase({ empty: true });
  const u = new URL(TEST_DATABASE_URL!);
  u.pathname = `/${empty.name}`;
  const opts = { url: u.toString(), keyDir };
  const { openDatabase } = await import('../../src/store/connection.ts');
  return { opts, keyDir, open: () => openDatabase({ ...opts, poolSize: 2 }), cleanup: () => empty.close() };
}

async function counts(database: Database) {
  const n = async (table: 'household' | 'member' | 'app_user' | 'audit_log') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { households: await n('household'), members: await n('member'), users: await n('app_user'), audit: await n('audit_log') };
}

async function unpack(from: string): Promise<string> {
  const dir = mkdtempSync(join(work, 'unpacked-'));
  await tar.x({ file: from, cwd: dir });
  return dir;
}

async function repack(dir: string, to: string) {
  await tar.c({ file: to, cwd: dir, portable: true }, readdirSync(dir).sort());
}

let before: Awaited<ReturnType<typeof counts>>;

describe.skipIf(!runs)(`backup and restore [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'jb-backup-'));
    file = join(work, 'jianbang.backup');
    store = await prepareStore();
    const database = await store.open();
    try {
      const regions = await pickRegions(database.db);
      const users = await createStandardUsers(database.db, regions);
      for (let i = 0; i < 3; i++) await createHousehold(database.db, users.village, householdBody(regions.villageA));
      before = await counts(database);
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    await store?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes one file (0600) with a signed manifest, the dump and the anchor, and never the keys', async () => {
    const r = await createBackup(sourceOpts(), file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const names: string[] = [];
    await tar.t({ file, onReadEntry: (e) => void names.push(e.path) });
    const dump = store.kind === 'pglite' ? 'database.tar.gz' : 'database.pgdump';
    expect(names.sort()).toEqual(['audit-checkpoints.jsonl', 'audit-head.json', dump, 'manifest.json'].sort());
    const m: BackupManifest = r.manifest;
    expect(m).toMatchObject({ format: 1, kind: store.kind, schemaVersion: Math.max(...migrationFiles().map((f) => f.version)), auditHead: { seq: before.audit, keyedFrom: 1 } });
    expect(m.dump.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(r.keyFolder).toBe(store.keyDir);
    // Neither the key file nor any key in it is in the backup.
    const keyFile = JSON.parse(readFileSync(join(store.keyDir, 'keys.json'), 'utf8'));
    const bytes = readFileSync(file).toString('latin1');
    for (const secret of [keyFile.auditKey, keyFile.blindIndexKey, ...keyFile.dataKeys.map((k: any) => k.key)]) expect(bytes).not.toContain(secret);
  });

  it('restores into a new store: the data is there, audit verify passes, and the restore is audited', async () => {
    const target = await newTarget();
    try {
      const r = await restoreBackup(target.opts, file);
      expect(r.report).toMatchObject({ ok: true, problems: [] });
      const restored = await target.open();
      try {
        expect(await counts(restored)).toEqual({ ...before, audit: before.audit + 1 });
        const entry = await restored.db.selectFrom('audit_log').select(['action', 'reason']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        expect(entry).toEqual({ action: 'system.restore', reason: `从 ${r.manifest.createdAt} 做的备份恢复` });
        expect(await verifyAuditChain(restored.db)).toMatchObject({ ok: true, checked: before.audit + 1, head: { seq: before.audit + 1 } });
      } finally {
        await restored.close();
      }
    } finally {
      await target.cleanup();
    }
  });

  it('refuses to restore without the key file (a backup never holds it) and leaves the target empty', async () => {
    const target = await newTarget(false);
    try {
      await expect(restoreBackup(target.opts, file)).rejects.toThrow(/找不到密钥文件 .*keys\.json：备份不含密钥/);
      expect(existsSync(join(target.keyDir, 'keys.json'))).toBe(false);
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a corrupted, truncated or altered backup before touching the target', async () => {
    const target = await newTarget();
    try {
      const dir = await unpack(file);
      const dumpName = store.kind === 'pglite' ? 'database.tar.gz' : 'database.pgdump';
      const dump = readFileSync(join(dir, dumpName));
      dump[Math.floor(dump.length / 2)] ^= 0xff;
      writeFileSync(join(dir, dumpName), dump);
      await repack(dir, join(work, 'corrupted.backup'));
      await expect(restoreBackup(target.opts, join(work, 'corrupted.backup'))).rejects.toThrow('备份文件已损坏：数据库转储的大小或 SHA-256 与清单不符，拒绝恢复');

      const whole = readFileSync(file);
      writeFileSync(join(work, 'truncated.backup'), whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(restoreBackup(target.opts, join(work, 'truncated.backup'))).rejects.toThrow(/备份文件损坏或不是监帮的备份/);

      const fresh = await unpack(file);
      const manifest = JSON.parse(readFileSync(join(fresh, 'manifest.json'), 'utf8'));
      writeFileSync(join(fresh, 'manifest.json'), JSON.stringify({ ...manifest, createdAt: '2020-01-01T00:00:00.000Z' }));
      await repack(fresh, join(work, 'altered.backup'));
      await expect(restoreBackup(target.opts, join(work, 'altered.backup'))).rejects.toThrow('备份清单的签名无效：清单被改动，拒绝恢复');

      // Nothing was restored: the target is still empty.
      const t = await target.open();
      try {
        const tables = await t.db.selectFrom('information_schema.tables' as any).select('table_name' as any).where('table_schema' as any, '=', 'public').execute();
        expect(tables.filter((x: any) => x.table_name !== 'schema_migration')).toEqual([]);
      } finally {
        await t.close();
      }
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a target that already holds data; --force moves it aside (never deletes it) and restores', async () => {
    // The source itself is the non-empty target here: new rows after the backup must not survive the restore.
    const source = await store.open();
    try {
      const regions = await pickRegions(source.db);
      const [village] = await source.db.selectFrom('app_user').selectAll().where('username', '=', 'village').execute();
      await createHousehold(source.db, { id: village!.id, username: 'village', displayName: village!.display_name, role: 'village', departmentKind: null, regionCode: regions.villageA }, householdBody(regions.villageA));
      expect((await counts(source)).households).toBe(before.households + 1);
    } finally {
      await source.close();
    }
    await expect(restoreBackup(sourceOpts(), file)).rejects.toThrow(/已有.*恢复只写入空.*--force/);
    const r = await restoreBackup(sourceOpts(), file, { force: true });
    expect(r.report.ok).toBe(true);
    expect(r.movedAside.length).toBeGreaterThanOrEqual(2);
    if (store.kind === 'pglite') expect(existsSync(join(r.movedAside[0]!, 'PG_VERSION'))).toBe(true);
    else expect(r.movedAside[0]).toMatch(/^模式 public_replaced_/);
    // The newer head and checkpoints were moved aside too, not deleted.
    expect(r.movedAside.some((p) => p.includes('audit-head.json.before-restore-'))).toBe(true);
    const restored = await store.open();
    try {
      expect((await counts(restored)).households).toBe(before.households);
      expect((await verifyAuditChain(restored.db)).ok).toBe(true);
    } finally {
      await restored.close();
    }
  });
});

describe.skipIf(TEST_DB_KIND !== 'pglite')('backup and restore of a folder in use (PGlite)', () => {
  let holderStore: Store;
  beforeAll(async () => {
    holderStore = await prepareStore();
  });
  afterAll(() => holderStore?.cleanup());

  it('refuses while a server holds the folder, saying to stop it first', async () => {
    const holder = await holderStore.open();
    const out = join(holderStore.keyDir, '..', '..', 'in-use.backup');
    try {
      await expect(createBackup({ dataDir: holderStore.dataDir! }, out)).rejects.toThrow(/备份内嵌数据库需要独占数据目录.*请先停止它/s);
      await expect(restoreBackup({ dataDir: holderStore.dataDir! }, out)).rejects.toThrow(/备份文件不存在/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await holder.close();
    }
    const made = await createBackup({ dataDir: holderStore.dataDir! }, out);
    const again = await holderStore.open();
    try {
      await expect(restoreBackup({ dataDir: holderStore.dataDir! }, made.file, { force: true })).rejects.toThrow(/恢复内嵌数据库需要独占数据目录/);
    } finally {
      await again.close();
    }
  });
});
