import { maskIdNumber } from '../../domain/masking.ts';
import { checkConsents, COMMITMENT_VERSION, PUBLIC_LIMITS } from '../../domain/self-report.ts';
import { appendAuditBatch, type AuditEntry } from '../../store/audit.ts';
import { findCase } from '../../store/cases.ts';
import { insertReportConsent, reportConsents } from '../../store/self-reports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { invalid } from '../errors.ts';
import { attachReportConsents } from './attach-consents.ts';
import { reportOfPair } from './check-self-report-status.ts';
import { spendProofOfWork } from './proof-of-work.ts';
import { selfReportActor } from './public-actor.ts';
import type { PublicRequest } from './submit-self-report.ts';
import { throttle } from './throttle.ts';

/**
 * 签署承诺授权书 (Q22, WRN-5): with the reference code and the head's ID number, each family
 * member's commitment — name, ID number, the ticked consent — is recorded with the caller's
 * IP and the time. When the report has an identification case, a signature whose ID number is
 * an active member of that household (blind index) goes on the case's consents at once; the
 * others wait until a case is opened from the report (open-case-from-self-report.ts). A member
 * who signed before keeps the first signature.
 *
 * The answer lists the signatures of the report as the household typed them (names, masked ID
 * numbers, times): never whether a name matched anyone in the registry.
 */
export async function signSelfReportConsents(db: Db, raw: unknown, req: PublicRequest) {
  const { input, errors } = checkConsents(raw);
  if (!input) throw invalid(errors);
  await spendProofOfWork(db, input, req.now);
  await throttle(db, `consent:ip:${req.ip ?? ''}`, PUBLIC_LIMITS.consentPerIp, req.now);
  const r = await reportOfPair(db, input.refCode, input.headIdNumber);
  const reportId = Number(r.id);
  const actor = selfReportActor(r.region_code);

  await inTransaction(db, async (trx) => {
    const audit: AuditEntry[] = [];
    for (const m of input.members) {
      const id = await insertReportConsent(trx, { reportId, name: m.name, idNumber: m.idNumber, signedAt: req.now, ip: req.ip });
      if (id !== null)
        audit.push({
          actor, action: 'self_report.consent', objectType: 'self_report', objectId: reportId, countyCode: r.county_code,
          after: { consentId: id, name: m.name, ip: req.ip, signedAt: req.now.toISOString(), commitment: COMMITMENT_VERSION },
        });
    }
    await appendAuditBatch(trx, audit);
    if (r.case_id && r.household_id) {
      const kase = await findCase(trx, Number(r.case_id));
      if (kase && kase.outcome === null)
        await attachReportConsents(trx, actor, { reportId, caseId: Number(kase.id), caseState: kase.state, householdId: Number(r.household_id), countyCode: kase.county_code });
    }
  });

  const signed = await reportConsents(db, reportId);
  return {
    message: `已记录${input.members.length}位家庭成员的承诺授权。`,
    signatures: signed.map((k) => ({ name: k.name, idNumber: maskIdNumber(k.id_number), signedAt: k.signed_at })),
  };
}
