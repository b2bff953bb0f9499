import { sql } from 'kysely';
import type { Db, Tx } from './transaction.ts';

export async function insertApiToken(trx: Tx, t: { userId: number; name: string; tokenHash: string; prefix: string; departmentKind: string; regionCode: string; expiresOn: string | null; createdBy: number }) {
  return trx
    .insertInto('api_token')
    .values({
      user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix, department_kind: t.departmentKind,
      region_code: t.regionCode, expires_on: t.expiresOn, created_by: t.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiTokens(db: Db) {
  return db
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .leftJoin('region as r', 'r.code', 't.region_code')
    .select(['t.id', 't.user_id', 'u.username', 'u.display_name', 't.name', 't.prefix', 't.department_kind', 't.region_code', 'r.name as region_name',
      't.expires_on', 't.created_at', 't.revoked_at', 't.revoke_reason', 't.last_used_at', 't.use_count'])
    .orderBy('t.id', 'desc')
    .execute();
}

/** Revokes a live token; false when it does not exist or was revoked already. */
export async function revokeApiToken(trx: Tx, id: number, by: number, reason: string) {
  const r = await trx
    .updateTable('api_token')
    .set({ revoked_at: sql`now()`, revoked_by: by, revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'user_id', 'name', 'department_kind', 'region_code'])
    .executeTakeFirst();
  return r;
}

/**
 * The live token with this hash, counted as used in the same statement (no read-then-write: a
 * revoked or expired token, or a disabled account, never matches).
 */
export async function useApiToken(db: Db, tokenHash: string, today: string) {
  const r = await sql<{ id: string; user_id: string; department_kind: string; region_code: string }>`
    update api_token t set last_used_at = now(), use_count = t.use_count + 1
    from app_user u
    where t.token_hash = ${tokenHash} and t.revoked_at is null and (t.expires_on is null or t.expires_on >= ${today}::date)
      and u.id = t.user_id and not u.disabled and u.role = 'department'
    returning t.id, t.user_id, t.department_kind, t.region_code`.execute(db);
  return r.rows[0];
}
