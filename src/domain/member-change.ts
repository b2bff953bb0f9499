import { checkMember, type MemberInput } from './household.ts';
import type { Check } from './validation.ts';

/**
 * Natural member increase and decrease (人口自然增减, REG-5, Q20): the reason, the evidence
 * that proves it (佐证材料), the 人口自然变更采集表 fields, and the 3-month recording limit.
 * Nothing here reads a clock; callers pass today's date.
 */
export const CHANGE_DIRECTIONS = ['increase', 'decrease'] as const;
export type ChangeDirection = (typeof CHANGE_DIRECTIONS)[number];
export const DIRECTION_NAMES: Record<ChangeDirection, string> = { increase: '自然增加', decrease: '自然减少' };

export const INCREASE_REASONS = ['birth', 'marriage', 'move_in'] as const;
export const DECREASE_REASONS = [
  'death', 'funeral', 'missing', 'meeting_minutes', 'court_judgment', 'marriage_out', 'move_out',
] as const;
export type ChangeReason = (typeof INCREASE_REASONS)[number] | (typeof DECREASE_REASONS)[number];
export const REASONS_BY_DIRECTION: Record<ChangeDirection, readonly ChangeReason[]> = {
  increase: INCREASE_REASONS,
  decrease: DECREASE_REASONS,
};
export const REASON_NAMES: Record<ChangeReason, string> = {
  birth: '出生', marriage: '婚入', move_in: '户籍迁入',
  death: '死亡', funeral: '火化/殡葬', missing: '失踪失联', meeting_minutes: '会议纪要认定', court_judgment: '法院判决',
  marriage_out: '婚出', move_out: '户籍迁出',
};

export const EVIDENCE_TYPES = [
  'birth_certificate', 'marriage_certificate', 'household_register', 'migration_certificate', 'death_certificate',
  'cremation_certificate', 'missing_certificate', 'meeting_minutes', 'court_judgment',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
export const EVIDENCE_NAMES: Record<EvidenceType, string> = {
  birth_certificate: '出生医学证明',
  marriage_certificate: '结婚证/婚姻登记证明',
  household_register: '户口簿/户籍证明',
  migration_certificate: '户口迁移证明',
  death_certificate: '死亡证明',
  cremation_certificate: '火化证明/殡葬证明',
  missing_certificate: '失踪失联证明',
  meeting_minutes: '会议记录/会议纪要',
  court_judgment: '法院判决书',
};

/**
 * The evidence that proves each reason. Q20 names the evidence by example (出生证明、婚姻证明、
 * 户籍证明；死亡证明、殡葬证明、失踪失联证明、会议记录、判决书); this table is the reading
 * chosen (docs/member-changes.md): the first entry is the one the form proposes.
 */
export const EVIDENCE_BY_REASON: Record<ChangeReason, readonly EvidenceType[]> = {
  birth: ['birth_certificate', 'household_register'],
  marriage: ['marriage_certificate', 'household_register'],
  move_in: ['migration_certificate', 'household_register'],
  death: ['death_certificate', 'household_register'],
  funeral: ['cremation_certificate'],
  missing: ['missing_certificate', 'court_judgment'],
  meeting_minutes: ['meeting_minutes'],
  court_judgment: ['court_judgment'],
  marriage_out: ['marriage_certificate', 'household_register'],
  move_out: ['migration_certificate', 'household_register'],
};

const names = <T extends string>(values: readonly T[], map: Record<T, string>) => values.map((v) => map[v]).join('、');

/** The body of POST /households/:id/member-changes, parsed. */
export interface MemberChangeInput {
  direction: ChangeDirection;
  reason: ChangeReason;
  evidenceType: EvidenceType;
  evidenceRef: string;
  eventDate: string;
  note: string | null;
  /** Increase: the new member, validated exactly as a registered member (REG-2). */
  member?: Partial<MemberInput>;
  /** Decrease: the member who leaves. */
  memberId?: number;
}

const FIELDS = ['direction', 'reason', 'evidenceType', 'evidenceRef', 'eventDate', 'note', 'member', 'memberId'];

/**
 * Validates a member change against today's date. What needs the stored member (is it still in
 * the household, did it join before the event) is checked by the use case with `checkDecrease`.
 */
export function checkMemberChange(c: Check, raw: unknown, today: string): Partial<MemberChangeInput> {
  const o = c.object('', raw, FIELDS);
  if (!o) return {};
  const out: Partial<MemberChangeInput> = {};
  const direction = c.oneOf('direction', o.direction, CHANGE_DIRECTIONS);
  if (direction) out.direction = direction;
  if (direction) {
    const allowed = REASONS_BY_DIRECTION[direction];
    if (o.reason != null && o.reason !== '' && !(allowed as readonly unknown[]).includes(o.reason))
      c.fail('reason', `${DIRECTION_NAMES[direction]}的原因应为 ${names(allowed, REASON_NAMES)} 之一（Q20）`);
    else out.reason = c.oneOf('reason', o.reason, allowed) ?? undefined;
  }
  const evidence = c.oneOf('evidenceType', o.evidenceType, EVIDENCE_TYPES);
  if (evidence && out.reason) {
    const fits = EVIDENCE_BY_REASON[out.reason];
    if (!fits.includes(evidence))
      c.fail('evidenceType', `佐证材料与变更原因不符：“${REASON_NAMES[out.reason]}”应提供 ${names(fits, EVIDENCE_NAMES)}（Q20）`);
    else out.evidenceType = evidence;
  }
  out.evidenceRef = c.string('evidenceRef', o.evidenceRef, { required: true, max: 100 }) ?? undefined;
  out.note = c.string('note', o.note, { max: 500 });
  const eventDate = c.date('eventDate', o.eventDate, { required: true });
  if (eventDate && eventDate > today) c.fail('eventDate', `变更日期 ${eventDate} 晚于今天，不能登记尚未发生的变更（Q20）`);
  else if (eventDate) out.eventDate = eventDate;

  if (direction === 'increase') {
    if (o.memberId !== undefined) c.fail('memberId', '自然增加不填写 memberId，请填写新增成员信息（member）');
    if (o.member === undefined || o.member === null) c.fail('member', '自然增加须填写新增成员信息（人口自然变更采集表，Q20）');
    else out.member = checkMember(c, 'member', o.member);
    const birth = out.member?.birthDate;
    if (birth && out.eventDate) {
      if (out.reason === 'birth' && out.eventDate !== birth)
        c.fail('eventDate', `出生增加的变更日期应为出生日期 ${birth}（身份证号），Q20`);
      else if (out.eventDate < birth) c.fail('eventDate', `变更日期不能早于新增成员的出生日期 ${birth}（Q20）`);
    }
  } else if (direction === 'decrease') {
    if (o.member !== undefined) c.fail('member', '自然减少不填写成员信息，请用 memberId 指明减少的成员');
    out.memberId = c.id('memberId', o.memberId, { required: true }) ?? undefined;
  }
  return out;
}

/** The stored member a decrease acts on (only the fields the rule reads). */
export interface LeavingMember {
  active: boolean;
  birth_date: string;
  joined_on: string | null;
}

/** A decrease needs a member still in the household, and an event after the member was there. */
export function checkDecrease(c: Check, m: LeavingMember, eventDate: string): 'inactive' | null {
  if (!m.active) return 'inactive';
  const since = m.joined_on && m.joined_on > m.birth_date ? m.joined_on : m.birth_date;
  if (eventDate < since) c.fail('eventDate', `变更日期不能早于该成员出生或迁入本户的日期 ${since}（Q20）`);
  return null;
}

export const INACTIVE_MEMBER_MESSAGE = '该成员已不是本户现有成员（已作自然减少），不能再次减少（Q20）';

