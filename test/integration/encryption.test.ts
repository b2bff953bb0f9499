/**
 * Encryption at rest (SEC-7) on a real database: ID numbers, phones and bank accounts are stored
 * only sealed (AES-256-GCM, key outside the database), looked up and kept unique through a keyed
 * blind index, and re-encrypted by a key rotation while other handles keep reading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { addMember } from '../../src/app/households/add-member.ts';
import { updateMember } from '../../src/app/households/update-member.ts';
import { getHousehold } from '../../src/app/households/get-household.ts';
import { listHouseholds } from '../../src/app/households/list-households.ts';
import { recordMemberChange } from '../../src/app/member-changes/record-member-change.ts';
import { AppError } from '../../src/app/errors.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/app/actor.ts';
import { dataKeyRotationFinished, runDataKeyRotation, startDataKeyRotation } from '../../src/app/security/rotate-data-key.ts';
import { retireUnusedDataKeys } from '../../src/app/security/retire-data-keys.ts';
import { getDataKeyStatus } from '../../src/app/security/get-data-key-status.ts';
import { addCurrentDataKey, contextOf, DatabaseContextPlugin, type DatabaseContext } from '../../src/store/context.ts';
import { loadKeyRing, type KeyRing } from '../../src/store/keys.ts';
import { sealWith, sealedKeyId } from '../../src/store/sealed.ts';
import { bootstrap } from '../../src/app/bootstrap.ts';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { householdMembers, memberByIdNumber } from '../../src/store/households.ts';
import { migrate, migrationFiles } from '../../src/store/migrate.ts';
import { sealedColumnCounts, sealMemberColumns, sealPlaintextMembers } from '../../src/store/members.ts';
import { loadRegions } from '../../src/store/regions.ts';
import { openDatabase } from '../../src/store/connection.ts';
import { acquireDataDirLock } from '../../src/store/data-dir.ts';
import { keysCommand } from '../../src/cli/keys.ts';
import { receiveWarnings } from '../../src/app/intake/receive-warnings.ts';
import { inTransaction } from '../../src/store/transaction.ts';
import type { Db } from '../../src/store/transaction.ts';
import { API, createStandardUsers, createTestApp, pickRegions, type TestApp, type TestRegions, type TestUsers } from '../helpers/app.ts';
import { createTestDatabase, TEST_DATABASE_URL, TEST_DB_KIND, testRegionRows, type TestDatabase } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';

/** What a sealed value looks like in the table: `jbenc:1:<key id>:<base64url>`. */
const SEALED = /^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$/;
const today = () => new Date().toISOString().slice(0, 10);

/** A phone and a bank account no other test uses, so a hit in a dump can only be ours. */
let serial = 0;
const uniquePhone = () => `139${String(70_000_000 + serial++ * 7919).padStart(8, '0')}`;
const uniqueAccount = () => `62284801${String(10_000_000_000 + serial++ * 104_729).padStart(11, '0')}`;

/** Another handle on the same connection with its own keys: another server process, as it were. */
function withKeys(db: Db, context: DatabaseContext): Db {
  return db.withoutPlugins().withPlugin(new DatabaseContextPlugin(context)) as Db;
}

/** A village cadre of the test county, without an account (the use cases only need the actor). */
const cadre = (regionCode: string): Actor => ({ id: 0, username: 'cadre', displayName: '测试村干部', role: 'village', departmentKind: null, regionCode });

/** Values per key id over every sealed column. */
async function valuesPerKey(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await sealedColumnCounts(db)) for (const [k, n] of Object.entries(c.byKey)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** Every row of every table of the public schema as JSON text, read without the context plugin. */
async function dumpText(raw: Kysely<any>): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(raw);
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(table_name)} t`.execute(raw);
    parts.push(...rows.rows.map((r) => r.j));
  }
  return parts.join('\n');
}

/** The PostgreSQL error code a promise rejects with. */
async function pgCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e: any) {
    return e?.code ?? e?.cause?.code;
  }
  return undefined;
}

describe(`encryption at rest [${TEST_DB_KIND}]`, () => {
  let database: TestDatabase;
  let db: Db;
  let regions: TestRegions;
  let users: TestUsers;
  /** Plaintexts of every ID number, phone and bank account registered in this block. */
  const secrets: string[] = [];
  let householdId = 0;
  let headIdNumber = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    regions = await pickRegions(db);
    users = await createStandardUsers(db, regions);
    const head = memberBody({ name: '刘加密', relation: 'head', phone: uniquePhone(), bankAccount: uniqueAccount() });
    const spouse = memberBody({ name: '陈加密', relation: 'spouse', sex: 'female', phone: uniquePhone(), bankAccount: uniqueAccount() });
    const h = await createHousehold(db, users.village, householdBody(regions.villageA, { members: [head, spouse] }));
    householdId = h.id;
    headIdNumber = head.idNumber;
    secrets.push(head.idNumber, head.phone!, head.bankAccount!, spouse.idNumber, spouse.phone!, spouse.bankAccount!);
    // Every other write path: add, edit (new phone and account), a natural increase and a decrease.
    const child = memberBody({ name: '刘小密', relation: 'child', phone: uniquePhone(), bankAccount: uniqueAccount() });
    const added = await addMember(db, users.village, householdId, child);
    secrets.push(child.idNumber, child.phone!, child.bankAccount!);
    const phone = uniquePhone();
    const account = uniqueAccount();
    await updateMember(db, users.village, householdId, added.id, { phone, bankAccount: account, version: added.version });
    secrets.push(phone, account);
    const movedIn = memberBody({ name: '刘迁入', relation: 'other', phone: null, bankAccount: null });
    await recordMemberChange(db, users.village, householdId, {
      direction: 'increase', reason: 'move_in', evidenceType: 'migration_certificate', evidenceRef: 'Q360731-0001',
      eventDate: today(), member: movedIn,
    }, today());
    secrets.push(movedIn.idNumber);
    await recordMemberChange(db, users.village, householdId, {
      direction: 'decrease', reason: 'move_out', evidenceType: 'migration_certificate', evidenceRef: 'Q-0002',
      eventDate: today(), memberId: added.id,
    }, today());
  });
  afterAll(async () => {
    await database?.close();
  });

  describe('the raw tables hold no plaintext', () => {
    it('member and member_change columns hold sealed text only, with a blind index beside the ID number', async () => {
      const raw = db.withoutPlugins();
      const members = await raw.selectFrom('member').select(['id_number', 'id_number_bidx' as any, 'phone', 'bank_account']).execute();
      expect(members.length).toBeGreaterThanOrEqual(4);
      for (const m of members as any[]) {
        expect(m.id_number).toMatch(SEALED);
        expect(m.id_number_bidx).toMatch(/^[0-9a-f]{64}$/);
        if (m.phone !== null) expect(m.phone).toMatch(SEALED);
        if (m.bank_account !== null) expect(m.bank_account).toMatch(SEALED);
      }
      const changes = await raw.selectFrom('member_change').select('id_number').execute();
      expect(changes).toHaveLength(2);
      for (const c of changes) expect(c.id_number).toMatch(SEALED);
    });

    it('no ID number, phone or account appears anywhere in a dump of the whole database', async () => {
      const text = await dumpText(db.withoutPlugins());
      expect(text).toContain('刘加密'); // the dump does hold the household's rows
      for (const s of secrets) expect(text.includes(s), `plaintext ${s} in the dump`).toBe(false);
    });

    it.runIf(TEST_DB_KIND === 'postgres')('nor through a plain pg connection to the server', async () => {
      const u = new URL(TEST_DATABASE_URL!);
      u.pathname = `/${database.name}`;
      const client = new pg.Client({ connectionString: u.toString() });
      await client.connect();
      try {
        const r = await client.query<{ j: string }>(
          `select row_to_json(t)::text as j from member t union all select row_to_json(t)::text from member_change t
           union all select row_to_json(t)::text from audit_log t`,
        );
        const text = r.rows.map((x) => x.j).join('\n');
        expect(text).toContain('刘加密');
        for (const s of secrets) expect(text.includes(s), `plaintext ${s} in the dump`).toBe(false);
      } finally {
        await client.end();
      }
    });

    it('reads through the store open the values again', async () => {
      const members = await householdMembers(db, householdId);
      expect(members.map((m) => m.id_number)).toContain(headIdNumber);
      const revealed = await getHousehold(db, users.village, householdId, { reveal: true });
      expect(revealed.members.map((m) => m.idNumber)).toContain(headIdNumber);
      const masked = await getHousehold(db, users.county, householdId);
      expect(masked.members[0]!.idNumber).toBe(`${headIdNumber.slice(0, 6)}********${headIdNumber.slice(-4)}`);
      expect(masked.members[0]!.phone).toMatch(/^139\*{4}\d{4}$/);
    });
  });

  describe('the database refuses plaintext', () => {
    it('in member.id_number, phone and bank_account and in member_change.id_number', async () => {
      const raw = db.withoutPlugins();
      const row = await raw.selectFrom('member').selectAll().where('household_id', '=', householdId).limit(1).executeTakeFirstOrThrow();
      const { id: _id, created_at: _c, updated_at: _u, ...copy } = row as any;
      await expect(pgCode(raw.insertInto('member').values({ ...copy, id_number: '360731199001011234', active: false }).execute())).resolves.toBe('23514');
      await expect(pgCode(raw.updateTable('member').set({ phone: '13900001111' }).where('id', '=', row.id).execute())).resolves.toBe('23514');
      await expect(pgCode(raw.updateTable('member').set({ bank_account: '6228480012345678901' }).where('id', '=', row.id).execute())).resolves.toBe('23514');
      await expect(pgCode(raw.updateTable('member').set({ id_number_bidx: null } as any).where('id', '=', row.id).execute())).resolves.toBe('23514');
      await expect(pgCode(raw.updateTable('member_change').set({ id_number: '360731199001011234' }).where('household_id', '=', householdId).execute())).resolves.toBe('23514');
    });
  });

  describe('lookups and uniqueness by blind index', () => {
    it('finds the member and the household by ID number (a lower-case x too)', async () => {
      const m = await memberByIdNumber(db, headIdNumber);
      expect(m?.household_id).toBe(householdId);
      const list = await listHouseholds(db, users.village, { q: headIdNumber });
      expect(list.items.map((h: any) => h.id)).toEqual([householdId]);
      if (headIdNumber.endsWith('X')) expect((await memberByIdNumber(db, headIdNumber.toLowerCase()))?.household_id).toBe(householdId);
    });

    it('refuses the same ID number in a second household', async () => {
      const again = householdBody(regions.villageA, { members: [memberBody({ idNumber: headIdNumber, relation: 'head' })] });
      const refused = createHousehold(db, users.village, again);
      await expect(refused).rejects.toBeInstanceOf(AppError);
      await expect(refused).rejects.toMatchObject({ status: 400, errors: expect.arrayContaining([expect.objectContaining({ path: 'members[0].idNumber' })]) });
    });

    it('and the unique index refuses it even when the check is bypassed', async () => {
      const raw = db.withoutPlugins();
      const row = await raw.selectFrom('member').selectAll().where('household_id', '=', householdId).where('relation', '=', 'head').executeTakeFirstOrThrow();
      const { id: _id, created_at: _c, updated_at: _u, ...copy } = row as any;
      // Another ciphertext of the same number (fresh IV) has the same blind index.
      const { seal } = await import('../../src/store/sealed.ts');
      await expect(pgCode(raw.insertInto('member').values({ ...copy, id_number: seal(db, headIdNumber), relation: 'other' }).execute())).resolves.toBe('23505');
    });
  });
});

/** A database as version 007 left it: the migrations before 008 and plaintext members. */
async function databaseBefore008(): Promise<TestDatabase> {
  const database = await createTestDatabase({ empty: true });
  const db = database.db;
  await sql`create table schema_migration (version int primary key, name text not null, applied_at timestamptz not null default now())`.execute(db);
  for (const m of migrationFiles().filter((f) => f.version < 8))
    await db.transaction().execute(async (trx) => {
      await database.execScript(m.sql, trx);
      await sql`insert into schema_migration (version, name) values (${m.version}, ${m.name})`.execute(trx);
    });
  await loadRegions(db, await testRegionRows());
  return database;
}

describe(`a database from before encryption at rest [${TEST_DB_KIND}]`, () => {
  let database: TestDatabase;
  let db: Db;
  let village = '';
  /** Plaintext ID numbers, phones and accounts of the old rows. */
  const people: { idNumber: string; phone: string | null; account: string | null }[] = [];
  const rawMembers = () => db.withoutPlugins().selectFrom('member').select(['id', 'id_number', 'id_number_bidx', 'phone', 'bank_account']).orderBy('id').execute();
  const validated = async () =>
    (await sql<{ conname: string; convalidated: boolean }>`
      select conname, convalidated from pg_constraint where conname like '%\_sealed' or conname = 'member_id_number_bidx_present' order by 1`.execute(db)).rows;

  beforeAll(async () => {
    database = await databaseBefore008();
    db = database.db;
    village = (await db.selectFrom('region').select('code').where('level', '=', 5).where('county_code', '=', '360731').orderBy('code').executeTakeFirstOrThrow()).code;
    const raw = db.withoutPlugins() as Kysely<any>;
    for (let h = 0; h < 6; h++) {
      const { id } = await raw.insertInto('household').values({ county_code: '360731', region_code: village, registration_region_code: village }).returning('id').executeTakeFirstOrThrow();
      for (let k = 0; k < 3; k++) {
        const n = h * 3 + k;
        const person = {
          idNumber: makeIdNumber('360731', `19${60 + n}-03-0${1 + k}`, 300 + n * 2, n % 2 ? 'female' : 'male'),
          phone: n % 3 === 2 ? null : `1377${String(1_000_000 + n * 131).padStart(7, '0')}`,
          account: n % 4 === 3 ? null : `62170712${String(100_000_000_00 + n * 977).padStart(11, '0')}`,
        };
        people.push(person);
        const { id: memberId } = await raw.insertInto('member').values({
          household_id: id, county_code: '360731', name: `旧成员${n}`, id_number: person.idNumber, relation: k === 0 ? 'head' : 'child',
          sex: n % 2 ? 'female' : 'male', birth_date: `19${60 + n}-03-0${1 + k}`, registration: 'rural', labor_ability: 'full',
          phone: person.phone, bank_account: person.account,
        }).returning('id').executeTakeFirstOrThrow();
        if (k === 2)
          await raw.insertInto('member_change').values({
            household_id: id, county_code: '360731', region_code: village, member_id: memberId, direction: 'increase', reason: 'move_in',
            evidence_type: 'household_register', evidence_ref: `R-${n}`, event_on: '2024-01-02', recorded_on: '2024-01-03', due_on: '2024-04-02',
            name: `旧成员${n}`, id_number: person.idNumber, sex: n % 2 ? 'female' : 'male', birth_date: `19${60 + n}-03-0${1 + k}`,
            relation: 'child', recorded_by: 0, recorded_by_name: '系统',
          }).execute();
      }
    }
  });
  afterAll(async () => {
    await database?.close();
  });

  it('migration 008 leaves the plaintext but binds new writes at once (checks NOT VALID)', async () => {
    expect(await migrate(database)).toEqual(migrationFiles().filter((f) => f.version >= 8).map((f) => f.name));
    expect((await rawMembers()).map((m) => m.id_number)).toEqual(people.map((p) => p.idNumber));
    expect((await validated()).every((c) => !c.convalidated)).toBe(true);
    const first = (await rawMembers())[0]!;
    await expect(pgCode(db.withoutPlugins().updateTable('member').set({ phone: '13900002222' }).where('id', '=', first.id).execute())).resolves.toBe('23514');
  });

  it('an interrupted sealing leaves every row either untouched or complete', async () => {
    const interrupted = sealPlaintextMembers(db, {
      batchSize: 4,
      onBatch: (p) => {
        if (p.done >= 8) throw new Error('中断');
      },
    });
    await expect(interrupted).rejects.toThrow('中断');
    const rows = await rawMembers();
    const sealedRows = rows.filter((m) => SEALED.test(m.id_number));
    expect(sealedRows.length).toBe(8);
    for (const m of rows) expect(SEALED.test(m.id_number)).toBe(m.id_number_bidx !== null);
    expect((await validated()).every((c) => !c.convalidated)).toBe(true);
  });

  it('bootstrap seals the rest, fills the blind index and validates the checks', async () => {
    const report = await bootstrap(database);
    expect(report.sealed).toBeGreaterThan(0);
    const rows = await rawMembers();
    for (const m of rows) {
      expect(m.id_number).toMatch(SEALED);
      expect(m.id_number_bidx).toMatch(/^[0-9a-f]{64}$/);
      if (m.phone !== null) expect(m.phone).toMatch(SEALED);
      if (m.bank_account !== null) expect(m.bank_account).toMatch(SEALED);
    }
    for (const c of await db.withoutPlugins().selectFrom('member_change').select('id_number').execute()) expect(c.id_number).toMatch(SEALED);
    expect(await validated()).toHaveLength(5);
    expect((await validated()).every((c) => c.convalidated)).toBe(true);
    const text = await dumpText(db.withoutPlugins());
    for (const p of people) for (const s of [p.idNumber, p.phone, p.account]) if (s) expect(text.includes(s), `plaintext ${s} left`).toBe(false);
  });

  it('the values open, lookups find them and uniqueness holds', async () => {
    const opened = await db.selectFrom('member').select(['id', 'household_id', 'id_number', 'phone', 'bank_account']).orderBy('id').execute();
    expect(opened.map((m) => [m.id_number, m.phone, m.bank_account])).toEqual(people.map((p) => [p.idNumber, p.phone, p.account]));
    for (const m of opened) expect((await memberByIdNumber(db, m.id_number))?.id).toBe(m.id);
    const raw = db.withoutPlugins();
    const row = await raw.selectFrom('member').selectAll().where('id', '=', opened[0]!.id).executeTakeFirstOrThrow();
    const { id: _id, created_at: _c, updated_at: _u, ...copy } = row;
    const { seal } = await import('../../src/store/sealed.ts');
    await expect(pgCode(raw.insertInto('member').values({ ...copy, id_number: seal(db, people[0]!.idNumber) }).execute())).resolves.toBe('23505');
  });

  it('a second bootstrap changes nothing', async () => {
    const before = await rawMembers();
    const report = await bootstrap(database);
    expect(report.sealed).toBe(0);
    expect(await rawMembers()).toEqual(before);
  });
});

describe(`key rotation [${TEST_DB_KIND}]`, () => {
  let database: TestDatabase;
  let keyDir = '';
  /** A server that opened the key file before the rotation and never looked again. */
  let serverA: Db;
  /** The process that rotates. */
  let rotator: Db;
  let firstKey = '';
  let village = '';
  const ids: string[] = [];
  let householdId = 0;
  const fileContext = (): DatabaseContext => ({ keys: loadKeyRing(keyDir), keyDir, auditHead: null });

  beforeAll(async () => {
    database = await createTestDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'jb-keys-'));
    serverA = withKeys(database.db, fileContext());
    firstKey = contextOf(serverA).keys.currentDataKeyId;
    village = (await pickRegions(database.db)).villageA;
    for (let i = 0; i < 4; i++) {
      const body = householdBody(village, {
        members: [memberBody({ relation: 'head', phone: uniquePhone(), bankAccount: uniqueAccount() }), memberBody({ relation: 'spouse', sex: 'female', phone: null })],
      });
      const h = await createHousehold(serverA, cadre(village), body);
      householdId = h.id;
      ids.push(...body.members.map((m) => m.idNumber));
    }
    // A department warning about a registered person: its ID number, its text and the task's summary are sealed too.
    await inTransaction(serverA, (trx) =>
      receiveWarnings(trx, { actor: { ...SYSTEM_ACTOR, regionCode: village }, departmentKind: 'civil_affairs', channel: 'page' }, [
        { type: 'dibao_application', name: '刘加密', idNumber: ids[0]!, warnedOn: '2024-05-01', detail: '申请低保', sourceRef: null, regionCode: null },
      ]),
    );
    expect(Object.keys(await valuesPerKey(serverA))).toEqual([firstKey]);
    rotator = withKeys(database.db, fileContext());
  });
  afterAll(async () => {
    await database?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('retire refuses while rows still use an old key', async () => {
    addCurrentDataKey(contextOf(rotator)); // a new current key, nothing re-encrypted yet
    const refused = retireUnusedDataKeys(rotator, SYSTEM_ACTOR, { skipAuthz: true, graceMs: 0 });
    await expect(refused).rejects.toMatchObject({ status: 409 });
    await expect(refused).rejects.toThrow(firstKey);
    expect(loadKeyRing(keyDir).dataKeys.has(firstKey)).toBe(true);
  });

  it('re-encrypts every value under the new key, in batches, also what a stale writer adds meanwhile', async () => {
    const staleRing: KeyRing = contextOf(serverA).keys; // still only the first key
    const stale = withKeys(database.db, { keys: staleRing, keyDir: null, auditHead: null });
    let batches = 0;
    const late = memberBody({ relation: 'other', phone: uniquePhone() });
    const report = await runDataKeyRotation(rotator, SYSTEM_ACTOR, '测试轮换', {
      batchSize: 3,
      graceMs: 0,
      onProgress: async () => {
        if (++batches !== 2) return;
        // Another server that has not seen the new key file yet writes with the old key.
        await stale.insertInto('member').values({
          ...sealMemberColumns(stale, { id_number: late.idNumber, phone: late.phone, bank_account: null }),
          household_id: householdId, county_code: '360731', name: '晚到', relation: 'other', sex: 'male', birth_date: '1980-01-01',
          registration: 'rural', labor_ability: 'full',
        }).execute();
      },
    });
    ids.push(late.idNumber);
    expect(batches).toBeGreaterThan(2);
    const current = contextOf(rotator).keys.currentDataKeyId;
    expect(report.newKeyId).toBe(current);
    expect(await valuesPerKey(rotator)).toEqual({ [current]: expect.any(Number) });
    for (const id of ids) expect(await memberByIdNumber(rotator, id), id).toBeTruthy();
    const opened = await rotator.selectFrom('member').select('id_number').execute();
    expect(opened.map((m) => m.id_number).sort()).toEqual([...ids].sort());
    const warning = await rotator.selectFrom('department_warning').select(['id_number', 'detail']).executeTakeFirstOrThrow();
    expect(warning).toEqual({ id_number: ids[0], detail: '申请低保' });
  });

  it('a server holding the old ring reloads the key file once and keeps reading, then writes with the new key', async () => {
    const ring = contextOf(serverA).keys;
    expect(ring.dataKeys.has(contextOf(rotator).keys.currentDataKeyId)).toBe(false);
    const members = await householdMembers(serverA, householdId);
    expect(members.map((m) => m.id_number)).toEqual(expect.arrayContaining([ids.at(-1)]));
    expect(contextOf(serverA).keys.currentDataKeyId).toBe(contextOf(rotator).keys.currentDataKeyId);
    const added = await addMember(serverA, cadre(village), householdId, memberBody({ relation: 'child' }));
    const raw = await database.db.withoutPlugins().selectFrom('member').select('id_number').where('id', '=', added.id).executeTakeFirstOrThrow();
    expect(sealedKeyId(raw.id_number)).toBe(contextOf(rotator).keys.currentDataKeyId);
  });

  it('a handle without the key file cannot open them and names the missing key', async () => {
    const oldOnly = withKeys(database.db, { keys: { ...contextOf(serverA).keys, dataKeys: new Map([[firstKey, contextOf(serverA).keys.dataKeys.get(firstKey)!]]) }, keyDir: null, auditHead: null });
    await expect(householdMembers(oldOnly, householdId)).rejects.toThrow(/密钥 k\w+ 不在密钥文件中/);
  });

  it('a tampered ciphertext is refused with a clear error', async () => {
    const raw = database.db.withoutPlugins();
    const row = await raw.selectFrom('member').select(['id', 'phone']).where('household_id', '=', householdId).where('phone', 'is not', null).executeTakeFirstOrThrow();
    const flipped = row.phone!.slice(0, -3) + (row.phone!.at(-3) === 'A' ? 'B' : 'A') + row.phone!.slice(-2);
    await raw.updateTable('member').set({ phone: flipped }).where('id', '=', row.id).execute();
    try {
      await expect(householdMembers(rotator, householdId)).rejects.toThrow('字段 phone 无法解密：密文已损坏或被篡改（认证标签不符）');
    } finally {
      await raw.updateTable('member').set({ phone: row.phone }).where('id', '=', row.id).execute();
    }
    expect((await householdMembers(rotator, householdId)).length).toBeGreaterThan(0);
  });

  it('retire then removes the keys no row uses; the status shows one key', async () => {
    const current = contextOf(rotator).keys.currentDataKeyId;
    const { removed } = await retireUnusedDataKeys(rotator, SYSTEM_ACTOR, { skipAuthz: true, graceMs: 0 });
    expect(removed).toContain(firstKey);
    expect(removed).toHaveLength(2);
    const file = JSON.parse(readFileSync(join(keyDir, 'keys.json'), 'utf8'));
    expect(file.dataKeys.map((k: { id: string }) => k.id)).toEqual([current]);
    const status = await getDataKeyStatus(rotator, SYSTEM_ACTOR, { skipAuthz: true });
    expect(status.currentKeyId).toBe(current);
    expect(status.keys).toEqual([expect.objectContaining({ id: current, current: true, values: expect.any(Number) })]);
    expect(status.plaintextValues).toBe(0);
  });

  it('the rotation and the retirement are in the audit log', async () => {
    const actions = (await database.db.selectFrom('audit_log').select(['action', 'reason', 'object_type']).where('object_type', '=', 'data_key').orderBy('seq').execute());
    expect(actions.map((a) => a.action)).toEqual(['data_key.rotate_start', 'data_key.rotate_finish', 'data_key.retire']);
    expect(actions[0]!.reason).toBe('测试轮换');
  });
});

describe(`in-server key rotation through the API [${TEST_DB_KIND}]`, () => {
  let t: TestApp;
  let householdId = 0;
  let idNumber = '';

  beforeAll(async () => {
    t = await createTestApp();
    const body = householdBody(t.regions.villageA);
    idNumber = body.members[0]!.idNumber;
    const res = await t.as('village').post(`${API}/households`, body);
    expect(res.statusCode).toBe(201);
    householdId = res.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is for the security admin only (403 for every other role)', async () => {
    for (const who of ['sysadmin', 'auditadmin', 'county', 'village', 'province']) {
      expect((await t.as(who).get(`${API}/security/data-key`)).statusCode, who).toBe(403);
      expect((await t.as(who).post(`${API}/security/data-key/rotate`, { reason: '试图轮换' })).statusCode, who).toBe(403);
    }
    expect((await t.anonymous.get(`${API}/security/data-key`)).statusCode).toBe(401);
  });

  it('requires a reason', async () => {
    const res = await t.as('secadmin').post(`${API}/security/data-key/rotate`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    expect((await t.as('secadmin').post(`${API}/security/data-key/rotate`, { reason: '   ' })).statusCode).toBe(400);
  });

  it('runs as a background job whose progress the status shows, re-encrypting everything', async () => {
    const before = (await t.as('secadmin').get(`${API}/security/data-key`)).json();
    expect(before.rotation).toBeNull();
    const started = await t.as('secadmin').post(`${API}/security/data-key/rotate`, { reason: '年度密钥轮换' });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ state: 'running', reason: '年度密钥轮换', startedBy: '安全管理员' });
    await dataKeyRotationFinished(t.db);
    const status = (await t.as('secadmin').get(`${API}/security/data-key`)).json();
    expect(status.rotation).toMatchObject({ state: 'done', error: null });
    expect(status.rotation.done).toBe(status.rotation.total);
    expect(status.rotation.total).toBeGreaterThan(0);
    expect(status.currentKeyId).toBe(status.rotation.newKeyId);
    expect(status.currentKeyId).not.toBe(before.currentKeyId);
    const perKey = Object.fromEntries(status.keys.map((k: { id: string; values: number }) => [k.id, k.values]));
    expect(perKey[before.currentKeyId]).toBe(0);
    expect(perKey[status.currentKeyId]).toBeGreaterThan(0);
    // The three admins' authenticator secrets (SEC-6) are sealed too and were re-encrypted with the rest.
    const secrets = await t.db.withoutPlugins().selectFrom('app_user').select('totp_secret').where('totp_secret', 'is not', null).execute();
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const s of secrets) expect(s.totp_secret!.startsWith(`jbenc:1:${status.currentKeyId}:`)).toBe(true);
    // Still readable, still found by ID number.
    const h = await t.as('village').get(`${API}/households/${householdId}?reveal=true`);
    expect(h.statusCode).toBe(200);
    expect(h.json().members.map((m: { idNumber: string }) => m.idNumber)).toContain(idNumber);
    const found = await t.as('village').get(`${API}/households?q=${idNumber}`);
    expect(found.json().items.map((x: { id: number }) => x.id)).toEqual([householdId]);
  });

  it('is audited with who and why', async () => {
    const entries = await t.db.selectFrom('audit_log').selectAll().where('object_type', '=', 'data_key').orderBy('seq').execute();
    expect(entries.map((e) => e.action)).toEqual(['data_key.rotate_start', 'data_key.rotate_finish']);
    for (const e of entries) expect(e).toMatchObject({ actor_id: t.users.secadmin.id, actor_role: 'security_admin', reason: '年度密钥轮换' });
  });

  it('refuses a second start while one runs (409)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await startDataKeyRotation(t.db, t.users.secadmin, { reason: '第一次' }, { onProgress: () => gate });
    const res = await t.as('secadmin').post(`${API}/security/data-key/rotate`, { reason: '第二次' });
    expect(res.statusCode).toBe(409);
    expect((await t.as('secadmin').get(`${API}/security/data-key`)).json().rotation.state).toBe('running');
    release();
    await dataKeyRotationFinished(t.db);
    expect((await t.as('secadmin').get(`${API}/security/data-key`)).json().rotation.state).toBe('done');
  });

  it('refuses stored text that would pass for a sealed value (it could not be read back)', async () => {
    const fake = `jbenc:1:k1:${'A'.repeat(40)}`;
    const res = await t.as('village').post(`${API}/households/${householdId}/members`, memberBody({ relation: 'child', supportNote: fake }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'supportNote' })]);
    expect((await t.as('village').get(`${API}/households/${householdId}`)).statusCode).toBe(200);
  });
});

describe(`keys command line [${TEST_DB_KIND}]`, () => {
  const tmp: string[] = [];
  const temp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    tmp.push(d);
    return d;
  };
  let env: NodeJS.ProcessEnv = {};
  let keyDir = '';
  let serverDb: TestDatabase | null = null;
  const ids: string[] = [];
  /** A handle on the database as a freshly started process would open it. */
  const reopen = async () => (serverDb ? { db: withKeys(serverDb.db, { keys: loadKeyRing(keyDir), keyDir, auditHead: null }), close: async () => {} } : openDatabase({ dataDir: env.JIANBANG_DATA_DIR }));
  const run = async (action: 'status' | 'rotate' | 'retire', o: { batch?: string; reason?: string } = {}, e = env) => {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await keysCommand(action, o, e, { log: (l) => lines.push(l), error: (l) => errors.push(l) });
    return { code, out: lines.join('\n'), err: errors.join('\n') };
  };
  const fileKeys = () => (JSON.parse(readFileSync(join(keyDir, 'keys.json'), 'utf8')) as { current: string; dataKeys: { id: string }[] });

  beforeAll(async () => {
    let db: Db;
    let close: () => Promise<void>;
    if (TEST_DB_KIND === 'postgres') {
      serverDb = await createTestDatabase();
      keyDir = temp('jb-cli-keys-');
      const u = new URL(TEST_DATABASE_URL!);
      u.pathname = `/${serverDb.name}`;
      env = { DATABASE_URL: u.toString(), JIANBANG_KEY_DIR: keyDir };
      db = withKeys(serverDb.db, { keys: loadKeyRing(keyDir), keyDir, auditHead: null });
      close = async () => {};
    } else {
      const dataDir = temp('jb-cli-data-');
      env = { JIANBANG_DATA_DIR: dataDir };
      keyDir = join(dataDir, 'keys');
      const d = await openDatabase({ dataDir, command: 'test' });
      await migrate(d);
      await loadRegions(d.db, await testRegionRows());
      db = d.db;
      close = () => d.close();
    }
    const village = (await pickRegions(db)).villageA;
    for (let i = 0; i < 3; i++) {
      const body = householdBody(village);
      await createHousehold(db, cadre(village), body);
      ids.push(...body.members.map((m) => m.idNumber));
    }
    await close();
  });
  afterAll(async () => {
    await serverDb?.close();
    for (const d of tmp) rmSync(d, { recursive: true, force: true });
  });

  it('status lists the data keys and the values each holds', async () => {
    const { code, out } = await run('status');
    expect(code).toBe(0);
    expect(out).toContain(fileKeys().current);
    expect(out).toMatch(/当前/);
    expect(out).toContain('member.id_number');
  });

  it('rotate re-encrypts everything under a new key, printing its progress; the values still open', async () => {
    const old = fileKeys().current;
    const { code, out } = await run('rotate', { batch: '2', reason: '命令行测试' });
    expect(code, out).toBe(0);
    expect(out).toMatch(/已重新加密 \d+ \/ \d+ 行/);
    expect(out).toContain('密钥轮换完成');
    const file = fileKeys();
    expect(file.current).not.toBe(old);
    const d = await reopen();
    try {
      expect(await valuesPerKey(d.db)).toEqual({ [file.current]: expect.any(Number) });
      for (const id of ids) expect(await memberByIdNumber(d.db, id), id).toBeTruthy();
      const entry = await d.db.selectFrom('audit_log').select(['actor_name', 'reason']).where('action', '=', 'data_key.rotate_finish').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ reason: '命令行测试', actor_name: expect.stringMatching(/^命令行（操作系统用户 .+）$/) });
    } finally {
      await d.close();
    }
    expect((await run('status')).out).toMatch(/可退役/);
  });

  it('retire then removes the old key from the key file', async () => {
    const { code, out } = await run('retire');
    expect(code, out).toBe(0);
    expect(out).toContain('已从密钥文件删除旧密钥');
    expect(fileKeys().dataKeys).toHaveLength(1);
    const d = await reopen();
    try {
      expect((await d.db.selectFrom('member').select('id_number').execute()).map((m) => m.id_number).sort()).toEqual([...ids].sort());
    } finally {
      await d.close();
    }
  });

  it('on an embedded folder a running server holds, says to rotate inside the server or stop it', async () => {
    const dataDir = temp('jb-cli-locked-');
    const release = acquireDataDirLock(dataDir, 'serve');
    try {
      const rotate = await run('rotate', {}, { JIANBANG_DATA_DIR: dataDir });
      expect(rotate.code).toBe(1);
      expect(rotate.err).toContain('POST /api/v1/security/data-key/rotate');
      expect(rotate.err).toContain('先停止服务');
      expect((await run('status', {}, { JIANBANG_DATA_DIR: dataDir })).err).toContain('GET /api/v1/security/data-key');
    } finally {
      release();
    }
  });

  it('refuses a batch size out of range', async () => {
    expect((await run('rotate', { batch: '0' })).code).toBe(2);
    expect((await run('rotate', { batch: 'abc' })).code).toBe(2);
  });
});
