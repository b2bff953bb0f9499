import type { FastifyInstance } from 'fastify';
import { getSecurityPolicy } from '../../app/security/get-security-policy.ts';
import { updateSecurityPolicy } from '../../app/security/update-security-policy.ts';
import { listSessions } from '../../app/security/list-sessions.ts';
import { endSession } from '../../app/security/end-session.ts';
import { actorOf } from '../session.ts';
import { Body, IdParams, Optional, Page, PageSize, Query, Reason, Type, Version } from '../schemas.ts';

const tags = ['安全'];
const Int = () => Optional(Type.Integer({ minimum: 0, maximum: 100_000 }));

export async function securityRoutes(app: FastifyInstance) {
  app.get('/security/policy', { schema: { tags, summary: '安全策略（密码、锁定、超时、一次性密码、双因素认证）' } }, (req) => getSecurityPolicy(app.db, actorOf(req)));
  app.put(
    '/security/policy',
    {
      schema: {
        tags, summary: '修改安全策略（安全管理员；须带 version 与原因；整体替换）',
        body: Body({
          version: Optional(Version()), reason: Optional(Reason()), minLength: Int(), minClasses: Int(), maxFailures: Int(), lockMinutes: Int(),
          idleMinutes: Int(), initialPasswordHours: Int(), twoFactorRoles: Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
        }),
      },
    },
    (req) => updateSecurityPolicy(app.db, actorOf(req), req.body),
  );
  app.get<{ Querystring: Record<string, string> }>(
    '/security/sessions',
    { schema: { tags, summary: '在线用户（安全管理员）', querystring: Query({ page: Optional(Page()), pageSize: Optional(PageSize(200)) }) } },
    (req) => listSessions(app.db, actorOf(req), req.query, app.now()),
  );
  app.post<{ Params: { id: string } }>(
    '/security/sessions/:id/end',
    { schema: { tags, params: IdParams('id'), summary: '强制下线（安全管理员；须带原因）', body: Body({ reason: Optional(Reason()) }) } },
    (req) => endSession(app.db, actorOf(req), Number(req.params.id), req.body),
  );
}
