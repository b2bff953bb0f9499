import { publicStatus, type ReportState } from '../../domain/self-report.ts';
import { reportProgress } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';

/** The public status of a report (domain/self-report.ts publicStatus) from its case, task and household as they are now. */
export async function statusOfReport(db: Db, r: { id: number; state: string; case_id: number | null; task_id: number | null; household_id: number | null }) {
  const { kase, task, household } = await reportProgress(db, r);
  return publicStatus({
    state: r.state as ReportState,
    case: kase ? { state: kase.state, fromReport: kase.source_ref === `self_report:${r.id}` } : null,
    task: task ? { state: task.state } : null,
    householdMonitored: household?.monitoring_status === 'monitored',
  });
}
