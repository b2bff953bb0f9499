/**
 * Every time limit of the guide as a computed due date (PRC-7): 15 days lead → identification
 * (Q42), the 5-day village notice (Q42), 10 days system entry (Q45), 10 days assistance plan
 * (Q27), 1 month green channel (Q29), 3 months member change (Q20); and how near a due date is.
 */
import { describe, expect, it } from 'vitest';
import { defaultParameters } from '../policy/parameters.ts';
import {
  addDays, addMonths, daysBetween, daysLeftText, deadlineRule, deadlineStatus, DEADLINE_RULES, dueDate, DUE_SOON_DAYS, type DeadlineKind,
} from './deadlines.ts';

describe('due dates from the shipped parameters', () => {
  it.each([
    ['lead_to_identification', '2024-03-01', '2024-03-16', 'Q42', 'case'],
    ['notice_period', '2024-03-01', '2024-03-06', 'Q42', 'village'],
    ['system_entry', '2024-03-06', '2024-03-16', 'Q45', 'county'],
    ['plan_publication', '2024-03-06', '2024-03-16', 'Q27', 'village'],
    ['green_channel', '2024-03-06', '2024-04-06', 'Q29', 'county'],
    ['member_change', '2024-03-06', '2024-06-06', 'Q20', 'village'],
    ['verification_task', '2024-03-06', '2024-03-13', 'Q43', 'village'],
    ['hotline_consultation', '2024-03-06', '2024-03-09', 'Q52', 'county'],
    ['hotline_self_report', '2024-03-06', '2024-03-13', 'Q52', 'county'],
    ['hotline_tip_off', '2024-03-06', '2024-03-21', 'Q52', 'county'],
  ] as const)('%s opened %s is due %s (%s, %s)', (kind, openedOn, due, clause, role) => {
    expect(dueDate(kind, openedOn)).toBe(due);
    expect(deadlineRule(kind)).toMatchObject({ kind, clause, responsibleRole: role });
  });

  it('reads each length from its parameter file, with the clause the file names', () => {
    const p = defaultParameters();
    const expected: Record<DeadlineKind, [number, string]> = {
      lead_to_identification: [15, 'Q42'],
      notice_period: [5, 'Q42'],
      system_entry: [10, 'Q45'],
      plan_publication: [10, 'Q27'],
      green_channel: [1, 'Q29'],
      member_change: [3, 'Q20'],
      verification_task: [7, 'Q43'],
      hotline_consultation: [3, 'Q52'],
      hotline_self_report: [7, 'Q52'],
      hotline_tip_off: [15, 'Q52'],
    };
    expect(Object.keys(DEADLINE_RULES).sort()).toEqual(Object.keys(expected).sort());
    for (const [kind, [value, clause]] of Object.entries(expected) as [DeadlineKind, [number, string]][]) {
      const entry = p.entryAt(DEADLINE_RULES[kind].parameter, '2024-03-01')!;
      expect(entry.value, kind).toBe(value);
      expect(entry.reference, kind).toContain(clause);
      expect(DEADLINE_RULES[kind].clause, kind).toBe(clause);
    }
  });

  it('the 15 days of Q42 and the 10 days of Q27/Q45 cross month and year ends', () => {
    expect(dueDate('lead_to_identification', '2024-02-20')).toBe('2024-03-06');
    expect(dueDate('lead_to_identification', '2023-02-20')).toBe('2023-03-07');
    expect(dueDate('lead_to_identification', '2023-12-25')).toBe('2024-01-09');
    expect(dueDate('system_entry', '2024-12-28')).toBe('2025-01-07');
    expect(dueDate('plan_publication', '2024-02-25')).toBe('2024-03-06');
  });

  it('the notice period ends the day after its fifth day, when the next step may be taken (Q42)', () => {
    // A notice 2024-03-04 … 2024-03-08 (five days, both ends counted) is over on 2024-03-09.
    expect(dueDate('notice_period', '2024-03-04')).toBe('2024-03-09');
  });

  it.each([
    ['2024-01-31', '2024-02-29'],
    ['2023-01-31', '2023-02-28'],
    ['2024-03-31', '2024-04-30'],
    ['2024-12-31', '2025-01-31'],
    ['2024-01-15', '2024-02-15'],
  ])('the green channel month (Q29) from %s ends %s, clamped to the month end', (entered, due) => {
    expect(dueDate('green_channel', entered)).toBe(due);
  });

  it.each([
    ['2024-01-31', '2024-04-30'],
    ['2023-11-30', '2024-02-29'],
    ['2023-11-29', '2024-02-29'],
    ['2022-11-30', '2023-02-28'],
    ['2024-10-15', '2025-01-15'],
  ])('the 3 months of a member change (Q20) from %s end %s', (event, due) => {
    expect(dueDate('member_change', event)).toBe(due);
  });

  it('uses the value in force on the day the deadline opened, not today', () => {
    const p = defaultParameters().withValue('system_entry_max_days', '2025-01-01', 7, 'Q45（测试：新规定）');
    expect(dueDate('system_entry', '2024-12-31', p)).toBe('2025-01-10');
    expect(dueDate('system_entry', '2025-01-01', p)).toBe('2025-01-08');
    const months = defaultParameters().withValue('green_channel_verification_months', '2025-01-01', 2, 'Q29（测试）');
    expect(dueDate('green_channel', '2025-01-31', months)).toBe('2025-03-31');
  });
});

describe('date arithmetic', () => {
  it('addDays crosses leap days, month and year ends, and goes back', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-03-10', 0)).toBe('2024-03-10');
  });

  it('addMonths clamps to the last day of the month, also backwards and across years', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-05-31', 1)).toBe('2024-06-30');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonths('2024-01-01', 24)).toBe('2026-01-01');
  });

  it('daysBetween counts whole days either way, across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-03-16', '2024-03-01')).toBe(-15);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2024-03-10', '2024-03-10')).toBe(0);
  });
});

describe('how near a due date is (workbench, PRC-7)', () => {
  const DUE = '2024-03-16';

  it.each([
    ['2024-03-01', 'open', '还剩15天'],
    ['2024-03-12', 'open', '还剩4天'],
    ['2024-03-13', 'due_soon', '还剩3天'],
    ['2024-03-15', 'due_soon', '还剩1天'],
    ['2024-03-16', 'due_soon', '今天到期'],
    ['2024-03-17', 'overdue', '已逾期1天'],
    ['2024-04-01', 'overdue', '已逾期16天'],
  ])('due %s seen on %s: %s, “%s”', (today, status, text) => {
    expect(deadlineStatus(DUE, today)).toBe(status);
    expect(daysLeftText(DUE, today)).toBe(text);
  });

  it('“due soon” means at most 3 days left, today included', () => {
    expect(DUE_SOON_DAYS).toBe(3);
    expect(deadlineStatus(addDays(DUE, 0), DUE)).toBe('due_soon');
    expect(deadlineStatus(addDays(DUE, DUE_SOON_DAYS), DUE)).toBe('due_soon');
    expect(deadlineStatus(addDays(DUE, DUE_SOON_DAYS + 1), DUE)).toBe('open');
    expect(deadlineStatus(addDays(DUE, -1), DUE)).toBe('overdue');
  });

  it('a closed deadline is closed, even if it was closed late', () => {
    expect(deadlineStatus(DUE, '2024-03-20', '2024-03-19')).toBe('closed');
    expect(deadlineStatus(DUE, '2024-03-01', '2024-03-01')).toBe('closed');
    expect(deadlineStatus(DUE, '2024-03-20', null)).toBe('overdue');
  });

  it('counts across a month end', () => {
    expect(daysLeftText('2024-03-02', '2024-02-28')).toBe('还剩3天');
    expect(deadlineStatus('2024-03-02', '2024-02-28')).toBe('due_soon');
    expect(daysLeftText('2024-02-28', '2024-03-01')).toBe('已逾期2天');
  });
});
