import type { FastifyInstance } from 'fastify';
import { listAudit, listLoginLog } from '../../app/audit/read-audit.ts';
import { actorOf } from '../session.ts';
import { exportQuery, sendExport } from '../export-reply.ts';
import { exportAudit, exportLoginLog } from '../../app/exports/export-audit.ts';
import { Optional, Page, PageSize, Query, Text } from '../schemas.ts';

const AuditListQuery = Query({ objectType: Optional(Text(40)), objectId: Optional(Text(40)), action: Optional(Text(60)), page: Optional(Page()), pageSize: Optional(PageSize(200)) });
const LoginLogQuery = Query({ page: Optional(Page()), pageSize: Optional(PageSize(200)) });

export async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/audit', { schema: { tags: ['审计'], querystring: AuditListQuery, summary: '审计日志（审计管理员只读）' } }, (req) =>
    listAudit(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: Record<string, string> }>('/login-log', { schema: { tags: ['审计'], querystring: LoginLogQuery, summary: '登录日志' } }, (req) =>
    listLoginLog(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: Record<string, string> }>('/audit/export.xlsx', { schema: { tags: ['审计'], querystring: exportQuery(AuditListQuery), summary: '导出审计日志（XLSX，审计管理员）' } }, async (req, reply) =>
    sendExport(reply, await exportAudit(app.db, actorOf(req), req.query), app.now()),
  );
  app.get('/login-log/export.xlsx', { schema: { tags: ['审计'], querystring: exportQuery(LoginLogQuery), summary: '导出登录日志（XLSX）' } }, async (req, reply) =>
    sendExport(reply, await exportLoginLog(app.db, actorOf(req)), app.now()),
  );
}
