/**
 * Encryption at rest (SEC-7) on a real database: ID numbers, phones and bank accounts are stored
 * only sealed (AES-256-GCM, key outside the database), looked up and kept unique through a keyed
 * blind index, and re-encrypted by a key rotation while other handles keep reading.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { addMember } from '../../src/app/households/add-member.ts';
import { updateMember } from '../../src/app/households/update-member.ts';
import { getHousehold } from '../../src/app/households/get-household.ts';
import { listHouseholds } from '../../src/app/households/list-households.ts';
import { recordMemberChange } from '../../src/app/member-changes/record-member-change.ts';
import { AppError } from '../../src/app/errors.ts';
import { householdMembers, memberByIdNumber } from '../../src/store/households.ts';
import type { Db } from '../../src/store/transaction.ts';
import { createStandardUsers, pickRegions, type TestRegions, type TestUsers } from '../helpers/app.ts';
import { createTestDatabase, TEST_DATABASE_URL, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';

/** What a sealed value looks like in the table: `jbenc:1:<key id>:<base64url>`. */
const SEALED = /^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$/;
const today = () => new Date().toISOString().slice(0, 10);

/** A phone and a bank account no other test uses, so a hit in a dump can only be ours. */
let serial = 0;
const uniquePhone = () => `139${String(70_000_000 + serial++ * 7919).padStart(8, '0')}`;
const uniqueAccount = () => `62284801${String(10_000_000_000 + serial++ * 104_729).padStart(11, '0')}`;

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
