/**
 * The identification decision (Q3, Q7, Q10, Q12, Q16), as the contract's decision table.
 * Each row is a named rule that answers with its recommendation and the reason it fired.
 */
import { CATEGORY_NAMES } from './labels.ts';
import { formatThreshold, formatYuan } from './money.ts';
import type { Category, Reason, Recommendation, Risk, Traced } from './types.ts';

export interface IdentificationFacts {
  formerlyPoor: boolean;
  risks: readonly Risk[];
  perCapitaNetIncomeFen: number;
  perCapitaIncomeAfterExpenditureFen: number;
  thresholdFen: number;
  withinRange: boolean;
}

export interface IdentificationDecision {
  recommendation: Recommendation;
  category: Category | null;
}

/**
 * A current risk is one not resolved; an unresolvable risk is a current risk the household
 * cannot resolve by its own means ("依靠自身力量难以解决", Q7). Resolved risks play no part.
 */
export interface RiskProfile {
  current: number;
  unresolvable: number;
  /** An unresolvable risk that came with a sharp drop of income (收入大幅缩减, Q3). */
  unresolvableWithIncomeDrop: number;
}

export function riskProfile(risks: readonly Risk[]): RiskProfile {
  let current = 0;
  let unresolvable = 0;
  let unresolvableWithIncomeDrop = 0;
  for (const r of risks) {
    if (r.resolved === true) continue;
    current++;
    if (r.selfResolvable) continue;
    unresolvable++;
    if (r.incomeDrop === true) unresolvableWithIncomeDrop++;
  }
  return { current, unresolvable, unresolvableWithIncomeDrop };
}

/** Q7 withinRange: per-capita net income not above the threshold ("exceeds" means >). */
export function withinRange(perCapitaNetIncomeFen: number, thresholdFen: number): boolean {
  return perCapitaNetIncomeFen <= thresholdFen;
}

const income = (f: IdentificationFacts) =>
  `人均纯收入${formatYuan(f.perCapitaNetIncomeFen)}元，${f.withinRange ? '未超过' : '超过'}监测范围${formatThreshold(f.thresholdFen)}元`;

/** Q3, Q10: the category of a household within range follows its 脱贫户 status. */
export function withinRangeCategory(formerlyPoor: boolean): Category {
  return formerlyPoor ? 'unstable_out_of_poverty' : 'marginal_at_risk';
}

/** Row 1 — within range, an unresolvable risk: identify as 脱贫不稳定户 / 边缘易致贫户. */
function withinRangeWithRisk(f: IdentificationFacts): Traced<IdentificationDecision> {
  return {
    value: { recommendation: 'identify', category: withinRangeCategory(f.formerlyPoor) },
    reasons: [{ rule: 'within_range_with_risk', clause: 'Q10', message: `${income(f)}，且存在依靠自身力量难以解决的风险` }],
  };
}

/** Row 2 — within range, no unresolvable risk: not identified, keep following (Q10, Q12). */
function withinRangeNoRisk(f: IdentificationFacts, risks: RiskProfile): Traced<IdentificationDecision> {
  const risk = risks.current > 0 ? '现有风险均可依靠自身力量解决' : '不存在返贫致贫风险';
  return {
    value: { recommendation: 'track', category: null },
    reasons: [{
      rule: 'within_range_no_risk',
      clause: 'Q10, Q12',
      message: `${income(f)}，但${risk}；收入在监测范围内不是识别的唯一条件，不纳入，但要持续跟踪关注`,
    }],
  };
}

/** Row 3a — above range, an unresolvable risk with a sharp income drop: 突发严重困难户. */
function aboveRangeIncomeDrop(f: IdentificationFacts): Reason {
  return {
    rule: 'above_range_income_drop',
    clause: 'Q7',
    message: `${income(f)}，但存在收入大幅缩减、依靠自身力量难以解决的风险，一般应纳入${CATEGORY_NAMES.sudden_severe_hardship}`,
  };
}

/** Row 3b — above range, an unresolvable risk, and large rigid expenditure brings income within range. */
function aboveRangeAfterExpenditure(f: IdentificationFacts): Reason {
  return {
    rule: 'above_range_after_expenditure',
    clause: 'Q7, Q13',
    message: `${income(f)}，但扣除合规自付支出（计入已到位理赔）后人均收入${formatYuan(f.perCapitaIncomeAfterExpenditureFen)}元，未超过监测范围，且存在依靠自身力量难以解决的风险，一般应纳入${CATEGORY_NAMES.sudden_severe_hardship}`,
  };
}

/** Row 4 — above range, an unresolvable risk, neither of the above: people judge (Q7). */
function aboveRangeReview(f: IdentificationFacts): Traced<IdentificationDecision> {
  return {
    value: { recommendation: 'review', category: null },
    reasons: [{
      rule: 'above_range_review',
      clause: 'Q7',
      message: `${income(f)}，存在依靠自身力量难以解决的风险，但无收入大幅缩减，扣除合规自付支出后人均收入${formatYuan(f.perCapitaIncomeAfterExpenditureFen)}元仍超过监测范围，需综合研判`,
    }],
  };
}

/** Row 5 — above range, every current risk self-resolvable: follow up and urge a solution (Q16). */
function aboveRangeSelfResolvable(f: IdentificationFacts): Traced<IdentificationDecision> {
  return {
    value: { recommendation: 'track', category: null },
    reasons: [{
      rule: 'above_range_self_resolvable',
      clause: 'Q16',
      message: `${income(f)}，现有风险均可依靠自身能力解决，不识别为监测对象，但应持续跟踪关注，督促尽快解决`,
    }],
  };
}

/** Row 6 — above range, no current risk: not a monitoring object. */
function aboveRangeNoRisk(f: IdentificationFacts): Traced<IdentificationDecision> {
  return {
    value: { recommendation: 'exclude', category: null },
    reasons: [{ rule: 'above_range_no_risk', clause: 'Q7', message: `${income(f)}，且不存在返贫致贫风险，不纳入监测对象` }],
  };
}

export function identificationDecision(f: IdentificationFacts): Traced<IdentificationDecision> {
  const risks = riskProfile(f.risks);
  if (f.withinRange) return risks.unresolvable > 0 ? withinRangeWithRisk(f) : withinRangeNoRisk(f, risks);
  if (risks.unresolvable > 0) {
    // Both grounds of Q7's second case can hold at once; each that holds is a reason.
    const reasons: Reason[] = [];
    if (risks.unresolvableWithIncomeDrop > 0) reasons.push(aboveRangeIncomeDrop(f));
    if (f.perCapitaIncomeAfterExpenditureFen <= f.thresholdFen) reasons.push(aboveRangeAfterExpenditure(f));
    if (reasons.length > 0) return { value: { recommendation: 'identify', category: 'sudden_severe_hardship' }, reasons };
    return aboveRangeReview(f);
  }
  return risks.current > 0 ? aboveRangeSelfResolvable(f) : aboveRangeNoRisk(f);
}
