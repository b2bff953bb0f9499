import type { RecordKind } from '../domain/household-records.ts';
import { RECORD_TABLES } from '../domain/household-records.ts';
import type { Db } from './transaction.ts';

export async function recordsOf(db: Db, kind: RecordKind, householdIds: number[], includeVoided = false) {
  if (householdIds.length === 0) return [];
  let q = db.selectFrom(RECORD_TABLES[kind] as 'income_record').selectAll().where('household_id', 'in', householdIds);
  if (!includeVoided) q = q.where('voided_at', 'is', null);
  return q.orderBy('id').execute() as Promise<Record<string, any>[]>;
}

export async function findRecord(db: Db, kind: RecordKind, householdId: number, id: number) {
  return db
    .selectFrom(RECORD_TABLES[kind] as 'income_record')
    .selectAll()
    .where('id', '=', id)
    .where('household_id', '=', householdId)
    .executeTakeFirst() as Promise<Record<string, any> | undefined>;
}
