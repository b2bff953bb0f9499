import { randomBytes } from 'node:crypto';
import { passwordProblem, randomPassword } from '../../domain/password-policy.ts';
import { regionLevel } from '../../domain/region-code.ts';
import { DEPARTMENT_KINDS, ROLE_LEVEL, ROLES, type Role } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { findUserByUsername, readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { hashPassword } from '../auth/passwords.ts';

export interface CreatedUser {
  id: number;
  username: string;
  /** Shown once; the user must change it at first login. */
  initialPassword: string;
}

/**
 * Creates an account (system admin only). An account has exactly one role, so no account can
 * hold two of the three admin roles (三员分立).
 */
export async function createUser(db: Db, actor: Actor, raw: unknown, opts: { skipAuthz?: boolean } = {}): Promise<CreatedUser> {
  if (!opts.skipAuthz) authorize(actor, 'user:manage');
  const c = new Check();
  const o = c.object('', raw, ['username', 'displayName', 'role', 'departmentKind', 'regionCode', 'password', 'mustChangePassword']);
  if (!o) throw invalid(c.errors);
  const username = c.string('username', o.username, { required: true, max: 64 });
  if (username && !/^[A-Za-z0-9_.-]{3,64}$/.test(username)) c.fail('username', '用户名为3-64位字母、数字或 _ . -');
  const displayName = c.string('displayName', o.displayName, { required: true, max: 50 });
  const role = c.oneOf('role', o.role, ROLES) as Role | null;
  const departmentKind = role === 'department' ? c.oneOf('departmentKind', o.departmentKind, DEPARTMENT_KINDS) : null;
  if (role && role !== 'department' && o.departmentKind != null) c.fail('departmentKind', '仅行业部门账号填写部门类别');
  const regionCode = c.string('regionCode', o.regionCode, { required: true, max: 12 });
  if (regionCode) {
    const region = await getRegion(db, regionCode);
    if (!region) c.fail('regionCode', '区划代码不存在');
    else if (role && ROLE_LEVEL[role] && regionLevel(regionCode) !== ROLE_LEVEL[role])
      c.fail('regionCode', '账号所属区划的级别与角色不符');
  }
  if (username && (await findUserByUsername(db, username))) c.fail('username', '用户名已存在');
  const policy = await readPasswordPolicy(db);
  let password = typeof o.password === 'string' ? o.password : '';
  if (password) {
    const problem = passwordProblem(password, policy, username ?? undefined);
    if (problem) c.fail('password', problem);
  } else password = randomPassword(randomBytes(12));
  if (!c.ok) throw invalid(c.errors);
  const password_hash = await hashPassword(password);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('app_user')
      .values({
        username: username!, display_name: displayName!, role: role!, department_kind: departmentKind,
        region_code: regionCode!, password_hash, must_change_password: o.mustChangePassword !== false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor, action: 'user.create', objectType: 'user', objectId: row.id,
      after: { username, displayName, role, departmentKind, regionCode },
    });
    return { id: row.id, username: username!, initialPassword: password };
  });
}
