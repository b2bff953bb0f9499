import { sql } from 'kysely';
import { difficultyNames, REPORT_STATE_NAMES, type ReportState } from '../../domain/self-report.ts';
import { Check } from '../../domain/validation.ts';
import { mergeKey } from '../../domain/warnings.ts';
import { appendAudit } from '../../store/audit.ts';
import { findCase, openCaseOf } from '../../store/cases.ts';
import { findSelfReport, memberOfHousehold, updateSelfReport } from '../../store/self-reports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { conflict, invalid, stale, unprocessable } from '../errors.ts';
import { insertCase } from '../cases/open-case.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { openVerificationTask } from '../intake/open-verification-task.ts';
import { attachReportConsents } from './attach-consents.ts';
import { loadScopedReport } from './get-self-report.ts';
import { PERSON_LOCK } from './submit-self-report.ts';
import { selfReportView } from './self-report-view.ts';

/**
 * 启动识别 from a report the village could not match at first (WRN-5, PRC-1): once the village has
 * registered the household — the head's ID number must be an active member of it — the
 * identification case opens with the report's date as its lead date (Q42's 15 days run from the
 * household's report, not from the day the village got round to it), and every member's
 * signature made on the public page goes on the case's consents. A household with a case under
 * way gets the report linked to it; a monitoring object gets a verification task for the new risk.
 */
export async function openCaseFromSelfReport(db: Db, actor: Actor, id: number, raw: unknown) {
  const r = await loadScopedReport(db, actor, id, 'self_report:handle');
  const c = new Check();
  const o = c.object('', raw, ['householdId', 'version']) ?? {};
  const householdId = c.id('householdId', o.householdId, { required: true });
  const version = c.integer('version', o.version, { required: true, min: 1 });
  if (!c.ok) throw invalid(c.errors);
  if (version !== r.version) throw stale();
  if (r.state !== 'received') throw conflict('state', `该申报已处理（${REPORT_STATE_NAMES[r.state as ReportState]}），不能再启动识别`);
  const h = await loadScopedHousehold(db, actor, householdId!);
  if (h.county_code !== r.county_code) throw unprocessable('householdId', '所选农户与申报不在同一县，请选择申报所在县登记的农户');
  const memberId = await memberOfHousehold(db, h.id, r.head_bidx);
  if (!memberId) throw unprocessable('householdId', '申报人（户主身份证号）不是该户的在册成员：请先在该户登记申报人，或选择正确的农户');

  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${PERSON_LOCK}, hashtext(${r.head_bidx}))`.execute(trx);
    const names = difficultyNames(r.difficulties ? r.difficulties.split(',') : []).join('、');
    let state: 'case_opened' | 'task_opened';
    let caseId: number | null = null;
    let taskId: number | null = null;
    let attached = 0;
    if (h.monitoring_status === 'monitored') {
      const task = await openVerificationTask(trx, actor, {
        householdId: h.id, memberId, countyCode: h.county_code, regionCode: h.region_code, source: 'self_report_miniprogram', warningType: 'self_report',
        departmentKind: null, subjectKey: mergeKey({ memberBidx: r.head_bidx }), monitored: true, leadOn: r.reported_on,
        summary: `农户自主申报（申报编号 ${r.ref_code}），困难类型：${names}${r.description ? `；${r.description}` : ''}`, ticketId: null,
      });
      state = 'task_opened';
      taskId = task.id;
    } else {
      const open = await openCaseOf(trx, h.id, 'identification');
      caseId = open
        ? Number(open.id)
        : await insertCase(trx, actor, h, {
          kind: 'identification', source: 'self_report_miniprogram', leadOn: r.reported_on,
          leadNote: `农户通过申报小程序自主申报（申报编号 ${r.ref_code}），困难类型：${names}`, sourceRef: `self_report:${id}`,
        });
      state = 'case_opened';
      const kase = (await findCase(trx, caseId))!;
      attached = await attachReportConsents(trx, actor, { reportId: id, caseId, caseState: kase.state, householdId: h.id, countyCode: h.county_code });
    }
    const moved = await updateSelfReport(trx, id, version!, {
      state, household_id: h.id, region_code: h.region_code, ...(caseId ? { case_id: caseId } : {}), ...(taskId ? { task_id: taskId } : {}),
    });
    if (!moved) throw stale();
    await appendAudit(trx, {
      actor, action: 'self_report.open_case', objectType: 'self_report', objectId: id, countyCode: r.county_code,
      before: { state: r.state, version: r.version, regionCode: r.region_code },
      after: { state, householdId: h.id, caseId, taskId, leadOn: r.reported_on, consentsAttached: attached, regionCode: h.region_code },
    });
    return selfReportView(trx, actor, (await findSelfReport(trx, id))!, false);
  });
}
