import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { chinaDate } from '../../domain/clock.ts';
import { countyCodeOf } from '../../domain/region-code.ts';
import { checkSelfReport, difficultyNames, makeRefCode, PUBLIC_LIMITS } from '../../domain/self-report.ts';
import { mergeKey } from '../../domain/warnings.ts';
import { appendAudit } from '../../store/audit.ts';
import { openCaseOf } from '../../store/cases.ts';
import { findHousehold } from '../../store/households.ts';
import { idNumberIndex } from '../../store/members.ts';
import { insertSelfReport, registeredInCounty, updateSelfReport, villageOf } from '../../store/self-reports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { insertCase } from '../cases/open-case.ts';
import { invalid } from '../errors.ts';
import { openVerificationTask } from '../intake/open-verification-task.ts';
import { spendProofOfWork } from './proof-of-work.ts';
import { selfReportActor } from './public-actor.ts';
import { throttle } from './throttle.ts';

/** What the caller of a public route is: its address (for the limits and the record) and the server's clock. */
export interface PublicRequest {
  ip: string | null;
  now: Date;
}

/** The one answer every accepted report gets, whoever the head is. */
export const REPORT_RECEIVED_MESSAGE =
  '申报已提交。请牢记申报编号，凭申报编号和户主身份证号可查询办理进度、签署家庭成员承诺授权书。村干部将尽快与您联系并入户核实。';

/**
 * Every accepted report takes at least this long to answer, so the time a registered head's
 * report needs (a case or task opened, its deadline, audit) does not tell it apart.
 */
export const MIN_REPORT_MS = 200;

/** Lock space of the per-person lock (two int4 keys: apart from the audit chain's single-key lock). */
export const PERSON_LOCK = 7340105;

/**
 * A household reports through the public page (WRN-5, PRC-1, Q52). After the fields, the proof
 * of work and the limits (per IP, per head ID number): the report is stored with a fresh
 * reference code, and if the head's ID number is an active member of a household of the
 * village's county the lead goes straight to that household's village — a monitoring object gets
 * a verification task for the new risk, a household with an identification case under way has
 * the report linked to it, any other registered household gets an identification case with
 * today as its lead date (day 0 of Q42's 15 days). An ID number nobody registered leaves the report
 * on the chosen village's worklist (state 'received').
 *
 * The answer is the same in every case — status 201, the reference code and one fixed message —
 * and takes at least MIN_REPORT_MS, so the page cannot be used to learn who is registered. Reports
 * about one person are serialised (advisory lock on the ID number's blind index), so two at once
 * cannot race into a duplicate-case error that would only happen to a registered head.
 */
export async function submitSelfReport(db: Db, raw: unknown, req: PublicRequest) {
  const started = Date.now();
  const { input, errors } = checkSelfReport(raw);
  if (!input) throw invalid(errors);
  const village = await villageOf(db, input.villageCode);
  if (!village || village.level !== 5) throw invalid([{ path: 'villageCode', message: '所选村（社区）不存在，请重新选择' }]);
  await spendProofOfWork(db, input, req.now);
  const bidx = idNumberIndex(db, input.headIdNumber);
  await throttle(db, `report:ip:${req.ip ?? ''}`, PUBLIC_LIMITS.reportPerIp, req.now);
  await throttle(db, `report:id:${bidx}`, PUBLIC_LIMITS.reportPerIdNumber, req.now, 'headIdNumber');
  const today = chinaDate(req.now);
  const countyCode = countyCodeOf(village.code)!;

  const refCode = await inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${PERSON_LOCK}, hashtext(${bidx}))`.execute(trx);
    // The same lookups whatever they find (id 0 names nothing).
    const person = await registeredInCounty(trx, input.headIdNumber, countyCode);
    const h = await findHousehold(trx, person?.household_id ?? 0);
    const open = await openCaseOf(trx, h?.id ?? 0, 'identification');
    const regionCode = h?.region_code ?? village.code;
    let id: number | null = null;
    let code = '';
    for (let attempt = 0; id === null; attempt++) {
      if (attempt === 5) throw new Error('申报编号连续重复（随机数来源异常）');
      code = makeRefCode(randomBytes(10));
      id = await insertSelfReport(trx, {
        refCode: code, headName: input.headName, headIdNumber: input.headIdNumber, phone: input.phone, regionCode,
        countyCode: h?.county_code ?? countyCode, difficulties: input.difficulties, description: input.description, reportedOn: today,
        ip: req.ip, createdAt: req.now,
      });
    }
    const actor = selfReportActor(regionCode);
    const names = difficultyNames(input.difficulties).join('、');
    let outcome: { state: 'received' | 'case_opened' | 'task_opened'; caseId: number | null; taskId: number | null } = { state: 'received', caseId: null, taskId: null };
    if (h && person && h.monitoring_status === 'monitored') {
      const task = await openVerificationTask(trx, actor, {
        householdId: h.id, memberId: Number(person.member_id), countyCode: h.county_code, regionCode: h.region_code, source: 'self_report_miniprogram',
        warningType: 'self_report', departmentKind: null, subjectKey: mergeKey({ memberBidx: bidx }), monitored: true, leadOn: today,
        summary: `农户自主申报（申报编号 ${code}），困难类型：${names}${input.description ? `；${input.description}` : ''}`, ticketId: null,
      });
      outcome = { state: 'task_opened', caseId: null, taskId: task.id };
    } else if (h && open) {
      outcome = { state: 'case_opened', caseId: Number(open.id), taskId: null };
    } else if (h) {
      const caseId = await insertCase(trx, actor, h, {
        kind: 'identification', source: 'self_report_miniprogram', leadOn: today,
        leadNote: `农户通过申报小程序自主申报（申报编号 ${code}），困难类型：${names}`, sourceRef: `self_report:${id}`,
      });
      outcome = { state: 'case_opened', caseId, taskId: null };
    }
    if (h && outcome.state !== 'received')
      await updateSelfReport(trx, id, null, {
        state: outcome.state, household_id: h.id, ...(outcome.caseId ? { case_id: outcome.caseId } : {}), ...(outcome.taskId ? { task_id: outcome.taskId } : {}),
      });
    await appendAudit(trx, {
      actor, action: 'self_report.receive', objectType: 'self_report', objectId: id, countyCode: h?.county_code ?? countyCode,
      after: { channel: 'miniprogram', regionCode, chosenVillage: village.code, difficulties: input.difficulties, reportedOn: today, ...outcome, householdId: h?.id ?? null },
    });
    return code;
  });
  const wait = MIN_REPORT_MS - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return { refCode, message: REPORT_RECEIVED_MESSAGE };
}
