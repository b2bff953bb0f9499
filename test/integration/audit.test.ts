/** The hash-chained audit log (SEC-2) on a real database: verification, tampering, deletion. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { appendAudit, verifyAuditChain } from '../../src/store/audit.ts';
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
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: n.n });
  });

  it('links each entry to the previous one from a genesis hash', async () => {
    const rows = await db.selectFrom('audit_log').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
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
    expect(report.firstBroken).toEqual({ seq: target.seq, problem: '记录内容与其哈希不符（记录被篡改）' });
    expect(report.checked).toBe(target.seq - 1);

    await bypassTrigger(`update audit_log set after = '${target.after_text.replaceAll("'", "''")}'::jsonb where seq = ${target.seq}`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('detects a changed actor or time as well as changed content', async () => {
    const seq = 3;
    const before = await db.selectFrom('audit_log').select(['actor_name']).where('seq', '=', seq).executeTakeFirstOrThrow();
    await bypassTrigger(`update audit_log set actor_name = '别人' where seq = ${seq}`);
    expect((await verifyAuditChain(db)).firstBroken?.seq).toBe(seq);
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
    expect(report.firstBroken).toEqual({ seq: next, problem: '与上一条记录的哈希链接不符（可能有记录被删除或插入）' });
  });

  it('leaves the trigger enabled after the tests', async () => {
    await expect(db.deleteFrom('audit_log').where('seq', '=', 1).execute()).rejects.toThrow(/审计日志只能追加/);
  });
});
