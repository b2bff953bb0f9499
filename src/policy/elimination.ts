/**
 * Risk elimination (Q30–Q37, Q24). Each condition is a named check that is always reported;
 * natural elimination (风险自然消除) is the labelled exception to the duration, income and
 * measure checks, in the manner of a Catala default rule with exceptions.
 */
import { monthLabel, monthsIn, type MonthIndex, type MonthRange } from './calendar.ts';
import { roundHalfAwayFromZero } from './exact.ts';
import { CHECK_NAMES, riskNames } from './labels.ts';
import { formatThreshold, formatYuan } from './money.ts';
import type { EliminationCheck, EliminationCheckRule, Measure, Reason, Risk, Traced } from './types.ts';

export interface EliminationFacts {
  assessmentMonth: MonthIndex;
  identifiedMonth: MonthIndex;
  naturalElimination: boolean;
  wholeHouseholdNoLaborFallback: boolean;
  guaranteesSecured: boolean;
  risks: readonly Risk[];
  measures: readonly Measure[];
  /** Some counted member has full labour ability. */
  anyFullLabor: boolean;
  window: MonthRange;
  perCapitaNetIncomeFen: number;
  /** The recent half-year (Q32) and its per-capita net income, rounded to the fen. */
  recent: MonthRange;
  recentPerCapitaNetIncomeFen: number;
  thresholdFen: number;
  /** Parameters in force: elimination_min_assistance_months, elimination_natural_min_months. */
  minAssistanceMonths: number;
  naturalMinMonths: number;
}

export interface EliminationDecision {
  eligible: boolean;
  checks: EliminationCheck[];
  earliestMonth: string;
}

const check = (rule: EliminationCheckRule, passed: boolean, clause: string, message: string): EliminationCheck =>
  ({ rule, passed, clause, message });

const NATURAL = '风险自然消除，不适用';

/** Q34: whole-household no-labour fallback households are not eliminated for now. */
function notFallbackHousehold(f: EliminationFacts): EliminationCheck {
  return f.wholeHouseholdNoLaborFallback
    ? check('not_fallback_household', false, 'Q34', '整户无劳动能力兜底保障户，暂不消除风险')
    : check('not_fallback_household', true, 'Q34', '不是整户无劳动能力兜底保障户');
}

/**
 * Q37: never out in the month of identification or the month after; Q32, Q37: unless the risk
 * was eliminated naturally, assistance lasts at least half a year.
 */
function minimumDuration(f: EliminationFacts): EliminationCheck {
  const elapsed = f.assessmentMonth - f.identifiedMonth;
  const span = `识别月份${monthLabel(f.identifiedMonth)}至评估月份${monthLabel(f.assessmentMonth)}`;
  if (elapsed < 0) return check('minimum_duration', false, 'Q32, Q37', `评估月份${monthLabel(f.assessmentMonth)}早于识别月份${monthLabel(f.identifiedMonth)}`);
  if (elapsed < f.naturalMinMonths) {
    return check('minimum_duration', false, 'Q32, Q37', `${span}相隔${elapsed}个月，不得当月进当月出或当月进次月出`);
  }
  if (f.naturalElimination) {
    return check('minimum_duration', true, 'Q32, Q37', `风险自然消除，${span}相隔${elapsed}个月，已满${f.naturalMinMonths}个月`);
  }
  if (elapsed < f.minAssistanceMonths) {
    return check('minimum_duration', false, 'Q32, Q37', `${span}相隔${elapsed}个月，不足${f.minAssistanceMonths}个月；除风险自然消除外，帮扶时间原则上至少半年`);
  }
  return check('minimum_duration', true, 'Q32, Q37', `${span}相隔${elapsed}个月，已满${f.minAssistanceMonths}个月`);
}

/**
 * Q30, Q32: income stable for at least half a year and above the threshold: the window's
 * per-capita net income exceeds it, and so does the recent half-year's, annualised (× 2).
 */
function incomeAboveThreshold(f: EliminationFacts): EliminationCheck {
  if (f.naturalElimination) return check('income_above_threshold', true, 'Q30, Q32', `${NATURAL}收入持续稳定半年以上的要求`);
  const windowMonths = monthsIn(f.window);
  const recentMonths = monthsIn(f.recent);
  const windowOk = f.perCapitaNetIncomeFen > f.thresholdFen;
  // Exact comparison of recent × 12/6 with the threshold; the annualised figure is for the message.
  const recentOk = f.recentPerCapitaNetIncomeFen * windowMonths > f.thresholdFen * recentMonths;
  const annualised = roundHalfAwayFromZero(f.recentPerCapitaNetIncomeFen * windowMonths, recentMonths);
  const threshold = formatThreshold(f.thresholdFen);
  const message =
    `近${windowMonths}个月（${monthLabel(f.window.from)}至${monthLabel(f.window.to)}）人均纯收入${formatYuan(f.perCapitaNetIncomeFen)}元，` +
    `${windowOk ? '超过' : '未超过'}监测范围${threshold}元；` +
    `近${recentMonths}个月（${monthLabel(f.recent.from)}至${monthLabel(f.recent.to)}）人均纯收入${formatYuan(f.recentPerCapitaNetIncomeFen)}元，` +
    `折合全年${formatYuan(annualised)}元，${recentOk ? '超过' : '未超过'}监测范围`;
  return check('income_above_threshold', windowOk && recentOk, 'Q30, Q32', message);
}

/** Q30, Q33: the risks are stably eliminated and no new risk exists. */
function risksResolved(f: EliminationFacts): EliminationCheck {
  const open = f.risks.filter((r) => r.resolved !== true);
  if (open.length > 0) {
    return check('risks_resolved', false, 'Q30, Q33', `尚有${open.length}项返贫致贫风险未消除（${riskNames(open.map((r) => r.type))}）`);
  }
  return check('risks_resolved', true, 'Q30, Q33', f.risks.length > 0 ? `${f.risks.length}项风险均已消除，无新增风险` : '没有未消除的返贫致贫风险');
}

/** Q30, Q33: three guarantees and drinking water, judged by the departments' own standards. */
function guaranteesSecured(f: EliminationFacts): EliminationCheck {
  return f.guaranteesSecured
    ? check('guarantees_secured', true, 'Q30, Q33', '“三保障”和饮水安全已由相关行业部门按标准认定保障到位')
    : check('guarantees_secured', false, 'Q30, Q33', '“三保障”和饮水安全尚未经相关行业部门按标准认定保障到位');
}

const isSubstantive = (m: Measure): boolean => m.status === 'implemented' || m.status === 'ended';

/** Q37: no elimination without substantive, effective assistance. */
function substantiveMeasures(f: EliminationFacts): EliminationCheck {
  if (f.naturalElimination) return check('substantive_measures', true, 'Q37', `${NATURAL}实质性帮扶措施的要求`);
  const n = f.measures.filter(isSubstantive).length;
  return n > 0
    ? check('substantive_measures', true, 'Q37', `已落实${n}项帮扶措施（已实施或已结束）`)
    : check('substantive_measures', false, 'Q37', '没有已实施或已结束的帮扶措施，不得在未采取实质性有效帮扶措施的情况下消除风险');
}

/** Q24: a household with labour ability gets at least one development-type measure. */
function developmentalMeasure(f: EliminationFacts): EliminationCheck {
  if (f.naturalElimination) return check('developmental_measure', true, 'Q24', `${NATURAL}开发式帮扶措施的要求`);
  if (!f.anyFullLabor) {
    return check('developmental_measure', true, 'Q24', '家庭人口中没有全劳力，不适用（对弱劳力半劳力应创造条件落实开发式帮扶措施）');
  }
  const n = f.measures.filter((m) => m.developmental && isSubstantive(m)).length;
  return n > 0
    ? check('developmental_measure', true, 'Q24', `家庭有劳动能力，已落实${n}项开发式帮扶措施`)
    : check('developmental_measure', false, 'Q24', '家庭有劳动能力，但没有已实施或已结束的开发式帮扶措施（至少应落实一项产业就业等开发式帮扶措施）');
}

/** In the contract's order. */
const CHECKS: readonly ((f: EliminationFacts) => EliminationCheck)[] = [
  notFallbackHousehold,
  minimumDuration,
  incomeAboveThreshold,
  risksResolved,
  guaranteesSecured,
  substantiveMeasures,
  developmentalMeasure,
];

/** Q37: the earliest month a (natural) elimination may be assessed. */
export function earliestEliminationMonth(f: Pick<EliminationFacts, 'identifiedMonth' | 'naturalElimination' | 'minAssistanceMonths' | 'naturalMinMonths'>): MonthIndex {
  return f.identifiedMonth + (f.naturalElimination ? f.naturalMinMonths : f.minAssistanceMonths);
}

export function eliminationDecision(f: EliminationFacts): Traced<EliminationDecision> {
  const checks = CHECKS.map((c) => c(f));
  const failed = checks.filter((c) => !c.passed);
  const earliestMonth = monthLabel(earliestEliminationMonth(f));
  const eligible = failed.length === 0;
  const reason: Reason = eligible
    ? {
        rule: 'elimination_eligible',
        clause: 'Q30',
        message: '各项风险消除条件均已满足，可按程序（乡村入户核实、民主评议和公示、县级审核批准和公告，Q46）标注风险消除',
      }
    : {
        rule: 'elimination_not_eligible',
        clause: [...new Set(failed.flatMap((c) => c.clause.split(', ')))].join(', '),
        message:
          `不满足风险消除条件：${failed.map((c) => `${CHECK_NAMES[c.rule]}（${c.clause}）`).join('；')}` +
          (failed.some((c) => c.rule === 'minimum_duration') ? `；最早可于${earliestMonth}评估风险消除` : ''),
      };
  return { value: { eligible, checks, earliestMonth }, reasons: [reason] };
}
