/** Household registry use cases on a real database (REG-1, REG-2, SEC-2, SEC-3): no mocks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHousehold, ID_NUMBER_TAKEN } from '../../src/app/households/create-household.ts';
import { updateHousehold } from '../../src/app/households/update-household.ts';
import { addMember } from '../../src/app/households/add-member.ts';
import { updateMember } from '../../src/app/households/update-member.ts';
import { getHousehold } from '../../src/app/households/get-household.ts';
import { AppError } from '../../src/app/errors.ts';
import { checkDigit } from '../../src/domain/id-number.ts';
import { idNumberFacts } from '../../src/domain/id-number.ts';
import type { Db } from '../../src/store/transaction.ts';
import { countRows, createStandardUsers, pickRegions, type TestRegions, type TestUsers } from '../helpers/app.ts';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

let database: TestDatabase;
let db: Db;
let regions: TestRegions;
let users: TestUsers;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  regions = await pickRegions(db);
  users = await createStandardUsers(db, regions);
});
afterAll(async () => {
  await database?.close();
});

const snapshot = async () => ({
  household: await countRows(db, 'household'),
  member: await countRows(db, 'member'),
  audit_log: await countRows(db, 'audit_log'),
});

/** Runs `fn`, expects an AppError, returns it. */
async function appError(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

/** A member payload whose ID number has a wrong check digit. */
function withBadCheckDigit(m: ReturnType<typeof memberBody>) {
  const first17 = m.idNumber.slice(0, 17);
  const right = checkDigit(first17);
  return { ...m, idNumber: first17 + (right === '0' ? '1' : '0') };
}

describe(`household registry [${TEST_DB_KIND}]`, () => {
  describe('create', () => {
    it('registers a household with its members in the actor’s village', async () => {
      const body = householdBody(regions.villageA);
      const before = await snapshot();
      const h = await createHousehold(db, users.village, body);
      expect(h).toMatchObject({ regionCode: regions.villageA, countyCode: '360731', formerlyPoor: true, povertyExitYear: 2018, version: 1 });
      expect(h.registrationRegionCode).toBe(regions.villageA); // 户籍地 defaults to the responsible village
      expect(h.members).toHaveLength(2);
      const stored = await db.selectFrom('member').selectAll().where('household_id', '=', h.id).orderBy('id').execute();
      expect(stored.map((m) => m.id_number)).toEqual(body.members.map((m) => m.idNumber));
      const facts = idNumberFacts(body.members[1]!.idNumber);
      expect(stored[1]).toMatchObject({ sex: 'female', birth_date: facts.birthDate, county_code: '360731', health: 'chronic' });
      expect(await snapshot()).toEqual({ household: before.household + 1, member: before.member + 2, audit_log: before.audit_log + 1 });
    });

    it('writes the audit entry with masked member data', async () => {
      const body = householdBody(regions.villageA);
      const h = await createHousehold(db, users.village, body);
      const entry = await db.selectFrom('audit_log').selectAll().where('object_type', '=', 'household').where('object_id', '=', String(h.id)).executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ action: 'household.create', actor_id: users.village.id, actor_role: 'village', county_code: '360731' });
      const after = entry.after as any;
      expect(after.id).toBe(h.id);
      const text = JSON.stringify(after);
      for (const m of body.members) {
        expect(text).not.toContain(m.idNumber);
        if (m.phone) expect(text).not.toContain(m.phone);
        if (m.bankAccount) expect(text).not.toContain(m.bankAccount);
      }
      expect(after.members[0].idNumber).toBe(`${body.members[0]!.idNumber.slice(0, 6)}********${body.members[0]!.idNumber.slice(-4)}`);
      expect(after.members.map((m: any) => m.health)).toEqual(['***', '***']);
    });

    it('returns masked members to the caller', async () => {
      const body = householdBody(regions.villageA);
      const h = await createHousehold(db, users.village, body);
      expect(h.members[0]!.idNumber).not.toBe(body.members[0]!.idNumber);
      expect(h.members[0]!.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(h.members[0]!.phone).toBe('138****8000');
      expect(h.members[0]!.bankAccount).toBe('6222***********3445');
    });

    it('names each bad field by its path, in Chinese, and writes nothing', async () => {
      const head = memberBody({ relation: 'head' });
      const spouse = memberBody({ relation: 'spouse', sex: 'female' });
      const before = await snapshot();
      const err = await appError(() =>
        createHousehold(db, users.village, {
          household: { regionCode: regions.villageA },
          members: [withBadCheckDigit(head), { ...spouse, birthDate: '1901-01-01', colour: 'red' }],
        }),
      );
      expect(err.status).toBe(400);
      expect(err.errors).toEqual(
        expect.arrayContaining([
          { path: 'members[0].idNumber', message: '身份证号校验码错误（GB 11643）' },
          { path: 'members[1].birthDate', message: `出生日期与身份证号不一致（身份证号为 ${idNumberFacts(spouse.idNumber).birthDate}）` },
          { path: 'members[1].colour', message: '未知字段（可能是拼写错误）' },
        ]),
      );
      expect(await snapshot()).toEqual(before);
    });

    it('rejects an impossible birth date inside the ID number, and a sex that disagrees with it', async () => {
      const first17 = '360731' + '19800230' + '001';
      const err = await appError(() =>
        createHousehold(db, users.village, {
          household: { regionCode: regions.villageA },
          members: [memberBody({ idNumber: first17 + checkDigit(first17) }), memberBody({ relation: 'child', sex: 'female', idNumber: nextIdNumber('male') })],
        }),
      );
      expect(err.errors).toEqual(
        expect.arrayContaining([
          { path: 'members[0].idNumber', message: '身份证号中的出生日期无效' },
          { path: 'members[1].sex', message: '性别与身份证号不一致' },
        ]),
      );
    });

    it('requires exactly one head, at least one member and a village-level code that exists', async () => {
      let err = await appError(() => createHousehold(db, users.village, { household: { regionCode: regions.villageA }, members: [] }));
      expect(err.errors).toContainEqual({ path: 'members', message: '至少登记一名家庭成员' });
      err = await appError(() =>
        createHousehold(db, users.village, {
          household: { regionCode: regions.villageA },
          members: [memberBody({ relation: 'spouse' })],
        }),
      );
      expect(err.errors).toContainEqual({ path: 'members', message: '须有且只有一名户主（relation = head）' });
      err = await appError(() => createHousehold(db, users.county, householdBody(regions.township)));
      expect(err.errors).toContainEqual({ path: 'household.regionCode', message: '应为村级（12位）区划代码' });
      err = await appError(() => createHousehold(db, users.county, householdBody(`${regions.township.slice(0, 9)}999`)));
      expect(err.errors).toContainEqual({ path: 'household.regionCode', message: '区划代码不存在' });
    });

    it('requires a reason when the residence place is responsible (Q19)', async () => {
      const err = await appError(() =>
        createHousehold(db, users.village, householdBody(regions.villageA, { household: { responsibilityBasis: 'residence' } })),
      );
      expect(err.errors).toContainEqual({ path: 'household.responsibilityReason', message: '由常住地或迁入地负责时须填写原因（Q19）' });
      const ok = await createHousehold(
        db, users.village,
        householdBody(regions.villageA, { household: { responsibilityBasis: 'residence', responsibilityReason: '长期在本村居住', residenceRegionCode: regions.villageA, registrationRegionCode: regions.villageD } }),
      );
      expect(ok).toMatchObject({ responsibilityBasis: 'residence', registrationRegionCode: regions.villageD });
    });

    it('refuses an ID number already registered in another household, or twice in one', async () => {
      const first = householdBody(regions.villageA);
      await createHousehold(db, users.village, first);
      const before = await snapshot();
      let err = await appError(() =>
        createHousehold(db, users.village, householdBody(regions.villageA, { members: [memberBody({ idNumber: first.members[0]!.idNumber })] })),
      );
      expect(err.status).toBe(400);
      expect(err.errors).toContainEqual({ path: 'members[0].idNumber', message: ID_NUMBER_TAKEN });
      const id = nextIdNumber();
      err = await appError(() =>
        createHousehold(db, users.village, householdBody(regions.villageA, { members: [memberBody({ idNumber: id }), memberBody({ relation: 'child', idNumber: id })] })),
      );
      expect(err.errors).toContainEqual({ path: 'members[1].idNumber', message: '与 members[0].idNumber 的身份证号重复' });
      // Nothing registered; the refused attempt on a registered number is on record (one audit entry).
      expect(await snapshot()).toEqual({ ...before, audit_log: before.audit_log + 1 });
    });

    it('leaves nothing half-written when the database refuses a member mid-transaction', async () => {
      // Two registrations of the same person race: both pass validation, the unique index stops the second
      // after its household row was inserted, and that row must roll back with it.
      const shared = nextIdNumber();
      const a = householdBody(regions.villageA, { members: [memberBody({ idNumber: shared })] });
      const b = householdBody(regions.villageA, { members: [memberBody({ idNumber: nextIdNumber() }), memberBody({ relation: 'child', idNumber: shared })] });
      const before = await snapshot();
      const results = await Promise.allSettled([createHousehold(db, users.village, a), createHousehold(db, users.village, b)]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      expect(ok).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      // Either validation saw the other registration (400) or the unique index stopped it (23505).
      expect(String(failed.reason instanceof AppError ? failed.reason.status : failed.reason?.code)).toMatch(/^(400|23505)$/);
      const winner = (ok[0] as PromiseFulfilledResult<{ members: unknown[] }>).value;
      // A refusal by validation names a registered number: that attempt is on record too (SEC-2).
      const refusedByValidation = failed.reason instanceof AppError;
      expect(await snapshot()).toEqual({
        household: before.household + 1,
        member: before.member + winner.members.length,
        audit_log: before.audit_log + 1 + (refusedByValidation ? 1 : 0),
      });
      const orphans = await sql<{ n: number }>`
        select count(*)::int as n from household h where not exists (select 1 from member m where m.household_id = h.id)`.execute(db);
      expect(orphans.rows[0]!.n).toBe(0);
    });

    it('rolls the household back when its audit entry cannot be written (one transaction)', async () => {
      await sql.raw(`create function test_refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused by test'; end $$;
        create trigger test_refuse_audit before insert on audit_log for each row execute function test_refuse_audit();`).execute(db);
      try {
        const before = await snapshot();
        await expect(createHousehold(db, users.village, householdBody(regions.villageA))).rejects.toThrow(/audit refused by test/);
        expect(await snapshot()).toEqual(before);
        const h = await db.selectFrom('household').select(['id', 'version', 'village_group']).orderBy('id').limit(1).executeTakeFirstOrThrow();
        await expect(updateHousehold(db, users.village, h.id, { villageGroup: '被回滚', version: h.version })).rejects.toThrow(/audit refused by test/);
        const after = await db.selectFrom('household').select(['version', 'village_group']).where('id', '=', h.id).executeTakeFirstOrThrow();
        expect(after).toEqual({ version: h.version, village_group: h.village_group });
      } finally {
        await sql.raw('drop trigger test_refuse_audit on audit_log; drop function test_refuse_audit();').execute(db);
      }
    });

    it('refuses a village outside the actor’s subtree (403) and roles that may not write', async () => {
      const before = await snapshot();
      expect((await appError(() => createHousehold(db, users.village, householdBody(regions.villageB)))).status).toBe(403);
      expect((await appError(() => createHousehold(db, users.county, householdBody(regions.villageD)))).status).toBe(403);
      expect((await appError(() => createHousehold(db, users.city, householdBody(regions.villageA)))).status).toBe(403);
      expect((await appError(() => createHousehold(db, users.sysadmin, householdBody(regions.villageA)))).status).toBe(403);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('update', () => {
    it('edits fields, bumps the version and audits before/after with the reason', async () => {
      const h = await createHousehold(db, users.village, householdBody(regions.villageA));
      const saved = await updateHousehold(db, users.township, h.id, { villageGroup: '三组', version: 1, reason: '核实后更正' });
      expect(saved).toMatchObject({ villageGroup: '三组', version: 2 });
      const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'household.update').where('object_id', '=', String(h.id)).executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ actor_id: users.township.id, reason: '核实后更正' });
      expect((entry.before as any).villageGroup).toBe('一组');
      expect((entry.after as any).villageGroup).toBe('三组');
    });

    it('refuses a stale version with AppError 409 and changes nothing', async () => {
      const h = await createHousehold(db, users.village, householdBody(regions.villageA));
      await updateHousehold(db, users.village, h.id, { address: '第一次修改', version: 1 });
      const before = await snapshot();
      const err = await appError(() => updateHousehold(db, users.county, h.id, { address: '基于旧版本的修改', version: 1 }));
      expect(err.status).toBe(409);
      expect(err.errors).toEqual([{ path: 'version', message: '记录已被他人修改，请刷新后重试' }]);
      expect(await snapshot()).toEqual(before);
      const row = await db.selectFrom('household').select(['address', 'version']).where('id', '=', h.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ address: '第一次修改', version: 2 });
    });

    it('requires the version', async () => {
      const h = await createHousehold(db, users.village, householdBody(regions.villageA));
      const err = await appError(() => updateHousehold(db, users.village, h.id, { address: 'x' }));
      expect(err.status).toBe(400);
      expect(err.errors).toContainEqual({ path: 'version', message: '必填' });
    });

    it('adds and edits members with their own version; stale member edits get 409', async () => {
      const h = await createHousehold(db, users.village, householdBody(regions.villageA));
      const child = await addMember(db, users.village, h.id, memberBody({ name: '李小明', relation: 'child', schooling: 'primary', laborAbility: 'none' }));
      expect(child).toMatchObject({ name: '李小明', version: 1, health: '***' });
      const err = await appError(() => addMember(db, users.village, h.id, memberBody({ relation: 'head' })));
      expect(err.errors).toContainEqual({ path: 'relation', message: '该户已有户主' });
      const edited = await updateMember(db, users.village, h.id, child.id, { health: 'disabled', disabilityGrade: 2, version: 1 });
      expect(edited.version).toBe(2);
      const stale = await appError(() => updateMember(db, users.village, h.id, child.id, { employment: '务工', version: 1 }));
      expect(stale.status).toBe(409);
      const detail = await getHousehold(db, users.village, h.id, { reveal: true });
      expect(detail.members.find((m) => m.id === child.id)).toMatchObject({ health: 'disabled', disabilityGrade: 2, version: 2 });
      const audit = await db.selectFrom('audit_log').select(['action', 'before', 'after']).where('object_type', '=', 'member').where('object_id', '=', String(child.id)).orderBy('seq').execute();
      expect(audit.map((a) => a.action)).toEqual(['member.create', 'member.update']);
      expect((audit[1]!.after as any).health).toBe('***'); // the audit log is no copy of sensitive data
    });
  });
});
