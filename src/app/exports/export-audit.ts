import { ROLE_NAMES, type Role } from '../../domain/roles.ts';
import { loginLogPage } from '../../store/exports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { auditEntryView, auditQuery } from '../audit/read-audit.ts';
import { authorize } from '../authz.ts';
import { chinaTime, keysetPages, listExport, named, type ExportColumn } from './xlsx-list.ts';

type AuditItem = ReturnType<typeof auditEntryView<Awaited<ReturnType<ReturnType<typeof auditQuery>['execute']>>[number]>>;
type LoginItem = Awaited<ReturnType<typeof loginLogPage>>[number];

const json = (v: unknown) => (v == null ? null : JSON.stringify(v));

const AUDIT_COLUMNS: ExportColumn<AuditItem>[] = [
  { header: '序号', width: 8, value: (r) => r.seq },
  { header: '时间', width: 19, value: (r) => chinaTime(r.at) },
  { header: '操作人', width: 14, value: (r) => r.actor_name },
  { header: '操作人编号', width: 9, value: (r) => r.actor_id },
  { header: '角色', width: 14, value: (r) => named(ROLE_NAMES as Record<Role, string>, r.actor_role) },
  { header: '操作', width: 22, value: (r) => r.action },
  { header: '对象类型', width: 14, value: (r) => r.object_type },
  { header: '对象编号', width: 10, value: (r) => r.object_id },
  { header: '县级代码', width: 8, value: (r) => r.county_code },
  { header: '原因', width: 24, value: (r) => r.reason },
  { header: '修改前', width: 40, value: (r) => json(r.before) },
  { header: '修改后', width: 40, value: (r) => json(r.after) },
  { header: '哈希', width: 20, value: (r) => r.hash },
];

/**
 * The audit log as XLSX for the audit admin (SEC-2, DAT-2): the list's filters, newest first,
 * payloads redacted as on screen (SEC-3). Paged by sequence number, so entries written while it
 * runs (its own included) do not shift it.
 */
export async function exportAudit(db: Db, actor: Actor, q: { objectType?: string; objectId?: string; action?: string }) {
  authorize(actor, 'audit:read');
  const page = async (before: number | null, limit: number) => {
    let query = auditQuery(db, q);
    if (before !== null) query = query.where('seq', '<', before);
    return (await query.orderBy('seq', 'desc').limit(limit).execute()).map(auditEntryView);
  };
  return listExport(db, actor, {
    list: 'audit', title: '审计日志', filter: { ...q },
    sheets: [{ name: '审计日志', columns: AUDIT_COLUMNS, pages: () => keysetPages(page, (r) => r.seq) }],
  });
}

const LOGIN_COLUMNS: ExportColumn<LoginItem>[] = [
  { header: '编号', width: 8, value: (r) => r.id },
  { header: '时间', width: 19, value: (r) => chinaTime(r.at) },
  { header: '用户名', width: 16, value: (r) => r.username },
  { header: '用户编号', width: 9, value: (r) => r.user_id },
  { header: 'IP 地址', width: 16, value: (r) => r.ip },
  { header: '结果', width: 16, value: (r) => r.outcome },
  { header: '说明', width: 30, value: (r) => r.detail },
];

/** The login log as XLSX for the security and audit admins (SEC-4, DAT-2), newest first. */
export async function exportLoginLog(db: Db, actor: Actor) {
  authorize(actor, 'login_log:read');
  return listExport(db, actor, {
    list: 'login_log', title: '登录日志', filter: {},
    sheets: [{ name: '登录日志', columns: LOGIN_COLUMNS, pages: () => keysetPages((before, limit) => loginLogPage(db, before, limit), (r) => r.id) }],
  });
}
