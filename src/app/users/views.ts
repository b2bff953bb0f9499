import { twoFactorRequired, type PasswordPolicy } from '../../domain/password-policy.ts';
import { DEPARTMENT_KIND_NAMES, isAdminRole, ROLE_NAMES, type DepartmentKind, type Role } from '../../domain/roles.ts';
import type { UserListRow } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { can } from '../authz.ts';

/** What the viewer may do to an account from the users page (the server checks again on each action). */
export type UserAction = 'edit' | 'disable' | 'enable' | 'reset_password' | 'unlock' | 'reset_two_factor';

/** Who an account is, as every view of one names it (users list, /auth/me). */
export interface AccountIdentity {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  roleName: string;
  departmentKind: DepartmentKind | null;
  departmentKindName: string | null;
  regionCode: string;
}

export interface UserView extends AccountIdentity {
  regionName: string;
  /** The names from the city (or province) down to the account's region: 赣州市 / 于都县 / 贡江镇. */
  regionPath: string;
  disabled: boolean;
  locked: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  /** A one-time password waits for its single sign-in until then (null: none pending). */
  oneTimePasswordExpiresAt: string | null;
  twoFactorEnabled: boolean;
  twoFactorRequired: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  version: number;
  /** The three admin accounts: listed here, changed only by the server command line (SEC-5). */
  managedByCommandLine: boolean;
  actions: UserAction[];
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function regionPathOf(r: Pick<UserListRow, 'region_name' | 'p1_name' | 'p2_name' | 'p3_name' | 'p4_name'>): string {
  const names = [r.p4_name, r.p3_name, r.p2_name, r.p1_name, r.region_name].filter((n): n is string => !!n);
  // Every account is in Jiangxi: the province name adds nothing below it.
  return (names.length > 1 ? names.slice(1) : names).join(' / ');
}

export function userActions(viewer: Actor, target: { id: number; role: string; regionCode: string; disabled: boolean; locked: boolean; twoFactorEnabled: boolean }): UserAction[] {
  if (target.id === viewer.id || isAdminRole(target.role)) return [];
  const actions: UserAction[] = [];
  if (can(viewer, 'user:manage', target.regionCode)) actions.push('edit', target.disabled ? 'enable' : 'disable', 'reset_password');
  if (target.locked && can(viewer, 'user:unlock', target.regionCode)) actions.push('unlock');
  if (target.twoFactorEnabled && can(viewer, 'user:reset_two_factor', target.regionCode)) actions.push('reset_two_factor');
  return actions;
}

export function toUserView(r: UserListRow, viewer: Actor, policy: PasswordPolicy, now: Date): UserView {
  const locked = !!r.locked_until && new Date(r.locked_until) > now;
  const twoFactorEnabled = !!r.totp_enabled_at;
  const pendingOneTime = r.one_time_password_expires_at && !r.one_time_password_used_at ? iso(r.one_time_password_expires_at) : null;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    roleName: ROLE_NAMES[r.role as Role] ?? r.role,
    departmentKind: r.department_kind as DepartmentKind | null,
    departmentKindName: r.department_kind ? DEPARTMENT_KIND_NAMES[r.department_kind as DepartmentKind] : null,
    regionCode: r.region_code,
    regionName: r.region_name,
    regionPath: regionPathOf(r),
    disabled: r.disabled,
    locked,
    lockedUntil: locked ? iso(r.locked_until) : null,
    mustChangePassword: r.must_change_password,
    oneTimePasswordExpiresAt: pendingOneTime,
    twoFactorEnabled,
    twoFactorRequired: twoFactorRequired(policy, r.role),
    lastLoginAt: iso(r.last_login_at),
    createdAt: iso(r.created_at as unknown as Date)!,
    version: r.version,
    managedByCommandLine: isAdminRole(r.role),
    actions: userActions(viewer, { id: r.id, role: r.role, regionCode: r.region_code, disabled: r.disabled, locked, twoFactorEnabled }),
  };
}
