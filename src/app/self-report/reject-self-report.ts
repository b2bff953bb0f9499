import { REPORT_STATE_NAMES, type ReportState } from '../../domain/self-report.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findSelfReport, updateSelfReport } from '../../store/self-reports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid, stale } from '../errors.ts';
import { loadScopedReport } from './get-self-report.ts';
import { selfReportView } from './self-report-view.ts';

/**
 * 不予受理 (WRN-5): the village closes a report it will not take up (nobody of that name lives
 * there, a repeat, not a household of the village …) with its reason, kept for the audit. The
 * household's status page then shows the result 经核实未纳入 — never the reason.
 */
export async function rejectSelfReport(db: Db, actor: Actor, id: number, raw: unknown) {
  const r = await loadScopedReport(db, actor, id, 'self_report:handle');
  const c = new Check();
  const o = c.object('', raw, ['reason', 'version']) ?? {};
  const reason = c.string('reason', o.reason, { required: true, max: 500 });
  const version = c.integer('version', o.version, { required: true, min: 1 });
  if (!c.ok) throw invalid(c.errors);
  if (version !== r.version) throw stale();
  if (r.state !== 'received') throw conflict('state', `该申报已处理（${REPORT_STATE_NAMES[r.state as ReportState]}），不能再不予受理`);
  return inTransaction(db, async (trx) => {
    if (!(await updateSelfReport(trx, id, version!, { state: 'rejected', reject_reason: reason! }))) throw stale();
    await appendAudit(trx, {
      actor, action: 'self_report.reject', objectType: 'self_report', objectId: id, countyCode: r.county_code,
      before: { state: r.state, version: r.version }, after: { state: 'rejected' }, reason,
    });
    return selfReportView(trx, actor, (await findSelfReport(trx, id))!, false);
  });
}
