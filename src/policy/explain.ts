/**
 * The figures behind a result, for the explanation page (issue 3, item 6): the window's income
 * by type, paid claims and compliant expenditure, computed with the same functions assess()
 * uses, so the parts always add up to its net income.
 */
import { countedMembers } from './household.ts';
import { compliantExpenditure, incomeWindow, netIncome, paidClaims } from './income.ts';
import { monthIndex } from './calendar.ts';
import { defaultParameters, type ParameterSet } from './parameters.ts';
import { fenToYuan } from './money.ts';
import { INCOME_TYPES, type AssessmentInput } from './types.ts';

export interface IncomeComponents {
  wage: number;
  business: number;
  transfer: number;
  property: number;
  /** Production and operating costs, as a positive amount that is deducted. */
  business_cost: number;
  paidClaims: number;
  compliantExpenditure: number;
}

export function incomeComponents(input: AssessmentInput, parameters: ParameterSet = defaultParameters()): IncomeComponents {
  const { household, asOf } = input;
  const window = incomeWindow(monthIndex(asOf), parameters.valueAt('income_window_months', asOf));
  const uncounted = countedMembers(household.members).value.uncountedIds;
  const incomes = household.incomes ?? [];
  const byType = Object.fromEntries(
    INCOME_TYPES.map((type) => [type, Math.abs(fenToYuan(netIncome(incomes.filter((i) => i.type === type), uncounted, window, null).window.roundedFen()))]),
  ) as Record<(typeof INCOME_TYPES)[number], number>;
  return {
    ...byType,
    paidClaims: fenToYuan(paidClaims(household.claims ?? [], window).roundedFen()),
    compliantExpenditure: fenToYuan(compliantExpenditure(household.expenses ?? [], window).roundedFen()),
  };
}
