import { timingSafeEqual } from 'node:crypto';
import { checkStatusRequest, PUBLIC_LIMITS } from '../../domain/self-report.ts';
import { idNumberIndex } from '../../store/members.ts';
import { findSelfReportByRef } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import { invalid, notFound } from '../errors.ts';
import { spendProofOfWork } from './proof-of-work.ts';
import { statusOfReport } from './report-progress.ts';
import type { PublicRequest } from './submit-self-report.ts';
import { throttle } from './throttle.ts';

/** One message for an unknown code and for a code with another head's ID number. */
export const REPORT_NOT_FOUND = '未找到该申报：请核对申报编号和户主身份证号';

/** The report of this code whose head has this ID number; the same 404 for every other pair. */
export async function reportOfPair(db: Db, refCode: string, headIdNumber: string) {
  const r = await findSelfReportByRef(db, refCode);
  const given = Buffer.from(idNumberIndex(db, headIdNumber));
  const stored = Buffer.from(r?.head_bidx ?? '0'.repeat(given.length));
  const same = stored.length === given.length && timingSafeEqual(stored, given);
  if (!r || !same) throw notFound(REPORT_NOT_FOUND);
  return r;
}

/**
 * 查询进度 (WRN-5): the reference code and the head's ID number give the report's public status
 * and the day it was made — nothing else (no names, no case, no reason, no household).
 */
export async function checkSelfReportStatus(db: Db, raw: unknown, req: PublicRequest) {
  const { input, errors } = checkStatusRequest(raw);
  if (!input) throw invalid(errors);
  await spendProofOfWork(db, input, req.now);
  await throttle(db, `status:ip:${req.ip ?? ''}`, PUBLIC_LIMITS.statusPerIp, req.now);
  const r = await reportOfPair(db, input.refCode, input.headIdNumber);
  const s = await statusOfReport(db, { ...r, id: Number(r.id) });
  return { status: s.status, statusName: s.statusName, reportedOn: r.reported_on };
}
