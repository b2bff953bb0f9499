import { sql } from 'kysely';
import { passwordPolicyFrom, type PasswordPolicy } from '../domain/password-policy.ts';
import type { Db } from './transaction.ts';

/** Usernames are case-insensitive (unique index on lower(username), 007_accounts.sql). */
export async function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('app_user').selectAll().where(sql<string>`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: Db, id: number) {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

export async function userCount(db: Db): Promise<number> {
  const r = await db.selectFrom('app_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}

export async function readPasswordPolicy(db: Db): Promise<PasswordPolicy> {
  return (await readPolicySetting(db)).policy;
}

/** The policy with its version (the security admin's edits are version-checked). */
export async function readPolicySetting(db: Db): Promise<{ policy: PasswordPolicy; version: number }> {
  const row = await db.selectFrom('security_setting').select(['value', 'version']).where('key', '=', 'password_policy').executeTakeFirst();
  return { policy: passwordPolicyFrom(row?.value), version: row?.version ?? 1 };
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

export type FailureCount =
  | { state: 'counted'; failures: number }
  | { state: 'locked_now'; failures: number; lockedUntil: Date }
  | { state: 'already_locked'; lockedUntil: Date };

type FailureTarget = { table: 'app_user'; id: number } | { table: 'login_throttle'; usernameKey: string };

/**
 * Counts one failed sign-in in a single statement, so parallel attempts cannot overwrite each
 * other's count (the row lock orders them and each sees the last one's result). The attempt that
 * reaches the limit locks; attempts during a lock change nothing.
 */
async function countFailure(db: Db, target: FailureTarget, policy: PasswordPolicy, now: Date): Promise<FailureCount | null> {
  const lockUntil = new Date(now.getTime() + policy.lockMinutes * 60_000);
  const where = target.table === 'app_user' ? sql`id = ${target.id}` : sql`username_key = ${target.usernameKey}`;
  const touched = target.table === 'login_throttle' ? sql`, updated_at = ${now}` : sql``;
  const r = await sql<{ failed_logins: number; locked_until: Date | null }>`
    update ${sql.table(target.table)} set
      failed_logins = case when failed_logins + 1 >= ${policy.maxFailures} then 0 else failed_logins + 1 end,
      locked_until = case when failed_logins + 1 >= ${policy.maxFailures} then ${lockUntil}::timestamptz else null end
      ${touched}
    where ${where} and (locked_until is null or locked_until <= ${now}::timestamptz)
    returning failed_logins, locked_until`.execute(db);
  const row = r.rows[0];
  if (row) return row.locked_until ? { state: 'locked_now', failures: policy.maxFailures, lockedUntil: new Date(row.locked_until) } : { state: 'counted', failures: row.failed_logins };
  const locked = (await sql<{ locked_until: Date | null }>`select locked_until from ${sql.table(target.table)} where ${where}`.execute(db)).rows[0];
  if (locked?.locked_until) return { state: 'already_locked', lockedUntil: new Date(locked.locked_until) };
  return null; // no such row (an unknown name seen for the first time)
}

export async function countAccountFailure(db: Db, userId: number, policy: PasswordPolicy, now: Date): Promise<FailureCount> {
  const r = await countFailure(db, { table: 'app_user', id: userId }, policy, now);
  if (!r) throw new Error(`用户 ${userId} 不存在`);
  return r;
}

/** The same rule for a username without an account, in `login_throttle`. */
export async function countUnknownFailure(db: Db, username: string, policy: PasswordPolicy, now: Date): Promise<FailureCount> {
  const usernameKey = username.toLowerCase();
  // Names nobody has tried for a day and that are not locked are forgotten (the table stays small).
  await sql`delete from login_throttle where updated_at < ${new Date(now.getTime() - 86_400_000)}::timestamptz
            and (locked_until is null or locked_until <= ${now}::timestamptz)`.execute(db);
  for (let attempt = 0; attempt < 3; attempt++) {
    const counted = await countFailure(db, { table: 'login_throttle', usernameKey }, policy, now);
    if (counted) return counted;
    // First failure for this name; a parallel attempt may insert it first, then count again.
    const inserted = await db
      .insertInto('login_throttle')
      .values({ username_key: usernameKey, failed_logins: 1, updated_at: now })
      .onConflict((oc) => oc.column('username_key').doNothing())
      .returning('failed_logins')
      .executeTakeFirst();
    if (inserted) return { state: 'counted', failures: 1 };
  }
  throw new Error('登录失败计数冲突，请重试');
}

/**
 * Clears the failure count after a right password, unless the account is locked: the lock check
 * and the reset are one statement, so a lock set by a parallel attempt is never lost.
 */
export async function clearFailuresUnlessLocked(db: Db, userId: number, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('app_user')
    .set({ failed_logins: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

export async function lockedUntilOf(db: Db, userId: number): Promise<Date | null> {
  const r = await db.selectFrom('app_user').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return r?.locked_until ? new Date(r.locked_until) : null;
}

/** Ends a user's sessions (all, or all but one); returns how many ended. */
export async function endUserSessions(db: Db, userId: number, opts: { exceptId?: string } = {}): Promise<number> {
  let q = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (opts.exceptId) q = q.where('id', '<>', opts.exceptId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Marks a one-time password used; false when another sign-in used it first. */
export async function claimOneTimePassword(db: Db, userId: number, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('app_user')
    .set({ one_time_password_used_at: now })
    .where('id', '=', userId)
    .where('one_time_password_expires_at', 'is not', null)
    .where('one_time_password_used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

/** Accepts a TOTP time step once: only a step later than the last accepted one (no replay). */
export async function acceptTotpStep(db: Db, userId: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('app_user')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is not', null)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

/** Uses a recovery code once; false when it is unknown or already used. */
export async function useRecoveryCode(db: Db, userId: number, codeHash: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('user_recovery_code')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

export async function recoveryCodesLeft(db: Db, userId: number): Promise<number> {
  const r = await db
    .selectFrom('user_recovery_code')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function replaceRecoveryCodes(db: Db, userId: number, hashes: string[]): Promise<void> {
  await db.deleteFrom('user_recovery_code').where('user_id', '=', userId).execute();
  if (hashes.length) await db.insertInto('user_recovery_code').values(hashes.map((code_hash) => ({ user_id: userId, code_hash }))).execute();
}

/** Forgets a user's second factor (reset by the security admin or the operator). */
export async function clearTwoFactor(db: Db, userId: number): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('user_recovery_code').where('user_id', '=', userId).execute();
}

export interface UserListFilter {
  /** LIKE pattern of the region subtree (`3607%`). */
  scope: string;
  q?: string;
  role?: string;
  state?: 'disabled' | 'locked' | 'must_change' | 'active';
  now: Date;
  limit: number;
  offset: number;
}

/** An account with its region's name and the names above it (for lists that show names, not codes). */
function userWithRegion(db: Db) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('region as r', 'r.code', 'u.region_code')
    .leftJoin('region as p1', 'p1.code', 'r.parent_code')
    .leftJoin('region as p2', 'p2.code', 'p1.parent_code')
    .leftJoin('region as p3', 'p3.code', 'p2.parent_code')
    .leftJoin('region as p4', 'p4.code', 'p3.parent_code')
    .select([
      'u.id', 'u.username', 'u.display_name', 'u.role', 'u.department_kind', 'u.region_code', 'u.disabled', 'u.locked_until',
      'u.must_change_password', 'u.one_time_password_expires_at', 'u.one_time_password_used_at', 'u.totp_enabled_at',
      'u.last_login_at', 'u.created_at', 'u.version', 'r.name as region_name',
      'p1.name as p1_name', 'p2.name as p2_name', 'p3.name as p3_name', 'p4.name as p4_name',
    ]);
}

export type UserListRow = Awaited<ReturnType<ReturnType<typeof userWithRegion>['executeTakeFirstOrThrow']>>;

export async function listUserRows(db: Db, f: UserListFilter): Promise<{ rows: UserListRow[]; total: number }> {
  let q = userWithRegion(db).where('u.region_code', 'like', f.scope);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql<string>`lower(u.username)`, 'like', like), eb(sql<string>`lower(u.display_name)`, 'like', like)]));
  }
  if (f.role) q = q.where('u.role', '=', f.role);
  if (f.state === 'disabled') q = q.where('u.disabled', '=', true);
  if (f.state === 'locked') q = q.where('u.locked_until', '>', f.now);
  if (f.state === 'must_change') q = q.where('u.must_change_password', '=', true);
  if (f.state === 'active') q = q.where('u.disabled', '=', false);
  const [rows, total] = await Promise.all([
    q.orderBy('u.id').limit(f.limit).offset(f.offset).execute(),
    q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.n };
}

export async function userRowWithRegion(db: Db, id: number): Promise<UserListRow | undefined> {
  return userWithRegion(db).where('u.id', '=', id).executeTakeFirst();
}
