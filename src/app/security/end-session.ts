import { countyCodeOf, isInSubtree } from '../../domain/region-code.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { logLogin } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { readReasonBody } from '../users/managed-user.ts';

/**
 * Force logout (SEC-8): the security admin ends another user's session, with a reason; audited and
 * logged in the login log. That browser's next request gets 401 and goes to the login page.
 */
export async function endSession(db: Db, actor: Actor & { sessionId?: string }, ref: number, raw: unknown) {
  const { c, reason } = readReasonBody(raw);
  if (!c.ok) throw invalid(c.errors);
  authorize(actor, 'session:manage');
  const s = await db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id', 's.ip', 's.created_at', 'u.id as user_id', 'u.username', 'u.region_code'])
    .where('s.ref', '=', ref)
    .executeTakeFirst();
  if (!s) throw notFound('会话不存在或已结束');
  if (!isInSubtree(actor.regionCode, s.region_code)) throw forbidden('该用户不在您的管辖区域内');
  if (s.user_id === actor.id) throw forbidden('不能强制结束本人的会话（请使用“退出”）');
  await inTransaction(db, async (trx) => {
    const gone = await trx.deleteFrom('user_session').where('id', '=', s.id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw notFound('会话不存在或已结束');
    await logLogin(trx, { username: s.username, userId: s.user_id, ip: s.ip, outcome: 'forced_logout', detail: `安全管理员强制下线：${reason}` });
    await appendAudit(trx, {
      actor, action: 'session.force_logout', objectType: 'user', objectId: s.user_id, countyCode: countyCodeOf(s.region_code), reason,
      after: { session: ref, signedInAt: new Date(s.created_at).toISOString(), ip: s.ip },
    });
  });
  return { ok: true };
}
