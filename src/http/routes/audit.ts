import type { FastifyInstance } from 'fastify';
import { listAudit, listLoginLog } from '../../app/audit/read-audit.ts';
import { actorOf } from '../session.ts';
import { Optional, Page, PageSize, Query, Text } from '../schemas.ts';

export async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/audit', { schema: { tags: ['审计'], querystring: Query({ objectType: Optional(Text(40)), objectId: Optional(Text(40)), action: Optional(Text(60)), page: Optional(Page()), pageSize: Optional(PageSize(200)) }), summary: '审计日志（审计管理员只读）' } }, (req) =>
    listAudit(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: Record<string, string> }>('/login-log', { schema: { tags: ['审计'], querystring: Query({ page: Optional(Page()), pageSize: Optional(PageSize(200)) }), summary: '登录日志' } }, (req) =>
    listLoginLog(app.db, actorOf(req), req.query),
  );
}
