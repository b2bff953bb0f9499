import { sql, type Selectable } from 'kysely';
import { YEARLY_UPDATE_MONITORING_STATUSES } from '../domain/yearly-update.ts';
import type { HouseholdYearlyUpdateTable } from './schema.ts';
import type { Db } from './transaction.ts';

export type YearlyUpdateRow = Selectable<HouseholdYearlyUpdateTable>;

/**
 * Opens the year's update task of every monitored or eliminated household (Q48) in a region
 * subtree, in one statement; a household that already has the year's task keeps it
 * (idempotent per household and year). Returns how many tasks were new.
 */
export async function openYearlyUpdates(
  trx: Db,
  o: { regionPattern: string; year: number; openedOn: string; openedBy: number },
): Promise<number> {
  const res = await trx
    .insertInto('household_yearly_update')
    .columns(['household_id', 'year', 'county_code', 'region_code', 'opened_on', 'opened_by'])
    .expression((eb) =>
      eb
        .selectFrom('household')
        .select([
          'id', sql.lit(o.year).as('year'), 'county_code', 'region_code',
          sql`${o.openedOn}::date`.as('opened_on'), sql`${o.openedBy}::bigint`.as('opened_by'),
        ])
        .where('region_code', 'like', o.regionPattern)
        .where('monitoring_status', 'in', YEARLY_UPDATE_MONITORING_STATUSES),
    )
    .onConflict((oc) => oc.columns(['household_id', 'year']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

export async function countYearlyUpdates(db: Db, regionPattern: string, year: number) {
  const rows = await db
    .selectFrom('household_yearly_update')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('region_code', 'like', regionPattern)
    .where('year', '=', year)
    .groupBy('status')
    .execute();
  const counts = { pending: 0, done: 0 };
  for (const r of rows) counts[r.status as keyof typeof counts] = r.n;
  return counts;
}

export interface YearlyUpdateFilter {
  regionPattern: string;
  year: number;
  status?: string;
  limit: number;
  offset: number;
}

/** Tasks of a year in a subtree with the household's head, village and monitoring status. */
export async function listYearlyUpdates(db: Db, f: YearlyUpdateFilter) {
  const tasks = db.selectFrom('household_yearly_update as u').where('u.region_code', 'like', f.regionPattern).where('u.year', '=', f.year);
  const chosen = f.status ? tasks.where('u.status', '=', f.status) : tasks;
  const [items, total] = await Promise.all([
    chosen
      .innerJoin('household as h', 'h.id', 'u.household_id')
      .leftJoin('region as r', 'r.code', 'u.region_code')
      .selectAll('u')
      .select(['r.name as region_name', 'h.monitoring_status', 'h.monitoring_category', 'h.eliminated_on'])
      .select((eb) =>
        eb.selectFrom('member as m').select('m.name').whereRef('m.household_id', '=', 'u.household_id')
          .where('m.relation', '=', 'head').where('m.active', '=', true).limit(1).as('head_name'),
      )
      .orderBy('u.region_code')
      .orderBy('u.household_id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    chosen.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}

export async function findYearlyUpdate(db: Db, householdId: number, year: number) {
  return db.selectFrom('household_yearly_update').selectAll().where('household_id', '=', householdId).where('year', '=', year).executeTakeFirst();
}
