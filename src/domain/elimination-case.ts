import { addMonths } from './deadlines.ts';
import type { FieldError } from './validation.ts';
import {
  announceStep, appraisalStep, closeStep, countyRejectStep, countyReturnStep, noticeEndStep, noticeRanRefusals,
  noticeStartStep, objectionRefusals, submitterRefusals, townshipReturnStep, verificationStep,
} from './procedure-steps.ts';
import type { CaseFacts, Machine, Transition } from './workflow.ts';

/**
 * Risk elimination follows the identification procedure (Q46): verification, democratic
 * appraisal, village notice, township review, county approval and announcement. The engine's
 * elimination assessment (Q30–Q37) runs at verification and again at approval.
 */

/** Why an elimination case ends without eliminating the risk (help goes on). */
export const NOT_ELIMINATED_REASONS = ['income_not_stable', 'risk_not_resolved', 'guarantees_not_secured', 'measures_not_implemented', 'fallback_household', 'objection_upheld', 'other'] as const;

export const ELIMINATION_STATES = {
  lead: '待核实',
  verified: '已入户核实',
  appraised: '已民主评议',
  in_notice: '村内公示中',
  noticed: '公示期满',
  township_reviewed: '乡镇已审核',
  approved: '县级已批准消除',
  announced: '县级已公告',
  rejected: '县级不予批准',
  not_eliminated: '暂不消除，继续帮扶',
} as const;

/** Q34: a whole-household no-labour fallback household is not eliminated. Q37: never in the identification month or the next. */
export function eliminationBarriers(facts: CaseFacts, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (facts.fallbackHousehold)
    errors.push({ path: 'household', message: '整户无劳动能力兜底保障户不进行风险消除，持续落实兜底保障（Q34、Q35）' });
  if (facts.identifiedOn) {
    const firstAllowed = addMonths(`${facts.identifiedOn.slice(0, 7)}-01`, 2);
    if (today < firstAllowed)
      errors.push({ path: 'state', message: `识别当月及次月不得标注风险消除（识别日期${facts.identifiedOn}，Q37）` });
  }
  return errors;
}

function engineRefusals(facts: CaseFacts): FieldError[] {
  const a = facts.currentAssessment;
  if (!a) return [{ path: 'assessment', message: '缺少审批时的风险消除评估' }];
  if (a.eligible) return [];
  const failed = a.checks
    .filter((c) => !c.passed)
    .map((c) => ({ path: `checks.${c.rule}`, message: `${c.message}（${c.clause}）` }));
  // Not eligible is a refusal even when no check says why.
  return failed.length ? failed : [{ path: 'assessment', message: '风险消除评估未判定为符合消除条件，不能批准（Q30）' }];
}

const verification: Transition = {
  ...verificationStep(['lead', 'verified']),
  guard: (facts, _d, req) => eliminationBarriers(facts, req.today),
};

const townshipReview: Transition = {
  action: 'township_review',
  label: '乡镇审核',
  from: ['noticed'],
  to: 'township_reviewed',
  roles: ['township'],
  fields: ['opinion'],
  parse: (c, raw) => ({ opinion: c.string('opinion', raw.opinion, { required: true, max: 1000 }) }),
  guard: (facts, _d, req) => [...noticeRanRefusals(facts, req.today), ...objectionRefusals(facts)],
};

const countyApprove: Transition = {
  action: 'county_approve',
  label: '县级审核批准风险消除',
  from: ['township_reviewed'],
  to: 'approved',
  roles: ['county'],
  fields: [],
  parse: () => ({}),
  guard: (facts, _d, req) => [
    ...submitterRefusals(facts, req.actor.id),
    ...noticeRanRefusals(facts, req.today),
    ...objectionRefusals(facts),
    ...eliminationBarriers(facts, req.today),
    ...engineRefusals(facts),
  ],
};

export const ELIMINATION_MACHINE: Machine = {
  kind: 'elimination',
  path: ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed', 'approved', 'announced'],
  terminal: ['announced', 'rejected', 'not_eliminated'],
  stateNames: ELIMINATION_STATES,
  pending: {
    lead: '尚未入户核实（Q46）',
    verified: '尚未完成民主评议（Q46）',
    appraised: '尚未在村内公示（Q42、Q46）',
    in_notice: '村内公示尚未期满并登记结果（公示不少于5天，Q42）',
    noticed: '乡镇尚未审核（Q46）',
    township_reviewed: '县级尚未审批（Q46）',
    approved: '县级尚未公告（Q46）',
  },
  transitions: [
    verification,
    appraisalStep,
    noticeStartStep,
    noticeEndStep,
    townshipReview,
    townshipReturnStep(['verified', 'appraised', 'noticed'], 'lead'),
    countyApprove,
    countyRejectStep('rejected'),
    countyReturnStep,
    announceStep('approved', 'announced'),
    closeStep(['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'], 'not_eliminated', '结案：暂不消除，继续帮扶', (c, raw) => {
      c.oneOf('reasonCode', raw.reasonCode, NOT_ELIMINATED_REASONS);
    }),
  ],
};
