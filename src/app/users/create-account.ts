import { passwordProblem } from '../../domain/password-policy.ts';
import { countyCodeOf } from '../../domain/region-code.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { invalid } from '../errors.ts';
import { hashPassword } from '../auth/passwords.ts';
import { readAccountFields, type AccountFields } from './account-fields.ts';
import { newOneTimePassword, oneTimePasswordColumns } from './one-time-password.ts';

export interface CreatedUser {
  id: number;
  username: string;
  /** Shown once: a one-time password unless the internal caller chose the password. */
  initialPassword: string;
  /** Until when the one-time password works (null when the caller chose a password). */
  expiresAt: string | null;
}

/**
 * Creates an account of any role, for trusted internal callers only — the server command line
 * (`admin create`, the first admin), the demo loader and tests; no HTTP route reaches it. Without
 * `password` the account gets a one-time password; a chosen one must meet the policy.
 * Joins the caller's transaction (`inTransaction`), so a bulk loader stays all or nothing.
 */
export async function createAccount(db: Db, actor: Actor, raw: unknown, opts: { reason?: string; now?: Date } = {}): Promise<CreatedUser> {
  const now = opts.now ?? new Date();
  const c = new Check();
  const o = c.object('', raw, ['username', 'displayName', 'role', 'departmentKind', 'regionCode', 'password', 'mustChangePassword']);
  if (!o) throw invalid(c.errors);
  const fields = await readAccountFields(db, c, o);
  const policy = await readPasswordPolicy(db);
  const chosen = typeof o.password === 'string' && o.password ? o.password : null;
  if (chosen) {
    const problem = passwordProblem(chosen, policy, fields?.username);
    if (problem) c.fail('password', problem);
  }
  if (!c.ok || !fields) throw invalid(c.errors);
  if (!chosen) {
    const otp = await newOneTimePassword(policy, now);
    const id = await insertAccount(db, actor, fields, oneTimePasswordColumns(otp), opts.reason);
    return { id, username: fields.username, initialPassword: otp.password, expiresAt: otp.expiresAt.toISOString() };
  }
  const mustChange = o.mustChangePassword !== false;
  const id = await insertAccount(
    db, actor, fields,
    {
      password_hash: await hashPassword(chosen), must_change_password: mustChange,
      // A password someone else chose is one-time too when its holder must change it.
      one_time_password_expires_at: mustChange ? new Date(now.getTime() + policy.initialPasswordHours * 3_600_000) : null,
      one_time_password_used_at: null,
    },
    opts.reason,
  );
  return { id, username: fields.username, initialPassword: chosen, expiresAt: null };
}

export async function insertAccount(
  db: Db,
  actor: Actor,
  f: AccountFields,
  password: { password_hash: string; must_change_password: boolean; one_time_password_expires_at: Date | null; one_time_password_used_at: null },
  reason?: string,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('app_user')
      .values({ username: f.username, display_name: f.displayName, role: f.role, department_kind: f.departmentKind, region_code: f.regionCode, ...password })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor, action: 'user.create', objectType: 'user', objectId: row.id, countyCode: countyCodeOf(f.regionCode), reason: reason ?? null,
      after: { username: f.username, displayName: f.displayName, role: f.role, departmentKind: f.departmentKind, regionCode: f.regionCode, oneTimePassword: password.must_change_password },
    });
    return row.id;
  });
}
