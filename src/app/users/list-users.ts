import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';

export async function listUsers(db: Db, actor: Actor) {
  authorize(actor, 'user:manage');
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'role', 'department_kind', 'region_code', 'disabled', 'locked_until', 'must_change_password'])
    .where('region_code', 'like', scopePattern(actor))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, departmentKind: r.department_kind,
    regionCode: r.region_code, disabled: r.disabled, lockedUntil: r.locked_until, mustChangePassword: r.must_change_password,
  }));
}
