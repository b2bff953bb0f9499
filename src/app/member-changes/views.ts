import { birthDateView, maskIdNumber } from '../../domain/masking.ts';
import type { MemberChangeRow } from '../../store/member-changes.ts';
import { viewText, type Viewer } from '../privacy.ts';

/**
 * API shape of a member change (人口自然变更采集表). The ID number is always masked here, so the
 * birth date is too (SEC-3) — and so are the dates of a birth, which are the birth date (event)
 * and a fixed 3 months after it (due date): the year stays, `overdue` says whether it was late.
 */
export function memberChangeView(r: MemberChangeRow & { region_name?: string | null }, viewer: Viewer) {
  const birth = birthDateView(r.birth_date, false);
  const bornThen = r.reason === 'birth' || r.event_on === r.birth_date;
  return {
    id: r.id,
    householdId: r.household_id,
    regionCode: r.region_code,
    ...(r.region_name !== undefined ? { regionName: r.region_name } : {}),
    memberId: r.member_id,
    direction: r.direction,
    reason: r.reason,
    evidenceType: r.evidence_type,
    evidenceRef: viewText(viewer, r.evidence_ref),
    eventDate: bornThen ? null : r.event_on,
    eventYear: Number(r.event_on.slice(0, 4)),
    recordedOn: r.recorded_on,
    dueOn: bornThen ? null : r.due_on,
    overdue: r.overdue,
    name: r.name,
    idNumber: maskIdNumber(r.id_number),
    sex: r.sex,
    ...birth,
    relation: r.relation,
    note: viewText(viewer, r.note),
    recordedBy: r.recorded_by_name,
    version: r.version,
  };
}
