import { sql, type Selectable } from 'kysely';
import type { MemberChangeTable } from './schema.ts';
import type { Db } from './transaction.ts';

export type MemberChangeRow = Selectable<MemberChangeTable>;

export async function householdMemberChanges(db: Db, householdId: number): Promise<MemberChangeRow[]> {
  return db.selectFrom('member_change').selectAll().where('household_id', '=', householdId).orderBy('event_on', 'desc').orderBy('id', 'desc').execute();
}

export interface MemberChangeFilter {
  /** LIKE pattern of the region subtree (the actor's scope or narrower). */
  regionPattern: string;
  overdue?: boolean;
  direction?: string;
  limit: number;
  offset: number;
}

/** Changes in a region subtree, latest event first, with the village name. */
export async function listMemberChanges(db: Db, f: MemberChangeFilter) {
  let chosen = db.selectFrom('member_change as c').where('c.region_code', 'like', f.regionPattern);
  if (f.overdue !== undefined) chosen = chosen.where('c.overdue', '=', f.overdue);
  if (f.direction) chosen = chosen.where('c.direction', '=', f.direction);
  const [items, total] = await Promise.all([
    chosen
      .leftJoin('region as r', 'r.code', 'c.region_code')
      .selectAll('c')
      .select('r.name as region_name')
      .orderBy('c.event_on', 'desc')
      .orderBy('c.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    chosen.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}
