/**
 * The audit chain's anchor outside the database (SEC-9, issue 9 finding 5): a deleted tail, a
 * rewritten and rehashed chain, a missing or forged head file, a forged checkpoint — each detected
 * and named, on both databases; and `audit verify` as a real command (exit code, --reanchor).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { appendAudit, checkpointAudit, plainEntryHash, verifyAuditChain } from '../../src/store/audit.ts';
import { anchorOf, FileAuditAnchor, MemoryAuditAnchor, type HeadRecord } from '../../src/store/audit-anchor.ts';
import { migrate } from '../../src/store/migrate.ts';
import { inTransaction, type Db } from '../../src/store/transaction.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { prepareStore, runCli, type Store } from '../reliability/child.ts';

const N = 20;
let database: TestDatabase;
let db: Db;
let dir: string;
let anchor: FileAuditAnchor;
const headPath = () => join(dir, 'audit-head.json');
const checkpointPath = () => join(dir, 'audit-checkpoints.jsonl');
const readHeadFile = (): HeadRecord => JSON.parse(readFileSync(headPath(), 'utf8'));

const append = (target: Db, i: number) =>
  inTransaction(target, (trx) => appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.entry', objectType: 'test', objectId: i, after: { i } }));

/** Runs statements as a superuser with the append-only trigger bypassed, as an attacker with table rights would. */
async function asAttacker(target: Db, statements: string[]) {
  await inTransaction(target, async (trx) => {
    await sql.raw('set local session_replication_role = replica').execute(trx);
    for (const s of statements) await sql.raw(s).execute(trx);
  });
}

/** An attacker without the key: changes row `from` and recomputes every hash from there with plain SHA-256. */
async function rewriteAndRehash(target: Db, from: number, label: 'hmac-sha256' | 'sha256') {
  const rows = await target.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  let prev = from === 1 ? '0'.repeat(64) : rows.find((r) => r.seq === from - 1)!.hash;
  const statements = [`update audit_log set reason = '改写的原因' where seq = ${from}`];
  for (const r of rows.filter((x) => x.seq >= from)) {
    const hash = plainEntryHash(prev, {
      at: new Date(r.at).toISOString(), actor_id: r.actor_id, actor_name: r.actor_name, actor_role: r.actor_role, action: r.action,
      object_type: r.object_type, object_id: r.object_id, county_code: r.county_code, before: r.before, after: r.after,
      reason: r.seq === from ? '改写的原因' : r.reason,
    });
    statements.push(`update audit_log set prev_hash = '${prev}', hash = '${hash}', hash_alg = '${label}' where seq = ${r.seq}`);
    prev = hash;
  }
  await asAttacker(target, statements);
}

const messages = async (target: Db = db) => (await verifyAuditChain(target)).problems.map((p) => p.message);

describe(`audit head anchored outside the database [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    // Migrations only: the anchor needs no regions or users.
    database = await createTestDatabase({ empty: true });
    await migrate(database);
    db = database.db;
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    // A fresh chain and anchor per test keeps the tampering of one test out of the next.
    await asAttacker(db, ['delete from audit_log']);
    dir = mkdtempSync(join(tmpdir(), 'jb-anchor-'));
    anchor = new FileAuditAnchor(dir, database.context.keys.auditKey);
    database.context.auditHead = anchor;
    for (let i = 1; i <= N; i++) await append(db, i);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('after every commit the head file holds the latest seq and keyed hash, signed, 0600; a checkpoint starts the history', async () => {
    const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const head = readHeadFile();
    expect(head.chains.global).toMatchObject({ seq: N, hash: last.hash, keyedFrom: 1 });
    expect(head.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(head.keyId).toBe(anchor.keyId);
    expect(statSync(headPath()).mode & 0o777).toBe(0o600);
    expect(statSync(checkpointPath()).mode & 0o777).toBe(0o600);
    expect(anchor.readCheckpoints().map((l) => [l.checkpoint?.seq, l.checkpoint?.reason])).toEqual([[1, 'interval']]);
    await append(db, 99);
    expect(readHeadFile().chains.global!.seq).toBe(N + 1);
  });

  it('never moves backwards, and a rolled-back transaction does not move it', async () => {
    const before = readFileSync(headPath(), 'utf8');
    anchor.advance({ seq: 3, hash: 'a'.repeat(64) });
    expect(readFileSync(headPath(), 'utf8')).toBe(before);
    await expect(
      inTransaction(db, async (trx) => {
        await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'test.rolled_back', objectType: 'test' });
        throw new Error('回滚');
      }),
    ).rejects.toThrow('回滚');
    expect(readFileSync(headPath(), 'utf8')).toBe(before);
    await Promise.all(Array.from({ length: 8 }, (_, i) => append(db, 100 + i)));
    expect(readHeadFile().chains.global!.seq).toBe(N + 8);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('a successful verify passes and appends a signed checkpoint', async () => {
    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ ok: true, checked: N, head: { seq: N }, checkpoints: 1, problems: [] });
    expect(anchor.readCheckpoints().at(-1)!.checkpoint).toMatchObject({ seq: N, reason: 'verify' });
  });

  it('the last 5 rows deleted as a superuser with the trigger bypassed: detected and named', async () => {
    await asAttacker(db, [`delete from audit_log where seq > ${N - 5}`]);
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(N - 5);
    expect(report.problems.map((p) => p.message)).toContain(`头部锚点记录到 seq=${N}，数据库只有到 seq=${N - 5}：最后 5 条审计记录被删除`);
  });

  it('writes after a deleted tail do not erase the evidence: the head freezes at the fork', async () => {
    await verifyAuditChain(db); // a verify checkpoint at seq N as well
    await asAttacker(db, [`delete from audit_log where seq > ${N - 5}`]);
    for (let i = 0; i < 8; i++) await append(db, 200 + i); // seq N-4 … N+3 written again
    const head = readHeadFile().chains.global!;
    expect(head).toMatchObject({ seq: N, forked: { detail: `锚点记录到 seq=${N}，而数据库最新的记录是 seq=${N - 5}` } });
    const found = await messages();
    expect(found).toContain(`头部锚点记录的第 ${N} 条与数据库中该条的哈希不符：记录被改写或整条链被重新计算`);
    expect(found.some((m) => m.startsWith('头部锚点自') && m.includes('冻结'))).toBe(true);
    expect(found.some((m) => m.startsWith('检查点') && m.includes(`seq=${N}）与数据库中该条记录的哈希不符`))).toBe(true);
  });

  it('the stop checkpoint does not follow rows written over a deleted tail by another process', async () => {
    await asAttacker(db, [`delete from audit_log where seq > ${N - 5}`]);
    // Another process (its own anchor) writes on: seq N-4 … N+3, chained to what is left.
    database.context.auditHead = new MemoryAuditAnchor(database.context.keys.auditKey);
    for (let i = 0; i < 8; i++) await append(db, 500 + i);
    database.context.auditHead = anchor;
    await checkpointAudit(db, 'stop');
    expect(readHeadFile().chains.global).toMatchObject({ seq: N, forked: { detail: `锚点记录的第 ${N} 条与数据库中该条的哈希不同` } });
    expect(await messages()).toContain(`头部锚点记录的第 ${N} 条与数据库中该条的哈希不符：记录被改写或整条链被重新计算`);
  });

  it('a row rewritten and the chain after it rehashed with plain SHA-256 (no key): detected at that row', async () => {
    await rewriteAndRehash(db, 7, 'hmac-sha256');
    const found = await messages();
    expect(found[0]).toBe('第 7 条记录的哈希与密钥不符：记录被改写或整条链被重新计算');
    expect(found).toContain(`头部锚点记录的第 ${N} 条与数据库中该条的哈希不符：记录被改写或整条链被重新计算`);
  });

  it('the same rewrite labelled as old plain rows: refused after the first keyed row', async () => {
    await rewriteAndRehash(db, 7, 'sha256');
    expect((await messages())[0]).toBe('第 7 条记录的哈希没有用审计密钥计算，而链自第 1 条起已使用密钥：记录被改写或整条链被重新计算');
  });

  it('the whole chain rewritten as plain rows from genesis: the head still knows it was keyed from seq 1', async () => {
    await rewriteAndRehash(db, 1, 'sha256');
    const report = await verifyAuditChain(db);
    expect(report.keyedFrom).toBeNull();
    expect(report.problems[0]!.message).toBe('第 1 条记录的哈希没有用审计密钥计算，而链自第 1 条起已使用密钥：记录被改写或整条链被重新计算');
  });

  it('a missing head file is reported, not silently accepted, and the next write does not invent a new one', async () => {
    unlinkSync(headPath());
    expect(await messages()).toEqual([`头部锚点文件 ${headPath()} 不存在：无法确认末尾的审计记录没有被删除（文件被删除，或未随数据一同迁移）`]);
    await append(db, 300);
    expect(() => statSync(headPath())).toThrow();
    expect((await verifyAuditChain(db)).ok).toBe(false);
  });

  it('a head file edited to match a truncated log (without the key) is reported and left as evidence', async () => {
    await asAttacker(db, [`delete from audit_log where seq > ${N - 5}`]);
    const row = await db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', N - 5).executeTakeFirstOrThrow();
    const forged = readHeadFile();
    forged.chains.global = { ...forged.chains.global!, seq: row.seq, hash: row.hash };
    writeFileSync(headPath(), JSON.stringify(forged));
    const found = await messages();
    expect(found).toContain(`头部锚点文件 ${headPath()} 签名无效：文件被改动或伪造`);
    await append(db, 400);
    expect(readHeadFile().chains.global!.seq).toBe(N - 5); // not overwritten
  });

  it('a forged checkpoint line is reported, and a checkpoint whose row changed is named', async () => {
    const lines = readFileSync(checkpointPath(), 'utf8').trimEnd().split('\n');
    const cp = JSON.parse(lines[0]!);
    writeFileSync(checkpointPath(), `${lines.join('\n')}\n${JSON.stringify({ ...cp, seq: 2 })}\n`);
    expect(await messages()).toEqual(['检查点文件第 2 行签名无效：被改动或伪造']);
    writeFileSync(checkpointPath(), `${lines.join('\n')}\n`);
    // Row 1 (the first checkpoint) rewritten with its own hash recomputed: the checkpoint still holds the old one.
    await rewriteAndRehash(db, 1, 'hmac-sha256');
    expect(await messages()).toContain(`检查点（${cp.at}，seq=1）与数据库中该条记录的哈希不符：记录被改写或整条链被重新计算`);
  });

  it('verifying with another audit key fails at the first row and says the head was signed with another key', async () => {
    const other = new FileAuditAnchor(dir, randomBytes(32));
    const keys = database.context.keys;
    database.context.keys = { ...keys, auditKey: randomBytes(32) };
    try {
      const found = (await verifyAuditChain(db, { anchor: other })).problems.map((p) => p.message);
      expect(found[0]).toBe('第 1 条记录的哈希与密钥不符：记录被改写或整条链被重新计算');
      expect(found).toContain(`头部锚点文件 ${headPath()} 签名与当前审计密钥不符：文件记录的密钥编号为 ${anchor.keyId}，当前密钥为 ${other.keyId}（审计密钥被更换，或文件被改动）`);
    } finally {
      database.context.keys = keys;
    }
  });
});

describe(`in-memory databases get an in-memory anchor with the same checks [${TEST_DB_KIND}]`, () => {
  it('detects a deleted tail against the memory anchor', async () => {
    const mem = await createTestDatabase({ empty: true });
    try {
      await migrate(mem);
      expect(anchorOf(mem.db)).toBeInstanceOf(MemoryAuditAnchor);
      for (let i = 1; i <= 8; i++) await append(mem.db, i);
      expect((await verifyAuditChain(mem.db)).ok).toBe(true);
      await asAttacker(mem.db, ['delete from audit_log where seq > 5']);
      expect(await messages(mem.db)).toContain('头部锚点记录到 seq=8，数据库只有到 seq=5：最后 3 条审计记录被删除');
    } finally {
      await mem.close();
    }
  });
});

describe(`npx jianbang audit verify as a command [${TEST_DB_KIND}]`, () => {
  let store: Store;
  afterAll(() => store?.cleanup());

  it('exits 0 on an intact log, 1 naming the deleted tail; --reanchor needs intact rows and a reason', async () => {
    store = await prepareStore();
    let h = await store.open();
    try {
      for (let i = 1; i <= 10; i++) await append(h.db, i);
    } finally {
      await h.close();
    }
    const ok = await runCli(['audit', 'verify'], store.env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/审计日志完整：共 10 条，哈希链与审计密钥校验通过，与头部锚点（seq=10）/);
    expect(ok.stderr).toMatch(/已校验 10 条/);

    h = await store.open();
    const tail = await h.db.selectFrom('audit_log').selectAll().where('seq', '>', 7).orderBy('seq').execute();
    try {
      await asAttacker(h.db, ['delete from audit_log where seq > 7']);
    } finally {
      await h.close();
    }
    const bad = await runCli(['audit', 'verify'], store.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('头部锚点记录到 seq=10，数据库只有到 seq=7：最后 3 条审计记录被删除');
    const refused = await runCli(['audit', 'verify', '--reanchor', '--reason', '测试'], store.env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toContain('已重新建立头部锚点');

    // The rows put back as they were, then the head lost (moved without it): reported until re-anchored, which is audited.
    h = await store.open();
    try {
      await h.db.insertInto('audit_log').values(tail.map((r) => ({ ...r, before: JSON.stringify(r.before), after: JSON.stringify(r.after) }))).execute();
    } finally {
      await h.close();
    }
    expect((await runCli(['audit', 'verify'], store.env)).code).toBe(0);
    unlinkSync(join(store.keyDir, 'audit-head.json'));
    const lost = await runCli(['audit', 'verify'], store.env);
    expect(lost.code).toBe(1);
    expect(lost.stdout).toMatch(/头部锚点文件 .*audit-head\.json 不存在/);
    expect((await runCli(['audit', 'verify', '--reanchor'], store.env)).stderr).toMatch(/--reason/);
    const re = await runCli(['audit', 'verify', '--reanchor', '--reason', '迁移服务器时未带头部锚点文件'], store.env);
    expect(re.code, re.stdout + re.stderr).toBe(0);
    expect(re.stdout).toMatch(/已重新建立头部锚点：seq=10/);
    const after = await runCli(['audit', 'verify'], store.env);
    expect(after.code, after.stdout).toBe(0);
    h = await store.open();
    try {
      const entry = await h.db.selectFrom('audit_log').select(['action', 'reason']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(entry).toEqual({ action: 'audit.reanchor', reason: '迁移服务器时未带头部锚点文件' });
    } finally {
      await h.close();
    }
  }, 300_000);
});
