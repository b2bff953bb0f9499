/**
 * Dates and months as the guide counts them. A month is an integer index (year × 12 + month − 1)
 * so that windows and durations are plain integer arithmetic.
 */
export type MonthIndex = number;

/** An inclusive range of months. */
export interface MonthRange {
  readonly from: MonthIndex;
  readonly to: MonthIndex;
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_SHAPE = /^\d{4}-\d{2}$/;
const MONTH_DAY_SHAPE = /^\d{2}-\d{2}$/;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** The month of a validated `YYYY-MM` or `YYYY-MM-DD` string. */
export function monthIndex(monthOrDate: string): MonthIndex {
  const year = digit(monthOrDate, 0) * 1000 + digit(monthOrDate, 1) * 100 + digit(monthOrDate, 2) * 10 + digit(monthOrDate, 3);
  const month = digit(monthOrDate, 5) * 10 + digit(monthOrDate, 6);
  return year * 12 + month - 1;
}

/** `YYYY-MM` of a month index. */
export function monthLabel(month: MonthIndex): string {
  const year = Math.floor(month / 12);
  const m = month - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}`;
}

export function yearOf(date: string): number {
  return digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
}

/** Number of months in an inclusive range (0 when empty). */
export function monthsIn(range: MonthRange): number {
  return range.to >= range.from ? range.to - range.from + 1 : 0;
}

/** Months shared by two inclusive ranges. */
export function overlapMonths(aFrom: MonthIndex, aTo: MonthIndex, b: MonthRange): number {
  const from = aFrom > b.from ? aFrom : b.from;
  const to = aTo < b.to ? aTo : b.to;
  return to >= from ? to - from + 1 : 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isDateShaped(s: string): boolean {
  return DATE_SHAPE.test(s);
}

/** A real calendar date in `YYYY-MM-DD` (2023-02-30 is not). */
export function isValidDate(s: string): boolean {
  if (!DATE_SHAPE.test(s)) return false;
  const year = yearOf(s);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isMonthShaped(s: string): boolean {
  return MONTH_SHAPE.test(s);
}

export function isValidMonth(s: string): boolean {
  if (!MONTH_SHAPE.test(s)) return false;
  const month = digit(s, 5) * 10 + digit(s, 6);
  return yearOf(s) >= 1 && month >= 1 && month <= 12;
}

/** A calendar day of any year in `MM-DD` (02-29 allowed). */
export function isValidMonthDay(s: string): boolean {
  if (!MONTH_DAY_SHAPE.test(s)) return false;
  const month = digit(s, 0) * 10 + digit(s, 1);
  const day = digit(s, 3) * 10 + digit(s, 4);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2000, month);
}
