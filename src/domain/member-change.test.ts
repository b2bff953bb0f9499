import { describe, expect, it } from 'vitest';
import { makeIdNumber } from './id-number.ts';
import { dueDate } from './deadlines.ts';
import {
  checkDecrease, checkMemberChange, DECREASE_REASONS, EVIDENCE_BY_REASON, EVIDENCE_TYPES, INCREASE_REASONS,
} from './member-change.ts';
import { Check } from './validation.ts';

const TODAY = '2024-06-15';
const baby = makeIdNumber('360731', '2024-05-02', 12, 'female');
const newMember = (idNumber = baby) => ({ name: '李小花', idNumber, relation: 'grandchild', laborAbility: 'none' });

function check(raw: unknown, today = TODAY) {
  const c = new Check();
  const out = checkMemberChange(c, raw, today);
  return { out, errors: c.errors };
}

describe('natural member change rules (REG-5, Q20)', () => {
  it('accepts a birth with its certificate; the member is validated as any member (REG-2)', () => {
    const { out, errors } = check({
      direction: 'increase', reason: 'birth', evidenceType: 'birth_certificate', evidenceRef: 'Q360123456', eventDate: '2024-05-02', member: newMember(),
    });
    expect(errors).toEqual([]);
    expect(out).toMatchObject({ direction: 'increase', reason: 'birth', eventDate: '2024-05-02', member: { birthDate: '2024-05-02', sex: 'female' } });
  });

  it('accepts a death with its certificate', () => {
    const { out, errors } = check({ direction: 'decrease', reason: 'death', evidenceType: 'death_certificate', evidenceRef: 'SW-1', eventDate: '2024-01-03', memberId: 7 });
    expect(errors).toEqual([]);
    expect(out).toMatchObject({ memberId: 7, reason: 'death' });
  });

  it('every reason has at least one evidence type, and every evidence type proves some reason', () => {
    for (const r of [...INCREASE_REASONS, ...DECREASE_REASONS]) expect(EVIDENCE_BY_REASON[r].length).toBeGreaterThan(0);
    const used = new Set(Object.values(EVIDENCE_BY_REASON).flat());
    for (const e of EVIDENCE_TYPES) expect(used.has(e), e).toBe(true);
  });

  it('refuses evidence that does not prove the reason, naming the field and Q20', () => {
    const { errors } = check({ direction: 'decrease', reason: 'death', evidenceType: 'marriage_certificate', evidenceRef: 'x', eventDate: '2024-01-03', memberId: 7 });
    expect(errors).toEqual([{ path: 'evidenceType', message: '佐证材料与变更原因不符：“死亡”应提供 死亡证明、户口簿/户籍证明（Q20）' }]);
  });

  it('refuses a reason of the other direction', () => {
    const { errors } = check({ direction: 'increase', reason: 'death', evidenceType: 'death_certificate', evidenceRef: 'x', eventDate: '2024-01-03', member: newMember() });
    expect(errors.map((e) => e.path)).toContain('reason');
    expect(errors.find((e) => e.path === 'reason')!.message).toMatch(/出生.*婚入.*户籍迁入.*Q20/);
  });

  it('refuses an event in the future', () => {
    const { errors } = check({ direction: 'decrease', reason: 'death', evidenceType: 'death_certificate', evidenceRef: 'x', eventDate: '2024-06-16', memberId: 7 });
    expect(errors).toEqual([{ path: 'eventDate', message: '变更日期 2024-06-16 晚于今天，不能登记尚未发生的变更（Q20）' }]);
  });

  it('a birth happens on the birth date of the ID number', () => {
    const { errors } = check({
      direction: 'increase', reason: 'birth', evidenceType: 'birth_certificate', evidenceRef: 'x', eventDate: '2024-05-03', member: newMember(),
    });
    expect(errors).toEqual([{ path: 'eventDate', message: '出生增加的变更日期应为出生日期 2024-05-02（身份证号），Q20' }]);
  });

  it('an increase needs the new member, a decrease the member id', () => {
    expect(check({ direction: 'increase', reason: 'marriage', evidenceType: 'marriage_certificate', evidenceRef: 'x', eventDate: '2024-01-03' }).errors.map((e) => e.path)).toEqual(['member']);
    expect(check({ direction: 'decrease', reason: 'move_out', evidenceType: 'migration_certificate', evidenceRef: 'x', eventDate: '2024-01-03' }).errors).toEqual([{ path: 'memberId', message: '必填' }]);
  });

  it('member fields are checked at member.*', () => {
    const { errors } = check({
      direction: 'increase', reason: 'move_in', evidenceType: 'migration_certificate', evidenceRef: 'x', eventDate: '2024-01-03',
      member: { ...newMember(baby.slice(0, 17) + (baby[17] === '1' ? '2' : '1')) },
    });
    expect(errors.map((e) => e.path)).toEqual(['member.idNumber']);
  });

  it('a decrease needs an active member who was there on the event day', () => {
    const c = new Check();
    expect(checkDecrease(c, { active: false, birth_date: '1950-01-01', joined_on: null }, '2024-01-01')).toBe('inactive');
    expect(checkDecrease(c, { active: true, birth_date: '1950-01-01', joined_on: '2023-03-01' }, '2023-02-28')).toBeNull();
    expect(c.errors).toEqual([{ path: 'eventDate', message: '变更日期不能早于该成员出生或迁入本户的日期 2023-03-01（Q20）' }]);
  });

  it('the recording is due 3 months after the event (member_change_max_months), clamped at month end', () => {
    expect(dueDate('member_change', '2024-03-15')).toBe('2024-06-15');
    expect(dueDate('member_change', '2024-03-14')).toBe('2024-06-14');
    expect(dueDate('member_change', '2023-11-30')).toBe('2024-02-29');
  });
});
