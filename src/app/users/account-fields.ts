import { regionLevel } from '../../domain/region-code.ts';
import { DEPARTMENT_KINDS, ROLE_LEVEL, ROLES, type DepartmentKind, type Role } from '../../domain/roles.ts';
import type { Check } from '../../domain/validation.ts';
import { getRegion } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import { findUserByUsername } from '../../store/users.ts';

export interface AccountFields {
  username: string;
  displayName: string;
  role: Role;
  departmentKind: DepartmentKind | null;
  regionCode: string;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;

/** The region must exist and sit at the level the role works at (a county account at a county). */
export async function checkAccountRegion(db: Db, c: Check, role: Role | null, regionCode: string | null): Promise<void> {
  if (!regionCode) return;
  const region = await getRegion(db, regionCode);
  if (!region) c.fail('regionCode', '区划代码不存在');
  else if (role && ROLE_LEVEL[role] && regionLevel(regionCode) !== ROLE_LEVEL[role]) c.fail('regionCode', '账号所属区划的级别与角色不符');
}

/** The fields of a new account, each checked with a Chinese message naming it. */
export async function readAccountFields(db: Db, c: Check, o: Record<string, unknown>, roles: readonly Role[] = ROLES): Promise<AccountFields | null> {
  const username = c.string('username', o.username, { required: true, max: 64 });
  if (username && !USERNAME_PATTERN.test(username)) c.fail('username', '用户名为3-64位字母、数字或 _ . -');
  const displayName = c.string('displayName', o.displayName, { required: true, max: 50 });
  const role = c.oneOf('role', o.role, roles);
  const departmentKind = role === 'department' ? c.oneOf('departmentKind', o.departmentKind, DEPARTMENT_KINDS) : null;
  if (role && role !== 'department' && o.departmentKind != null) c.fail('departmentKind', '仅行业部门账号填写部门类别');
  const regionCode = c.string('regionCode', o.regionCode, { required: true, max: 12 });
  await checkAccountRegion(db, c, role, regionCode);
  if (username && USERNAME_PATTERN.test(username) && (await findUserByUsername(db, username))) c.fail('username', '用户名已存在（不区分大小写）');
  if (!c.ok) return null;
  return { username: username!, displayName: displayName!, role: role!, departmentKind, regionCode: regionCode! };
}
