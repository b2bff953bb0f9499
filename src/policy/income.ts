/**
 * Income and expenditure in the assessment window (Q10, Q13, Q14, INC-1…INC-4).
 * Sums are exact fen (see exact.ts); callers round only what they report or compare.
 */
import { monthIndex, monthLabel, overlapMonths, type MonthIndex, type MonthRange } from './calendar.ts';
import { ExactFen } from './exact.ts';
import { yuanToFen, formatYuan } from './money.ts';
import type { Claim, Expense, ExpenseType, Income, IncomeType, Reason, Traced } from './types.ts';

/**
 * Q10, INC-4: the `months` whole months ending with the month before the assessment month M
 * ("从识别纳入月份的上一个月，向前推算一年"). Also used for the recent half-year of Q32.
 */
export function incomeWindow(assessmentMonth: MonthIndex, months: number): MonthRange {
  return { from: assessmentMonth - months, to: assessmentMonth - 1 };
}

export function windowLabel(range: MonthRange): { from: string; to: string } {
  return { from: monthLabel(range.from), to: monthLabel(range.to) };
}

/** Q13: business_cost (生产经营性支出) is deducted, the four kinds of income are added. */
const INCOME_SIGN: Record<IncomeType, 1 | -1> = { wage: 1, business: 1, transfer: 1, property: 1, business_cost: -1 };

/** Q13: which expenses are compliant self-paid expenditure. */
const COMPLIANT: Record<ExpenseType, boolean> = {
  medical_out_of_pocket: true,
  tuition: true,
  accommodation: true,
  disaster: true,
  accident: true,
  other_medical: false,
  other_education: false,
  other: false,
};

export function isCompliantExpense(type: ExpenseType): boolean {
  return COMPLIANT[type];
}

export interface NetIncome {
  /** Net income in the assessment window. */
  window: ExactFen;
  /** Net income in the recent period (elimination), or null when not asked for. */
  recent: ExactFen | null;
}

/**
 * Q13, INC-1, INC-4: wage + business + transfer + property − business_cost. An entry over
 * `from`…`to` (n months) contributes amount × (months inside the range) / n. Incomes of members
 * who are not counted are left out (Q15, Q17, Q18); incomes without a member are the household's.
 */
export function netIncome(
  incomes: readonly Income[],
  uncountedIds: readonly string[],
  window: MonthRange,
  recent: MonthRange | null,
): NetIncome {
  const total = new ExactFen();
  const recentTotal = recent ? new ExactFen() : null;
  for (const income of incomes) {
    if (income.memberId !== undefined && uncountedIds.length > 0 && uncountedIds.includes(income.memberId)) continue;
    const from = monthIndex(income.from);
    const to = monthIndex(income.to);
    const months = to - from + 1;
    const fen = INCOME_SIGN[income.type] * yuanToFen(income.amount);
    const inside = overlapMonths(from, to, window);
    if (inside > 0) total.addShare(fen, inside, months);
    if (recentTotal) {
      const insideRecent = overlapMonths(from, to, recent!);
      if (insideRecent > 0) recentTotal.addShare(fen, insideRecent, months);
    }
  }
  return { window: total, recent: recentTotal };
}

/** Q13, Q14: claims received (paid) in the window; pending claims are not counted. */
export function paidClaims(claims: readonly Claim[], window: MonthRange): ExactFen {
  const total = new ExactFen();
  for (const claim of claims) {
    if (claim.status !== 'paid') continue;
    const month = monthIndex(claim.month);
    if (month >= window.from && month <= window.to) total.addFen(yuanToFen(claim.amount));
  }
  return total;
}

/** Q13, INC-3: compliant self-paid expenditure in the window. */
export function compliantExpenditure(expenses: readonly Expense[], window: MonthRange): ExactFen {
  const total = new ExactFen();
  for (const expense of expenses) {
    if (!COMPLIANT[expense.type]) continue;
    const month = monthIndex(expense.month);
    if (month >= window.from && month <= window.to) total.addFen(yuanToFen(expense.amount));
  }
  return total;
}

/**
 * Q14, INC-2: a claim not yet paid never suspends identification and never changes the
 * recommendation; it calls for following the claim closely. Any pending claim counts, in the
 * window or not.
 */
export function pendingClaimFollowUp(claims: readonly Claim[]): Traced<boolean> {
  let count = 0;
  const total = new ExactFen();
  for (const claim of claims) {
    if (claim.status !== 'pending') continue;
    count++;
    total.addFen(yuanToFen(claim.amount));
  }
  if (count === 0) return { value: false, reasons: [] };
  const reason: Reason = {
    rule: 'pending_claim_follow_up',
    clause: 'Q14',
    message: `有${count}笔理赔尚未到位（合计${formatYuan(total.roundedFen())}元），未计入收入；不得以理赔未到位为由暂停识别，应密切跟进理赔情况`,
  };
  return { value: true, reasons: [reason] };
}
