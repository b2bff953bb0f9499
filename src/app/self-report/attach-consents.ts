import { chinaDate } from '../../domain/clock.ts';
import { COMMITMENT_VERSION } from '../../domain/self-report.ts';
import { appendAuditBatch, type AuditEntry } from '../../store/audit.ts';
import { attachCaseConsent, pendingConsentMatches } from '../../store/self-reports.ts';
import type { Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';

/** Case states in which consents are still collected (before the township's review, Q22). */
export const CONSENT_OPEN_STATES = new Set(['lead', 'verified', 'appraised', 'in_notice', 'noticed']);

/**
 * Puts the report's signed commitments on its case (Q22): each signature whose ID number matches
 * an active member of the case's household by blind index becomes that member's case consent,
 * dated the day it was signed (China time); a member the village already recorded keeps that
 * record, linked. Signatures that match nobody wait (the village may still register the member).
 * In the caller's transaction, with one audit entry per new consent.
 */
export async function attachReportConsents(
  trx: Tx,
  actor: Pick<Actor, 'id' | 'displayName' | 'role'>,
  r: { reportId: number; caseId: number; caseState: string; householdId: number; countyCode: string },
): Promise<number> {
  if (!CONSENT_OPEN_STATES.has(r.caseState)) return 0;
  const matches = await pendingConsentMatches(trx, r.reportId, r.householdId);
  const audit: AuditEntry[] = [];
  for (const m of matches) {
    const signedOn = chinaDate(new Date(m.signed_at as unknown as string | Date));
    const k = await attachCaseConsent(trx, {
      consentId: Number(m.id), caseId: r.caseId, countyCode: r.countyCode, memberId: Number(m.member_id), signedOn, recordedBy: actor.id,
    });
    if (k.created)
      audit.push({
        actor, action: 'case.consent', objectType: 'workflow_case', objectId: r.caseId, countyCode: r.countyCode,
        after: { memberId: Number(m.member_id), signedOn, channel: 'miniprogram', selfReportId: r.reportId, selfReportConsentId: Number(m.id), commitment: COMMITMENT_VERSION },
      });
  }
  await appendAuditBatch(trx, audit);
  return audit.length;
}
