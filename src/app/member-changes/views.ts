import { maskIdNumber } from '../../domain/masking.ts';
import type { MemberChangeRow } from '../../store/member-changes.ts';

/** API shape of a member change (人口自然变更采集表); the ID number is always masked here (SEC-3). */
export function memberChangeView(r: MemberChangeRow & { region_name?: string | null }) {
  return {
    id: r.id,
    householdId: r.household_id,
    regionCode: r.region_code,
    ...(r.region_name !== undefined ? { regionName: r.region_name } : {}),
    memberId: r.member_id,
    direction: r.direction,
    reason: r.reason,
    evidenceType: r.evidence_type,
    evidenceRef: r.evidence_ref,
    eventDate: r.event_on,
    recordedOn: r.recorded_on,
    dueOn: r.due_on,
    overdue: r.overdue,
    name: r.name,
    idNumber: maskIdNumber(r.id_number),
    sex: r.sex,
    birthDate: r.birth_date,
    relation: r.relation,
    note: r.note,
    recordedBy: r.recorded_by_name,
    version: r.version,
  };
}
