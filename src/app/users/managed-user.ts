import { countyCodeOf, isInSubtree } from '../../domain/region-code.ts';
import { isAdminRole } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { endUserSessions, findUserById, logLogin, type UserRow } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize, type Action } from '../authz.ts';
import { forbidden, invalid, notFound } from '../errors.ts';

export const ADMIN_ACCOUNTS_BY_CLI = '三员账号（系统管理员、安全管理员、审计管理员）只能在服务器上用命令行管理：npx jianbang admin …';

/**
 * The account an admin acts on through the API (SEC-5): it exists, lies in the actor's subtree,
 * is not the actor's own (nobody changes their own account here) and is a business account.
 */
export async function loadManagedUser(db: Db, actor: Actor, id: number, action: Action): Promise<UserRow> {
  authorize(actor, action);
  const user = await findUserById(db, id);
  if (!user) throw notFound('用户不存在');
  if (!isInSubtree(actor.regionCode, user.region_code)) throw forbidden('该用户不在您的管辖区域内');
  if (user.id === actor.id) throw forbidden('不能在这里操作本人账号（修改本人密码请到“账号安全”）');
  if (isAdminRole(user.role)) throw forbidden(ADMIN_ACCOUNTS_BY_CLI);
  return user;
}

/** A body of `{ reason, …allowed }`: every account action says why (recorded in the audit log). */
export function readReasonBody(raw: unknown, allowed: string[] = []): { c: Check; o: Record<string, unknown>; reason: string } {
  const c = new Check();
  const o = c.object('', raw, ['reason', ...allowed]);
  if (!o) throw invalid(c.errors);
  const reason = c.string('reason', o.reason, { required: true, max: 500 });
  return { c, o, reason: reason ?? '' };
}

export interface AccountChange {
  /** Audit action (`user.disable` …). */
  action: string;
  reason: string;
  set: Partial<Record<'disabled' | 'failed_logins' | 'locked_until' | 'password_hash' | 'must_change_password' | 'one_time_password_expires_at' | 'one_time_password_used_at', unknown>>;
  /** End every session of the account, logged as a forced logout with this detail. */
  endSessions?: string;
  before?: unknown;
  after?: unknown;
  /** Runs in the same transaction (e.g. forgetting a second factor). */
  also?: (trx: Db) => Promise<void>;
}

/** One account action: the change, the version bump, ended sessions and the audit entry, in one transaction. */
export async function applyAccountChange(db: Db, actor: Actor, user: UserRow, change: AccountChange): Promise<{ endedSessions: number }> {
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('app_user')
      .set((eb) => ({ ...(change.set as object), version: eb('version', '+', 1) }))
      .where('id', '=', user.id)
      .execute();
    await change.also?.(trx);
    let endedSessions = 0;
    if (change.endSessions) {
      endedSessions = await endUserSessions(trx, user.id);
      if (endedSessions)
        await logLogin(trx, { username: user.username, userId: user.id, outcome: 'forced_logout', detail: `${change.endSessions}，结束${endedSessions}个会话` });
    }
    await appendAudit(trx, {
      actor, action: change.action, objectType: 'user', objectId: user.id, countyCode: countyCodeOf(user.region_code), reason: change.reason,
      before: change.before, after: change.after === undefined ? { endedSessions } : { ...(change.after as object), endedSessions },
    });
    return { endedSessions };
  });
}
