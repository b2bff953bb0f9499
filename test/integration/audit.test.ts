/** The keyed, hash-chained audit log (SEC-2, SEC-9) on a real database: verification, tampering, deletion, retention. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { appendAudit, plainEntryHash, verifyAuditChain } from '../../src/store/audit.ts';
import { anchorOf } from '../../src/store/audit-anchor.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { inTransaction, type Db } from '../../src/store/transaction.ts';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { updateHousehold } from '../../src/app/households/update-household.ts';
import { getHousehold } from '../../src/app/households/get-household.ts';
import { createStandardUsers, pickRegions, type TestUsers } from '../helpers/app.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';

let database: TestDatabase;
let db: Db;
let users: TestUsers;

/** Runs `statement` with the append-only trigger off, as an attacker with table rights would. */
async function bypassTrigger(statement: string) {
  await inTransaction(db, async (trx) => {
    await sql.raw('alter table audit_log disable trigger audit_log_no_update').execute(trx);
    await sql.raw(statement).execute(trx);
    await sql.raw('alter table audit_log enable trigger audit_log_no_update').execute(trx);
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const regions = await pickRegions(db);
  users = await createStandardUsers(db, regions); // 14 user.create entries
  for (let i = 0; i < 3; i++) {
    const h = await createHousehold(db, users.village, householdBody(regions.villageA));
    await updateHousehold(db, users.township, h.id, { address: `修改${i}`, version: 1, reason: '测试' });
    await getHousehold(db, users.county, h.id, { reveal: true });
  }
});
afterAll(async () => {
  await database?.close();
});

describe(`audit chain [${TEST_DB_KIND}]`, () => {
  it('verifies an untouched log and counts every entry', async () => {
    const n = await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBeGreaterThanOrEqual(14 + 9);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: n.n, keyedFrom: 1, problems: [] });
  });

  it('links each entry to the previous one from a genesis hash, keyed, with seq 1, 2, 3 … without gaps', async () => {
    const rows = await db.selectFrom('audit_log').select(['seq', 'prev_hash', 'hash', 'hash_alg']).orderBy('seq').execute();
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.hash_alg).toBe('hmac-sha256');
    });
  });

  it('keeps a valid chain when many writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        inTransaction(db, (trx) => appendAudit(trx, { actor: users.county, action: 'test.parallel', objectType: 'test', objectId: i, after: { i } })),
      ),
    );
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(true);
  });

  it('names the seq of an entry whose content was changed, and passes again once restored', async () => {
    const target = await db
      .selectFrom('audit_log')
      .select(['seq', sql<string>`after::text`.as('after_text')])
      .where('action', '=', 'household.update')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow();
    await bypassTrigger(`update audit_log set after = jsonb_set(after, '{address}', '"篡改后的地址"') where seq = ${target.seq}`);
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ kind: 'row', seq: target.seq, message: `第 ${target.seq} 条记录的哈希与密钥不符：记录被改写或整条链被重新计算` }]);
    expect(report.checked).toBe(target.seq - 1);

    await bypassTrigger(`update audit_log set after = '${target.after_text.replaceAll("'", "''")}'::jsonb where seq = ${target.seq}`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('detects a changed actor or time as well as changed content', async () => {
    const seq = 3;
    const before = await db.selectFrom('audit_log').select(['actor_name']).where('seq', '=', seq).executeTakeFirstOrThrow();
    await bypassTrigger(`update audit_log set actor_name = '别人' where seq = ${seq}`);
    expect((await verifyAuditChain(db)).problems[0]).toMatchObject({ kind: 'row', seq });
    await bypassTrigger(`update audit_log set actor_name = '${before.actor_name}' where seq = ${seq}`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('detects a deleted middle entry at the entry that followed it', async () => {
    const rows = await db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    const middle = rows[Math.floor(rows.length / 2)]!.seq;
    const next = rows.find((r) => r.seq > middle)!.seq;
    await bypassTrigger(`delete from audit_log where seq = ${middle}`);
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toEqual({ kind: 'row', seq: next, message: `seq=${middle - 1} 之后是 seq=${next}：中间 1 条审计记录被删除` });
  });

  it('leaves the trigger enabled after the tests', async () => {
    await expect(db.deleteFrom('audit_log').where('seq', '=', 1).execute()).rejects.toThrow(/审计日志只能追加/);
  });
});

/** A row as written before migration 009: plain SHA-256, which anyone can recompute. */
async function insertPlainRow(target: Db, seq: number, prevHash: string, action: string) {
  const fields = {
    at: new Date().toISOString(), actor_id: null, actor_name: '系统', actor_role: 'system_admin', action, object_type: 'test',
    object_id: null, county_code: null, before: null, after: { seq }, reason: null,
  };
  const hash = plainEntryHash(prevHash, fields);
  await target.insertInto('audit_log').values({ ...fields, seq, after: JSON.stringify(fields.after), prev_hash: prevHash, hash, hash_alg: 'sha256' }).execute();
  return hash;
}

describe(`rows from before the keyed chain [${TEST_DB_KIND}]`, () => {
  let legacy: TestDatabase;
  beforeAll(async () => {
    legacy = await createTestDatabase();
    // Three rows as an installation had them before migration 009, then keyed writes on top.
    let prev = '0'.repeat(64);
    for (const seq of [1, 2, 4]) prev = await insertPlainRow(legacy.db, seq, prev, 'legacy.entry');
    for (let i = 0; i < 3; i++) await inTransaction(legacy.db, (trx) => appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'keyed.entry', objectType: 'test', after: { i } }));
  });
  afterAll(() => legacy?.close());

  it('stay verifiable by plain SHA-256 up to the first keyed row, which follows them without a gap', async () => {
    const rows = await legacy.db.selectFrom('audit_log').select(['seq', 'hash_alg']).orderBy('seq').execute();
    expect(rows).toEqual([
      { seq: 1, hash_alg: 'sha256' }, { seq: 2, hash_alg: 'sha256' }, { seq: 4, hash_alg: 'sha256' },
      { seq: 5, hash_alg: 'hmac-sha256' }, { seq: 6, hash_alg: 'hmac-sha256' }, { seq: 7, hash_alg: 'hmac-sha256' },
    ]);
    expect(await verifyAuditChain(legacy.db)).toMatchObject({ ok: true, checked: 6, keyedFrom: 5, problems: [] });
    // The anchor began with the first keyed row and remembers it, so plain rows after it are forgeries.
    const head = anchorOf(legacy.db)!.readHead();
    expect(head.status === 'ok' && head.record.chains.global).toMatchObject({ seq: 7, keyedFrom: 5 });
  });

  it('an unkeyed row after the first keyed one is refused, even with a correct plain hash', async () => {
    const last = await legacy.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await insertPlainRow(legacy.db, last.seq + 1, last.hash, 'forged.entry');
    const report = await verifyAuditChain(legacy.db);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toEqual({
      kind: 'row', seq: last.seq + 1,
      message: `第 ${last.seq + 1} 条记录的哈希没有用审计密钥计算，而链自第 5 条起已使用密钥：记录被改写或整条链被重新计算`,
    });
  });
});

describe(`retention: at least ${6} months, nothing deletes audit rows [${TEST_DB_KIND}]`, () => {
  let r: TestDatabase;
  beforeAll(async () => {
    r = await createTestDatabase();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Entries two years and seven months old: old enough for any archive rule, still not deletable.
      for (const at of ['2023-01-10T08:00:00Z', '2024-05-01T08:00:00Z']) {
        vi.setSystemTime(new Date(at));
        await inTransaction(r.db, (trx) => appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'old.entry', objectType: 'test', after: { at } }));
      }
    } finally {
      vi.useRealTimers();
    }
  });
  afterAll(() => r?.close());

  it('old rows cannot be deleted, changed or truncated through the application connection', async () => {
    const old = sql<{ n: number }>`select count(*)::int as n from audit_log where at < now() - interval '6 months'`;
    expect((await old.execute(r.db)).rows[0]!.n).toBe(2);
    await expect(sql`delete from audit_log where at < now() - interval '6 months'`.execute(r.db)).rejects.toThrow(/审计日志只能追加/);
    await expect(r.db.deleteFrom('audit_log').where('action', '=', 'old.entry').execute()).rejects.toThrow(/审计日志只能追加/);
    await expect(sql`update audit_log set reason = '归档' where at < now() - interval '6 months'`.execute(r.db)).rejects.toThrow(/审计日志只能追加/);
    await expect(sql`truncate audit_log`.execute(r.db)).rejects.toThrow(/审计日志只能追加/);
    expect((await old.execute(r.db)).rows[0]!.n).toBe(2);
    expect((await verifyAuditChain(r.db)).ok).toBe(true);
  });

  it('no code path deletes or truncates audit rows (a later archive job must respect AUDIT_RETENTION_MONTHS)', () => {
    const root = new URL('../../src/', import.meta.url).pathname;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|tsx|sql)$/.test(name)) files.push(path);
      }
    };
    walk(root);
    const offenders = files.filter((f) => /deleteFrom\(\s*['"]audit_log|delete\s+from\s+audit_log|truncate\s+(table\s+)?audit_log|updateTable\(\s*['"]audit_log/i.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});
