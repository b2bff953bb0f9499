import { sql } from 'kysely';
import { passwordPolicyFrom, type PasswordPolicy } from '../domain/password-policy.ts';
import type { Db } from './transaction.ts';

export async function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Db, id: number) {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function userCount(db: Db): Promise<number> {
  const r = await db.selectFrom('app_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}

export async function readPasswordPolicy(db: Db): Promise<PasswordPolicy> {
  const row = await db.selectFrom('security_setting').select('value').where('key', '=', 'password_policy').executeTakeFirst();
  return passwordPolicyFrom(row?.value);
}

export async function logLogin(
  db: Db,
  e: { username: string; userId?: number | null; ip?: string | null; outcome: string; detail?: string | null },
) {
  await db
    .insertInto('login_log')
    .values({ username: e.username, user_id: e.userId ?? null, ip: e.ip ?? null, outcome: e.outcome, detail: e.detail ?? null })
    .execute();
}
