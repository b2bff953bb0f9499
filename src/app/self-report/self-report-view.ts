import { maskIdNumber, maskPhone } from '../../domain/masking.ts';
import { difficultyNames, REPORT_STATE_NAMES, type ReportState } from '../../domain/self-report.ts';
import { LEAD_SOURCE_NAMES } from '../../domain/identification-case.ts';
import { householdsWithMember, reportConsents, type SelfReportListRow, type SelfReportRow } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { can, scopePattern } from '../authz.ts';
import { viewerOf, viewText } from '../privacy.ts';
import { statusOfReport } from './report-progress.ts';

const codesOf = (s: string) => (s ? s.split(',') : []);

/** A report as the worklist shows it: the head's ID number and phone masked. */
export function selfReportListItem(r: SelfReportListRow | SelfReportRow, consentCount?: number) {
  const difficulties = codesOf(r.difficulties);
  return {
    id: Number(r.id), refCode: r.ref_code, channel: r.channel, sourceName: LEAD_SOURCE_NAMES.self_report_miniprogram,
    headName: r.head_name, headIdNumber: maskIdNumber(r.head_id_number), phone: r.phone ? maskPhone(r.phone) : null,
    regionCode: r.region_code, regionName: r.region_name ?? null, difficulties, difficultyNames: difficultyNames(difficulties),
    reportedOn: r.reported_on, state: r.state, stateName: REPORT_STATE_NAMES[r.state as ReportState] ?? r.state,
    householdId: r.household_id === null ? null : Number(r.household_id), caseId: r.case_id === null ? null : Number(r.case_id),
    taskId: r.task_id === null ? null : Number(r.task_id),
    consentCount: consentCount ?? Number((r as SelfReportListRow).consent_count ?? 0), version: r.version,
  };
}

/**
 * A report in full for the village (WRN-5): what the household wrote (the description's health
 * wording for those who may see health), each member's signature with its time and whether it
 * is on the case, what the household sees on its status page, and — for those who handle it —
 * the registered households of the actor's region that have the head as a member (to open the
 * case once the village has registered the household). `reveal`: whole ID numbers, phone and
 * the signers' IP addresses (audited by the caller).
 */
export async function selfReportView(db: Db, actor: Actor, r: SelfReportRow, reveal: boolean) {
  const viewer = viewerOf(actor, r.region_code, { reveal });
  const [consents, status] = await Promise.all([reportConsents(db, Number(r.id)), statusOfReport(db, { ...r, id: Number(r.id) })]);
  const canHandle = can(actor, 'self_report:handle', r.region_code);
  const candidates = canHandle && r.state === 'received' ? await householdsWithMember(db, r.head_bidx, scopePattern(actor)) : [];
  return {
    ...selfReportListItem(r, consents.length),
    headIdNumber: viewer.identifiers ? r.head_id_number : maskIdNumber(r.head_id_number),
    phone: r.phone ? (viewer.identifiers ? r.phone : maskPhone(r.phone)) : null,
    description: viewText(viewer, r.description),
    rejectReason: viewText(viewer, r.reject_reason),
    ip: viewer.identifiers ? r.ip : null,
    createdAt: r.created_at,
    publicStatus: status,
    consents: consents.map((k) => ({
      id: Number(k.id), name: k.name, idNumber: viewer.identifiers ? k.id_number : maskIdNumber(k.id_number), signedAt: k.signed_at,
      ip: viewer.identifiers ? k.ip : null, memberId: k.member_id === null ? null : Number(k.member_id), memberName: k.member_name ?? null,
      onCase: k.case_consent_id !== null,
    })),
    candidates: candidates.map((h) => ({
      householdId: Number(h.id), headName: h.head_name, regionCode: h.region_code, regionName: h.region_name, monitoringStatus: h.monitoring_status,
      openCaseId: h.open_case_id === null ? null : Number(h.open_case_id), memberName: h.member_name, relation: h.relation,
    })),
    sensitiveRevealed: viewer.identifiers,
    canRevealSensitive: can(actor, 'household:read_sensitive', r.region_code),
    canHandle: canHandle && r.state === 'received',
  };
}

export type SelfReportView = Awaited<ReturnType<typeof selfReportView>>;
export type SelfReportListItem = ReturnType<typeof selfReportListItem>;
