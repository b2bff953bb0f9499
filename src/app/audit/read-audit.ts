import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { NOBODY, viewAuditPayload, viewText } from '../privacy.ts';

const page = (q: Record<string, string>) => {
  const size = Math.min(200, Math.max(1, Number(q.pageSize) || 50));
  return { size, offset: (Math.max(1, Number(q.page) || 1) - 1) * size };
};

/**
 * The audit log is read by the audit admin only; there is no route that changes it (SEC-2). The
 * audit admin sees no personal data: payloads and reasons are redacted on read (SEC-3).
 */
export async function listAudit(db: Db, actor: Actor, q: Record<string, string>) {
  authorize(actor, 'audit:read');
  const { size, offset } = page(q);
  const rows = await auditQuery(db, q).orderBy('seq', 'desc').limit(size).offset(offset).execute();
  return rows.map(auditEntryView);
}

/** The audit rows the filter names (object type, object id, action); the list and its export (DAT-2). */
export function auditQuery(db: Db, q: { objectType?: string; objectId?: string; action?: string }) {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.objectType) query = query.where('object_type', '=', q.objectType);
  if (q.objectId) query = query.where('object_id', '=', q.objectId);
  if (q.action) query = query.where('action', '=', q.action);
  return query;
}

/** An audit row as the audit admin reads it: payloads and reason redacted (SEC-3). */
export function auditEntryView<R extends { before: unknown; after: unknown; reason: string | null }>(r: R) {
  return { ...r, before: viewAuditPayload(r.before), after: viewAuditPayload(r.after), reason: viewText(NOBODY, r.reason) };
}

export async function listLoginLog(db: Db, actor: Actor, q: Record<string, string>) {
  authorize(actor, 'login_log:read');
  const { size, offset } = page(q);
  return db.selectFrom('login_log').selectAll().orderBy('id', 'desc').limit(size).offset(offset).execute();
}
