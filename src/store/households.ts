import { sql, type Selectable } from 'kysely';
import type { HouseholdTable, MemberTable } from './schema.ts';
import type { Db } from './transaction.ts';
import { idNumberIndex } from './members.ts';

export type HouseholdRow = Selectable<HouseholdTable>;
export type MemberRow = Selectable<MemberTable>;

export interface HouseholdFilter {
  /** LIKE pattern of the region subtree (always the actor's scope or narrower). */
  regionPattern: string;
  q?: string;
  monitoringStatus?: string;
  formerlyPoor?: boolean;
  limit: number;
  offset: number;
}

export async function findHousehold(db: Db, id: number, regionPattern?: string) {
  let q = db.selectFrom('household').selectAll().where('id', '=', id);
  if (regionPattern) q = q.where('region_code', 'like', regionPattern);
  return q.executeTakeFirst();
}

export async function householdMembers(db: Db, householdId: number) {
  return db.selectFrom('member').selectAll().where('household_id', '=', householdId).where('active', '=', true).orderBy('id').execute();
}

function filtered(db: Db, f: Omit<HouseholdFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('household as h').where('h.region_code', 'like', f.regionPattern);
  if (f.monitoringStatus) q = q.where('h.monitoring_status', '=', f.monitoringStatus);
  if (f.formerlyPoor !== undefined) q = q.where('h.formerly_poor', '=', f.formerlyPoor);
  if (f.q) {
    const text = f.q.trim();
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member as m')
          .select('m.id')
          .whereRef('m.household_id', '=', 'h.id')
          .where('m.active', '=', true)
          // ID numbers are sealed: an exact number is found by its blind index (SEC-7).
          .where((w) => (/^\d{17}[\dXx]$/.test(text) ? w('m.id_number_bidx', '=', idNumberIndex(db, text)) : w('m.name', 'like', `%${text}%`))),
      ),
    );
  }
  return q;
}

/** The household list's rows (region name, head, member count), unordered: the list pages them, the export too (DAT-2). */
export function householdListRows(db: Db, f: Omit<HouseholdFilter, 'limit' | 'offset'>) {
  return filtered(db, f)
    .leftJoin('region as r', 'r.code', 'h.region_code')
    .select([
      'h.id', 'h.county_code', 'h.region_code', 'r.name as region_name', 'h.village_group', 'h.formerly_poor',
      'h.monitoring_status', 'h.monitoring_category', 'h.identified_on', 'h.eliminated_on', 'h.dibao_since', 'h.tekun_since', 'h.version',
    ])
    .select((eb) => [
      eb.selectFrom('member as m').select('m.name').whereRef('m.household_id', '=', 'h.id').where('m.relation', '=', 'head').where('m.active', '=', true).limit(1).as('head_name'),
      eb.selectFrom('member as m').select('m.id_number').whereRef('m.household_id', '=', 'h.id').where('m.relation', '=', 'head').where('m.active', '=', true).limit(1).as('head_id_number'),
      eb.selectFrom('member as m').select(sql<number>`count(*)::int`.as('n')).whereRef('m.household_id', '=', 'h.id').where('m.active', '=', true).as('member_count'),
    ]);
}

export type HouseholdListRow = Awaited<ReturnType<ReturnType<typeof householdListRows>['execute']>>[number];

export async function listHouseholds(db: Db, f: HouseholdFilter) {
  const [items, total] = await Promise.all([
    householdListRows(db, f).orderBy('h.id', 'desc').limit(f.limit).offset(f.offset).execute(),
    filtered(db, f).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}

export async function memberByIdNumber(db: Db, idNumber: string) {
  return db.selectFrom('member').select(['id', 'household_id']).where('id_number_bidx', '=', idNumberIndex(db, idNumber)).where('active', '=', true).executeTakeFirst();
}
