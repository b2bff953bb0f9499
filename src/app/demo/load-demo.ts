import { sql } from 'kysely';
import { padRegionCode } from '../../domain/region-code.ts';
import { seededRandom } from '../../domain/random.ts';
import { loadDemoCases } from './demo-cases.ts';
import { chinaDate } from '../../domain/clock.ts';
import { DEPARTMENT_KIND_NAMES, DEPARTMENT_KINDS, type Role } from '../../domain/roles.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { sealMemberColumns } from '../../store/members.ts';
import { findUserByUsername } from '../../store/users.ts';
import { SYSTEM_ACTOR } from '../actor.ts';
import { createUser } from '../users/create-user.ts';
import { generateHouseholds, type SyntheticHousehold } from './generate-households.ts';

export const DEMO_PASSWORD = 'Jianbang@2023';

export interface DemoOptions {
  seed: number;
  households: number;
  /** 6-digit county code of a real Jiangxi county. */
  county: string;
  /** Income records end with this month (default: last month). */
  lastMonth?: string;
}

function previousMonth(d: Date): string {
  const c = chinaDate(d);
  const y = Number(c.slice(0, 4));
  const m = Number(c.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export interface DemoLogin {
  username: string;
  role: Role;
  regionCode: string;
  regionName: string;
  note?: string;
}

/** Rural villages (村委会, not urban 居委会) of the county, ordered by code, for deterministic choices. */
async function countyVillages(db: Db, county: string) {
  return db
    .selectFrom('region')
    .select(['code', 'name', 'parent_code'])
    .where('level', '=', 5)
    .where('county_code', '=', county)
    .where('name', 'like', '%村%')
    .orderBy('code')
    .execute();
}

/** Serialises demo loads of one database (two `demo` runs against one server), apart from the audit chain's lock. */
const DEMO_LOAD_LOCK = 7340002;

export interface DemoResult {
  logins: DemoLogin[];
  password: string;
  /** Households generated now (0 when the county's demo data was already there). */
  households: number;
  /** When the county's demo data was loaded before (then nothing was written now). */
  alreadyLoadedAt: string | null;
}

/**
 * Demo data (DAT-3): users for every level in one real county and its city and province, and
 * synthetic households on the county's real villages. Deterministic for a given seed.
 *
 * One transaction, all or nothing: a failure or a killed process leaves no demo user, household,
 * case or audit entry behind, so the next run starts clean. Use cases called inside join it.
 * Households go first and the audited steps (users, cases) last, so the audit chain's lock is held
 * only for the end of the load.
 */
export { insertBatch as insertSyntheticHouseholds };

export async function loadDemo(db: Db, o: DemoOptions, onProgress?: (done: number, total: number) => void): Promise<DemoResult> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(DEMO_LOAD_LOCK)})`.execute(trx);
    return loadDemoIn(trx, o, onProgress);
  });
}

async function loadDemoIn(db: Db, o: DemoOptions, onProgress?: (done: number, total: number) => void): Promise<DemoResult> {
  const villages = await countyVillages(db, o.county);
  if (villages.length === 0) throw new Error(`县级代码 ${o.county} 下没有村级区划（请确认是江西省的县）`);
  const county = padRegionCode(o.county);
  const city = padRegionCode(o.county.slice(0, 4));
  const province = padRegionCode(o.county.slice(0, 2));
  const township = villages[0]!.parent_code!;
  const [village, sibling] = villages.filter((v) => v.parent_code === township);
  const names = new Map(
    (await db.selectFrom('region').select(['code', 'name']).where('code', 'in', [county, city, province, township, village!.code, sibling!.code]).execute()).map((r) => [r.code, r.name]),
  );

  const users: (Omit<DemoLogin, 'regionName'> & { displayName: string; departmentKind?: string })[] = [
    { username: 'village', role: 'village', regionCode: village!.code, displayName: `${names.get(village!.code)}村干部` },
    { username: 'village2', role: 'village', regionCode: sibling!.code, displayName: `${names.get(sibling!.code)}村干部`, note: '同一乡镇的另一个村' },
    { username: 'township', role: 'township', regionCode: township, displayName: `${names.get(township)}工作人员` },
    { username: 'county', role: 'county', regionCode: county, displayName: `${names.get(county)}乡村振兴局` },
    { username: 'county2', role: 'county', regionCode: county, displayName: `${names.get(county)}乡村振兴局（复核）`, note: '第二个县级账号' },
    { username: 'city', role: 'city', regionCode: city, displayName: `${names.get(city)}乡村振兴局` },
    { username: 'province', role: 'province', regionCode: province, displayName: '江西省乡村振兴局' },
    { username: 'national', role: 'national', regionCode: province, displayName: '国家级（演示，挂在本省）' },
    { username: 'hotline', role: 'hotline', regionCode: county, displayName: '12317坐席' },
    { username: 'secadmin', role: 'security_admin', regionCode: province, displayName: '安全管理员' },
    { username: 'auditor', role: 'audit_admin', regionCode: province, displayName: '审计管理员' },
    ...DEPARTMENT_KINDS.map((k) => ({ username: `dept_${k}`, role: 'department' as Role, regionCode: county, displayName: `${names.get(county)}${DEPARTMENT_KIND_NAMES[k]}部门`, departmentKind: k })),
  ];
  const logins: DemoLogin[] = users.map((u) => ({ username: u.username, role: u.role, regionCode: u.regionCode, regionName: names.get(u.regionCode) ?? '', note: u.note }));
  const loadedAt = await demoLoadedAt(db, o.county);
  if (loadedAt) return { logins, password: DEMO_PASSWORD, households: 0, alreadyLoadedAt: loadedAt };

  const rnd = seededRandom(o.seed);
  // The demo accounts' township gets a larger share so its villages have lists worth browsing.
  const pool = villages.map((v) => v.code);
  for (let k = 0; k < 10; k++) pool.push(...villages.filter((v) => v.parent_code === township).map((v) => v.code));
  const households = generateHouseholds(rnd, pool, o.households, o.county, { lastMonth: o.lastMonth ?? previousMonth(new Date()) });
  const BATCH = 250;
  for (let i = 0; i < households.length; i += BATCH) {
    await insertBatch(db, o.county, households.slice(i, i + BATCH));
    onProgress?.(Math.min(i + BATCH, households.length), households.length);
  }
  // Rural registered population per village (configurable data; the Q36/Q40 ratio divides by it).
  const year = new Date().getFullYear();
  await db
    .insertInto('region_population')
    .values(villages.map((v) => ({ region_code: v.code, year, rural_registered_population: rnd.int(800, 3200) })))
    .onConflict((oc) => oc.columns(['region_code', 'year']).doNothing())
    .execute();
  for (const u of users)
    if (!(await findUserByUsername(db, u.username)))
      await createUser(
        db, SYSTEM_ACTOR,
        { username: u.username, displayName: u.displayName, role: u.role, regionCode: u.regionCode, departmentKind: u.departmentKind, password: DEMO_PASSWORD, mustChangePassword: false },
        { skipAuthz: true },
      );
  const cases = await loadDemoCases(db, sibling!.code, chinaDate(new Date()));
  await inTransaction(db, (trx) =>
    appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'demo.load', objectType: 'demo', objectId: o.county, countyCode: o.county, after: { seed: o.seed, households: o.households, cases } }),
  );
  return { logins, password: DEMO_PASSWORD, households: households.length, alreadyLoadedAt: null };
}

async function insertBatch(db: Db, county: string, batch: SyntheticHousehold[]) {
  await inTransaction(db, async (trx) => {
    const hhIds = await trx
      .insertInto('household')
      .values(
        batch.map((h) => ({
          county_code: county, region_code: h.regionCode, registration_region_code: h.regionCode, village_group: h.villageGroup,
          formerly_poor: h.formerlyPoor, poverty_exit_year: h.povertyExitYear, dibao_since: h.dibaoSince, tekun_since: h.tekunSince,
          relocated_since: h.relocatedSince, disabled_household_since: h.disabledHouseholdSince, monitoring_status: h.monitoringStatus,
          monitoring_category: h.monitoringCategory, identified_on: h.identifiedOn, eliminated_on: h.eliminatedOn,
        })),
      )
      .returning('id')
      .execute();
    const members = batch.flatMap((h, i) =>
      h.members.map((m) => sealMemberColumns(trx, {
        household_id: hhIds[i]!.id, county_code: county, name: m.name, id_number: m.idNumber, relation: m.relation, sex: m.sex,
        birth_date: m.birthDate, registration: m.registration, labor_ability: m.laborAbility, health: m.health,
        disability_grade: m.disabilityGrade, schooling: m.schooling, phone: m.phone, bank_account: m.bankAccount,
      })),
    );
    const memberIds = await trx.insertInto('member').values(members).returning('id').execute();
    let k = 0;
    const incomes = [];
    const risks = [];
    for (let i = 0; i < batch.length; i++) {
      const h = batch[i]!;
      const ids = memberIds.slice(k, k + h.members.length).map((r) => r.id);
      k += h.members.length;
      for (const inc of h.incomes)
        incomes.push({
          household_id: hhIds[i]!.id, county_code: county, member_id: inc.memberIndex === null ? null : ids[inc.memberIndex]!,
          type: inc.type, amount_fen: inc.amountFen, from_month: inc.from, to_month: inc.to,
        });
      for (const r of h.risks)
        risks.push({ household_id: hhIds[i]!.id, county_code: county, type: r.type, self_resolvable: r.selfResolvable, income_drop: r.incomeDrop });
    }
    if (incomes.length) await trx.insertInto('income_record').values(incomes).execute();
    if (risks.length) await trx.insertInto('risk_record').values(risks).execute();
  });
}

/** When the county's demo data was loaded (its `demo.load` audit entry, written in the same transaction), or null. */
export async function demoLoadedAt(db: Db, county: string): Promise<string | null> {
  const r = await db.selectFrom('audit_log').select('at').where('action', '=', 'demo.load').where('object_id', '=', county).executeTakeFirst();
  return r ? new Date(r.at).toISOString() : null;
}
