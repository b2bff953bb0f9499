/**
 * Queries of the list exports (DAT-2): pages by a descending key, so an export of a province's
 * list reads each row once (an offset would rescan every skipped row on each page) and is not
 * shifted by rows added while it runs.
 */
import type { HouseholdFilter } from './households.ts';
import { householdListRows } from './households.ts';
import type { Db } from './transaction.ts';

/** A page of the household list (same filter, same rows, same order: newest first) below `beforeId`. */
export function householdExportPage(db: Db, f: Omit<HouseholdFilter, 'limit' | 'offset'>, beforeId: number | null, limit: number) {
  let q = householdListRows(db, f);
  if (beforeId !== null) q = q.where('h.id', '<', beforeId);
  return q.orderBy('h.id', 'desc').limit(limit).execute();
}

/** Names of regions by code, for the codes given (one query). */
export async function regionNamesOf(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await db.selectFrom('region').select(['code', 'name']).where('code', 'in', [...codes]).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

export function loginLogPage(db: Db, beforeId: number | null, limit: number) {
  let q = db.selectFrom('login_log').selectAll();
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
