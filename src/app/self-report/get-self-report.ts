import { appendAudit } from '../../store/audit.ts';
import { findSelfReport, type SelfReportRow } from '../../store/self-reports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { notFound } from '../errors.ts';
import { selfReportView } from './self-report-view.ts';

/** A report of the actor's subtree (403 elsewhere, 404 unknown). */
export async function loadScopedReport(db: Db, actor: Actor, id: number, action: 'self_report:read' | 'self_report:handle'): Promise<SelfReportRow> {
  authorize(actor, action);
  const r = await findSelfReport(db, id);
  if (!r) throw notFound('申报不存在');
  authorize(actor, action, r.region_code);
  return r;
}

/**
 * One report for the worklist. ID numbers and the phone are masked; `reveal` shows them whole
 * to roles with `household:read_sensitive` (the cadre who registers the household needs them),
 * and the reveal is audited like the household's (SEC-2, SEC-3).
 */
export async function getSelfReport(db: Db, actor: Actor, id: number, opts: { reveal?: boolean } = {}) {
  const r = await loadScopedReport(db, actor, id, 'self_report:read');
  if (opts.reveal) {
    authorize(actor, 'household:read_sensitive', r.region_code);
    await inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor, action: 'self_report.read_sensitive', objectType: 'self_report', objectId: id, countyCode: r.county_code,
        reason: '查看申报人身份证号、电话和签署人身份证号',
      }),
    );
  }
  return selfReportView(db, actor, r, !!opts.reveal);
}
