/**
 * Natural member increase and decrease (REG-5, Q20) and the yearly basic-information update
 * (REG-6, Q48) through the HTTP API. The clock is fixed at 2024-06-15 (China time), so an
 * event on 2024-03-15 is recorded exactly on its due date and one on 2024-03-14 is late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { EVIDENCE_BY_REASON, DECREASE_REASONS, INCREASE_REASONS } from '../../src/domain/member-change.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';

const TODAY = '2024-06-15';
let t: TestApp;
let seq = 100;

/** A valid ID number of someone born on `birth` (unique within this file). */
const idBornOn = (birth: string, sex: 'male' | 'female' = 'male') => makeIdNumber('360731', birth, seq++, sex);

async function register(regionCode: string, user = 'village', members?: ReturnType<typeof memberBody>[]) {
  const res = await t.as(user).post(`${API}/households`, householdBody(regionCode, members ? { members } : {}));
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as number, members: res.json().members as { id: number; name: string; relation: string }[] };
}

async function addMember(householdId: number, name: string) {
  const res = await t.as('village').post(`${API}/households/${householdId}/members`, memberBody({ name, relation: 'child', laborAbility: 'full' }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as number;
}

const increase = (reason: string, evidenceType: string, eventDate: string, member: object, extra: object = {}) => ({
  direction: 'increase', reason, evidenceType, evidenceRef: `ZM-${seq++}`, eventDate, member, ...extra,
});
const decrease = (memberId: number, reason: string, evidenceType: string, eventDate: string) => ({
  direction: 'decrease', reason, evidenceType, evidenceRef: `ZM-${seq++}`, eventDate, memberId,
});
const newcomer = (birth: string, overrides: object = {}) => ({
  name: '新成员', idNumber: idBornOn(birth, 'female'), relation: 'child', laborAbility: 'none', ...overrides,
});
const post = (householdId: number, body: object, user = 'village') => t.as(user).post(`${API}/households/${householdId}/member-changes`, body);

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date('2024-06-15T04:00:00Z') });
});
afterAll(async () => {
  await t?.close();
});

describe(`member changes API [${TEST_DB_KIND}]`, () => {
  describe('natural increase', () => {
    it('records each increase reason with each evidence it accepts; the new member joins the household', async () => {
      const h = await register(t.regions.villageA);
      for (const reason of INCREASE_REASONS)
        for (const evidence of EVIDENCE_BY_REASON[reason]) {
          const eventDate = reason === 'birth' ? '2024-04-01' : '2024-04-20';
          const born = reason === 'birth' ? eventDate : '1998-07-07';
          const res = await post(h.id, increase(reason, evidence, eventDate, newcomer(born, { name: `${reason}-${evidence}` })));
          expect(res.statusCode, res.body).toBe(201);
          // The ID number is masked, so the birth date is too, and a birth's own dates are the birth date (SEC-3).
          expect(res.json()).toMatchObject({
            householdId: h.id, direction: 'increase', reason, evidenceType: evidence, eventDate: reason === 'birth' ? null : eventDate,
            eventYear: 2024, recordedOn: TODAY, overdue: false, name: `${reason}-${evidence}`, relation: 'child', sex: 'female',
            birthDate: null, birthYear: Number(born.slice(0, 4)),
          });
          expect(res.json().idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        }
      const detail = (await t.as('village').get(`${API}/households/${h.id}`)).json();
      expect(detail.members).toHaveLength(2 + 6);
      const list = (await t.as('village').get(`${API}/households/${h.id}/member-changes`)).json();
      expect(list.items).toHaveLength(6);
      expect(list.canRecord).toBe(true);
      expect((await t.as('city').get(`${API}/households/${h.id}/member-changes`)).json().canRecord).toBe(false);
    });

    it('validates the new member exactly like a registered member (REG-2)', async () => {
      const h = await register(t.regions.villageA);
      const taken = h.members[0]!;
      const headId = (await t.db.selectFrom('member').select('id_number').where('id', '=', taken.id).executeTakeFirstOrThrow()).id_number;
      const res = await post(h.id, increase('move_in', 'migration_certificate', '2024-05-01', newcomer('1990-01-01', { idNumber: headId, relation: 'head', phone: '123' })));
      expect(res.statusCode).toBe(400);
      const paths = res.json().errors.map((e: any) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['member.idNumber', 'member.relation', 'member.phone']));
    });
  });

  describe('natural decrease', () => {
    it('records each decrease reason with each evidence it accepts; the member leaves the household, kept inactive', async () => {
      const h = await register(t.regions.villageA);
      for (const reason of DECREASE_REASONS)
        for (const evidence of EVIDENCE_BY_REASON[reason]) {
          const memberId = await addMember(h.id, `${reason}-${evidence}`);
          const res = await post(h.id, decrease(memberId, reason, evidence, '2024-05-10'));
          expect(res.statusCode, res.body).toBe(201);
          expect(res.json()).toMatchObject({ direction: 'decrease', reason, evidenceType: evidence, memberId, name: `${reason}-${evidence}`, overdue: false });
          const row = await t.db.selectFrom('member').select(['active', 'left_on']).where('id', '=', memberId).executeTakeFirstOrThrow();
          expect(row).toEqual({ active: false, left_on: '2024-05-10' });
        }
      const detail = (await t.as('village').get(`${API}/households/${h.id}`)).json();
      expect(detail.members).toHaveLength(2);
    });

    it('a person who married out can marry into another household (the ID number is free again)', async () => {
      const from = await register(t.regions.villageA);
      const to = await register(t.regions.villageA);
      const spouse = from.members.find((m) => m.relation === 'spouse')!;
      const idNumber = (await t.db.selectFrom('member').select('id_number').where('id', '=', spouse.id).executeTakeFirstOrThrow()).id_number;
      const before = await post(to.id, increase('marriage', 'marriage_certificate', '2024-05-20', newcomer('1990-01-01', { idNumber, relation: 'child_in_law' })));
      expect(before.statusCode).toBe(400);
      expect(before.json().errors[0].path).toBe('member.idNumber');
      expect((await post(from.id, decrease(spouse.id, 'marriage_out', 'marriage_certificate', '2024-05-20'))).statusCode).toBe(201);
      const after = await post(to.id, increase('marriage', 'marriage_certificate', '2024-05-20', newcomer('1990-01-01', { idNumber, relation: 'child_in_law' })));
      expect(after.statusCode, after.body).toBe(201);
    });

    it('writes one audit entry per change, without the raw ID number', async () => {
      const h = await register(t.regions.villageA);
      const child = await addMember(h.id, '审计测试');
      const raw = (await t.db.selectFrom('member').select('id_number').where('id', '=', child).executeTakeFirstOrThrow()).id_number;
      expect((await post(h.id, decrease(child, 'death', 'death_certificate', '2024-06-01'))).statusCode).toBe(201);
      const entries = await t.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('object_type', '=', 'household')
        .where('object_id', '=', String(h.id)).where('action', 'like', 'member_change.%').execute();
      expect(entries.map((e) => e.action)).toEqual(['member_change.decrease']);
      expect(JSON.stringify(entries)).not.toContain(raw);
    });
  });

  describe('refusals (Q20)', () => {
    let h: Awaited<ReturnType<typeof register>>;
    let other: Awaited<ReturnType<typeof register>>;
    beforeAll(async () => {
      h = await register(t.regions.villageA);
      other = await register(t.regions.villageA);
    });

    it('an event in the future', async () => {
      const res = await post(h.id, decrease(h.members[1]!.id, 'death', 'death_certificate', '2024-06-16'));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'eventDate', message: '变更日期 2024-06-16 晚于今天，不能登记尚未发生的变更（Q20）' }]);
    });

    it('evidence that does not prove the reason', async () => {
      const res = await post(h.id, decrease(h.members[1]!.id, 'funeral', 'death_certificate', '2024-06-01'));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'evidenceType', message: '佐证材料与变更原因不符：“火化/殡葬”应提供 火化证明/殡葬证明（Q20）' }]);
      const birth = await post(h.id, increase('birth', 'marriage_certificate', '2024-04-01', newcomer('2024-04-01')));
      expect(birth.json().errors[0]).toMatchObject({ path: 'evidenceType', message: expect.stringContaining('出生医学证明') });
    });

    it('a decrease of a member already decreased (422), of another household’s member (400)', async () => {
      const child = await addMember(h.id, '重复减少');
      expect((await post(h.id, decrease(child, 'missing', 'missing_certificate', '2024-06-01'))).statusCode).toBe(201);
      const again = await post(h.id, decrease(child, 'death', 'death_certificate', '2024-06-02'));
      expect(again.statusCode).toBe(422);
      expect(again.json().errors).toEqual([{ path: 'memberId', message: '该成员已不是本户现有成员（已作自然减少），不能再次减少（Q20）' }]);
      const foreign = await post(h.id, decrease(other.members[0]!.id, 'death', 'death_certificate', '2024-06-01'));
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().errors).toEqual([{ path: 'memberId', message: '该成员不属于本户' }]);
    });

    it('a reason of the other direction, missing fields, unknown fields', async () => {
      const res = await post(h.id, { direction: 'decrease', reason: 'birth', evidenceType: 'birth_certificate', eventDate: '2024-01-01', memberId: h.members[1]!.id, extra: 1 });
      expect(res.statusCode).toBe(400);
      const byPath = Object.fromEntries(res.json().errors.map((e: any) => [e.path, e.message]));
      expect(byPath.reason).toContain('Q20');
      expect(byPath.evidenceRef).toBe('必填');
      expect(byPath.extra).toContain('未知字段');
    });

    it('a birth on another day than the ID number says', async () => {
      const res = await post(h.id, increase('birth', 'birth_certificate', '2024-04-02', newcomer('2024-04-01')));
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ path: 'eventDate', message: expect.stringContaining('Q20') });
    });

    it('nobody deletes a household or a member, even in SQL (Q48)', async () => {
      await expect(t.db.deleteFrom('member').where('id', '=', h.members[1]!.id).execute()).rejects.toThrow(/不能删除/);
      await expect(t.db.deleteFrom('household').where('id', '=', h.id).execute()).rejects.toThrow(/不能删除/);
      await expect(t.db.deleteFrom('member_change').execute()).rejects.toThrow(/不能删除/);
      expect((await t.as('village').get(`${API}/households/${h.id}`)).statusCode).toBe(200);
    });
  });

  describe('overdue recordings (later than 3 months after the event)', () => {
    let a: Awaited<ReturnType<typeof register>>;
    let b: Awaited<ReturnType<typeof register>>;
    let lateA: number;
    beforeAll(async () => {
      a = await register(t.regions.villageA);
      b = await register(t.regions.villageB, 'village2');
    });

    it('an event recorded on its due date is on time, one day later is overdue', async () => {
      const onTime = await post(a.id, decrease(await addMember(a.id, '按时'), 'death', 'death_certificate', '2024-03-15'));
      expect(onTime.json()).toMatchObject({ dueOn: '2024-06-15', overdue: false });
      const late = await post(a.id, decrease(await addMember(a.id, '逾期'), 'death', 'death_certificate', '2024-03-14'));
      expect(late.statusCode).toBe(201);
      expect(late.json()).toMatchObject({ eventDate: '2024-03-14', dueOn: '2024-06-14', overdue: true });
      lateA = late.json().id;
      const lateBirth = await post(b.id, increase('birth', 'birth_certificate', '2023-12-01', newcomer('2023-12-01')), 'village2');
      expect(lateBirth.json()).toMatchObject({ eventDate: null, dueOn: null, eventYear: 2023, overdue: true });
    });

    it('GET /member-changes?overdue=true lists late recordings in the actor’s region only', async () => {
      const mine = (await t.as('village').get(`${API}/member-changes?overdue=true`)).json();
      expect(mine.items.map((i: any) => i.id)).toEqual([lateA]);
      expect(mine.items[0]).toMatchObject({ overdue: true, regionCode: t.regions.villageA, regionName: expect.any(String) });
      expect(mine.items[0].idNumber).not.toMatch(/^\d{18}$/);
      const township = (await t.as('township').get(`${API}/member-changes?overdue=true`)).json();
      expect(township.total).toBe(2);
      const narrowed = (await t.as('township').get(`${API}/member-changes?overdue=true&regionCode=${t.regions.villageB}`)).json();
      expect(narrowed.items.every((i: any) => i.regionCode === t.regions.villageB)).toBe(true);
      expect((await t.as('othercounty').get(`${API}/member-changes?overdue=true`)).json().total).toBe(0);
      expect((await t.as('village').get(`${API}/member-changes?overdue=true&regionCode=${t.regions.villageB}`)).statusCode).toBe(403);
      expect((await t.as('village').get(`${API}/member-changes?overdue=maybe`)).statusCode).toBe(400);
      const all = (await t.as('village').get(`${API}/member-changes?pageSize=100`)).json();
      expect(all.items.some((i: any) => !i.overdue)).toBe(true);
    });
  });

  describe('assessments count members as of the date (REG-5)', () => {
    it('a member decreased on a day counts before it, not from it; a member born counts from the birth date', async () => {
      const h = await register(t.regions.villageA);
      const spouse = h.members.find((m) => m.relation === 'spouse')!;
      await t.as('village').post(`${API}/households/${h.id}/incomes`, { type: 'wage', amount: 24000, from: '2023-05', to: '2024-04' });
      await t.as('village').post(`${API}/households/${h.id}/incomes`, { type: 'wage', amount: 6000, from: '2023-05', to: '2024-04', memberId: spouse.id });
      expect((await post(h.id, decrease(spouse.id, 'death', 'death_certificate', '2024-04-10'))).statusCode).toBe(201);
      expect((await post(h.id, increase('birth', 'birth_certificate', '2024-05-02', newcomer('2024-05-02', { relation: 'grandchild' })))).statusCode).toBe(201);
      const assess = async (asOf: string) => {
        const res = await t.as('county').get(`${API}/households/${h.id}/assessment?asOf=${asOf}&explain=true`);
        expect(res.statusCode, res.body).toBe(200);
        return res.json() as { input: { household: { members: { id: string }[]; incomes: { memberId?: string }[] } }; result: { countedMembers: number } };
      };
      const beforeDeath = await assess('2024-04-09');
      expect(beforeDeath.result.countedMembers).toBe(2);
      expect(beforeDeath.input.household.members.map((m) => m.id)).toContain(`m${spouse.id}`);
      expect(beforeDeath.input.household.incomes.some((i) => i.memberId === `m${spouse.id}`)).toBe(true);
      const onDeath = await assess('2024-04-10');
      expect(onDeath.result.countedMembers).toBe(1);
      expect(onDeath.input.household.incomes.some((i) => i.memberId === `m${spouse.id}`)).toBe(false);
      expect((await assess('2024-05-01')).result.countedMembers).toBe(1);
      expect((await assess('2024-05-02')).result.countedMembers).toBe(2);
    });
  });
});

describe(`yearly basic-information update API [${TEST_DB_KIND}]`, () => {
  const h = {} as Record<'monitored' | 'eliminated' | 'none' | 'siblingMonitored' | 'otherTownship' | 'otherCounty', number>;
  const setStatus = (id: number, status: string) => t.db.updateTable('household').set({ monitoring_status: status }).where('id', '=', id).execute();
  const open = (body: object, user = 'county') => t.as(user).post(`${API}/yearly-updates`, body);

  beforeAll(async () => {
    // Households of the member-change tests above stay at 'none'; only these are monitoring objects.
    h.monitored = (await register(t.regions.villageA)).id;
    h.eliminated = (await register(t.regions.villageA)).id;
    h.none = (await register(t.regions.villageA)).id;
    h.siblingMonitored = (await register(t.regions.villageB, 'village2')).id;
    h.otherTownship = (await register(t.regions.villageC, 'county')).id;
    h.otherCounty = (await register(t.regions.villageD, 'othercounty')).id;
    for (const k of ['monitored', 'siblingMonitored', 'otherTownship', 'otherCounty'] as const) await setStatus(h[k], 'monitored');
    await setStatus(h.eliminated, 'eliminated');
  });

  it('the county opens the year’s tasks for monitored and eliminated households of its county (Q48)', async () => {
    const res = await open({ year: 2024 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ year: 2024, regionCode: t.regions.county, opened: 4, total: 4, pending: 4, done: 0 });
    const tasks = await t.db.selectFrom('household_yearly_update').select('household_id').where('year', '=', 2024).execute();
    expect(tasks.map((x) => x.household_id).sort()).toEqual([h.monitored, h.eliminated, h.siblingMonitored, h.otherTownship].sort());
  });

  it('is idempotent per household and year, and picks up new monitoring objects', async () => {
    expect((await open({ year: 2024 })).json()).toMatchObject({ opened: 0, total: 4 });
    await setStatus(h.none, 'monitored');
    expect((await open({ year: 2024 })).json()).toMatchObject({ opened: 1, total: 5 });
    await setStatus(h.none, 'none');
  });

  it('can be narrowed to a village; other counties are refused; only the county role opens', async () => {
    expect((await open({ year: 2023, regionCode: t.regions.villageA })).json()).toMatchObject({ opened: 2, total: 2 });
    expect((await open({ year: 2023, regionCode: t.regions.villageD })).statusCode).toBe(403);
    expect((await open({ year: 2024 }, 'othercounty')).json()).toMatchObject({ opened: 1, total: 1 });
    for (const user of ['village', 'township', 'city', 'auditadmin']) expect((await open({ year: 2024 }, user)).statusCode, user).toBe(403);
  });

  it('refuses a future year or one before 2021', async () => {
    for (const year of [2025, 2020, '2024x']) {
      const res = await open({ year });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('year');
    }
  });

  it('lists a year’s tasks by region and status, with counts', async () => {
    const village = (await t.as('village').get(`${API}/yearly-updates?year=2024&status=pending`)).json();
    expect(village.items.map((i: any) => i.householdId).sort()).toEqual([h.monitored, h.eliminated, h.none].sort());
    expect(village.counts).toEqual({ pending: 3, done: 0 });
    expect(village.items.find((i: any) => i.householdId === h.eliminated)).toMatchObject({ monitoringStatus: 'eliminated', status: 'pending', headName: '李大山' });
    expect(village).toMatchObject({ canOpen: false, canComplete: true });
    const county = (await t.as('county').get(`${API}/yearly-updates?year=2024`)).json();
    expect(county.total).toBe(5);
    expect(county.canOpen).toBe(true);
    expect((await t.as('village').get(`${API}/yearly-updates?year=2024&regionCode=${t.regions.villageB}`)).statusCode).toBe(403);
    expect((await t.as('village').get(`${API}/yearly-updates?status=later`)).statusCode).toBe(400);
  });

  it('marks a household’s update done once, with its version', async () => {
    const url = `${API}/households/${h.eliminated}/yearly-updates/2024/done`;
    expect((await t.as('village').post(url, { version: 7 })).statusCode).toBe(409);
    const res = await t.as('village').post(url, { version: 1, note: '已核实家庭成员与收入' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ householdId: h.eliminated, year: 2024, status: 'done', doneOn: TODAY, doneBy: 'A村村干部', version: 2 });
    const again = await t.as('village').post(url, { version: 2 });
    expect(again.statusCode).toBe(422);
    expect((await t.as('village').post(`${API}/households/${h.eliminated}/yearly-updates/2022/done`, { version: 1 })).statusCode).toBe(404);
    expect((await t.as('village2').post(`${API}/households/${h.monitored}/yearly-updates/2024/done`, { version: 1 })).statusCode).toBe(403);
    expect((await t.as('city').post(`${API}/households/${h.monitored}/yearly-updates/2024/done`, { version: 1 })).statusCode).toBe(403);
    const counts = (await t.as('village').get(`${API}/yearly-updates?year=2024`)).json().counts;
    expect(counts).toEqual({ pending: 2, done: 1 });
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'yearly_update.%').execute();
    expect(audit.map((a) => a.action)).toContain('yearly_update.done');
  });

  it('keeps the tasks: no delete, even in SQL', async () => {
    await expect(sql`delete from household_yearly_update`.execute(t.db)).rejects.toThrow(/不能删除/);
  });
});
