import type { FieldError } from './validation.ts';
import {
  announceStep, appraisalStep, closeStep, consentRefusals, countyRejectStep, countyReturnStep, noticeEndStep,
  noticeRanRefusals, noticeStartStep, objectionRefusals, submitterRefusals, townshipReturnStep, verificationStep,
} from './procedure-steps.ts';
import { dateNotAfterToday, lastStep, requiredReason, type CaseFacts, type Machine, type Transition } from './workflow.ts';

/**
 * The identification procedure (Q41–Q45) and the green channel (Q29) as one state machine:
 * lead → verification → consents → democratic appraisal → village notice → township review
 * (with proposed measures, Q27) → county approval → county announcement → system entry.
 */

export const LEAD_SOURCES = [
  'self_report_miniprogram', 'self_report_written', 'hotline_12317', 'cadre_visit', 'screening',
  'department_warning', 'dibao_application', 'tekun_application', 'new_risk',
] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const LEAD_SOURCE_NAMES: Record<LeadSource | 'review', string> = {
  self_report_miniprogram: '农户自主申报（小程序）',
  self_report_written: '农户自主申报（书面）',
  hotline_12317: '12317监督举报热线',
  cadre_visit: '干部走访排查',
  screening: '重点人群筛查',
  department_warning: '行业部门预警',
  dibao_application: '新申请农村低保',
  tekun_application: '新申请分散特困供养',
  new_risk: '风险消除后出现新风险（Q39）',
  review: '风险消除核查',
};

/** Reasons a case may end without identification ("keep tracking"). */
export const NOT_IDENTIFIED_REASONS = ['above_range_no_hardship', 'risk_self_resolvable', 'no_risk', 'not_rural_registration', 'appraisal_not_passed', 'objection_upheld', 'withdrawn', 'other'] as const;

const RECOMMENDATION_NAMES: Record<string, string> = { track: '暂不纳入、持续跟踪', review: '需进一步核实', exclude: '不纳入' };
const CATEGORIES = ['unstable_out_of_poverty', 'marginal_at_risk', 'sudden_severe_hardship'] as const;
const FALLBACK_APPLICATION_SOURCES = ['dibao_application', 'tekun_application'];
// A reason asserting the household already has dibao/特困 (享受/纳入/领取/是/有…低保), not one that
// merely mentions the application or denies it (申请低保, 不是低保对象, 没有低保).
const ALREADY_FALLBACK_TEXT = /(?<![不没未非无])(已经?|正在)?(享受|纳入|领取|获得|是|有)(了|着)?[^，。；,;不没未非无]{0,4}(低保|特困|最低生活保障)/;

export const IDENTIFICATION_STATES = {
  lead: '线索待核实',
  verified: '已入户核实',
  appraised: '已民主评议',
  in_notice: '村内公示中',
  noticed: '公示期满',
  township_reviewed: '乡镇已审核',
  approved: '县级已批准',
  announced: '县级已公告',
  entered: '已录入系统',
  rejected: '县级不予批准',
  not_identified: '未纳入，持续跟踪',
  green_exit: '退出绿色通道',
} as const;

const ACTIVE = ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'] as const;

const townshipReview: Transition = {
  action: 'township_review',
  label: '乡镇审核',
  from: ['noticed'],
  to: 'township_reviewed',
  roles: ['township'],
  fields: ['opinion', 'proposedMeasures'],
  parse: (c, raw) => {
    const opinion = c.string('opinion', raw.opinion, { required: true, max: 1000 });
    const measures: { type: string; description: string }[] = [];
    if (!Array.isArray(raw.proposedMeasures) || raw.proposedMeasures.length === 0)
      c.fail('proposedMeasures', '乡镇审核时须同时提出拟采取的帮扶措施（Q27）');
    else
      raw.proposedMeasures.forEach((m: any, i: number) => {
        const o = c.object(`proposedMeasures[${i}]`, m, ['type', 'description']);
        if (!o) return;
        const type = c.string(`proposedMeasures[${i}].type`, o.type, { required: true, max: 50 });
        const description = c.string(`proposedMeasures[${i}].description`, o.description, { required: true, max: 500 });
        if (type && description) measures.push({ type, description });
      });
    return { opinion, proposedMeasures: measures };
  },
  guard: (facts, _d, req) => [...consentRefusals(facts), ...noticeRanRefusals(facts, req.today), ...objectionRefusals(facts)],
};

const countyApprove: Transition = {
  action: 'county_approve',
  label: '县级审核批准',
  from: ['township_reviewed'],
  to: 'approved',
  roles: ['county'],
  fields: ['category', 'reason'],
  // Approval is dated today by the server: identification date = approval date (Q45).
  parse: (c, raw) => ({
    category: raw.category === undefined ? null : c.oneOf('category', raw.category, CATEGORIES),
    reason: c.string('reason', raw.reason, { max: 1000 }),
  }),
  guard: (facts, d, req) => [
    ...submitterRefusals(facts, req.actor.id),
    ...consentRefusals(facts),
    ...noticeRanRefusals(facts, req.today),
    ...objectionRefusals(facts),
    ...engineRefusals(facts, d),
  ],
};

/**
 * The engine re-assesses at approval. Income is never the sole condition (Q12), so the county
 * may still approve against an "exclude" recommendation, but only naming the category and why.
 */
function engineRefusals(facts: CaseFacts, d: { category: string | null; reason: string | null }): FieldError[] {
  const a = facts.currentAssessment;
  if (!a || a.recommendation === 'identify') return [];
  if (d.category && d.reason) return [];
  return [
    { path: 'category', message: `审批时评估结论为“${RECOMMENDATION_NAMES[a.recommendation ?? ''] ?? '不纳入'}”；如经研判仍予纳入，须注明监测类别和理由（Q7、Q12）` },
    ...a.reasons.map((r) => ({ path: 'assessment', message: `${r.message}（${r.clause}）` })),
  ];
}

const enterSystem: Transition = {
  action: 'enter_system',
  label: '录入全国防返贫监测信息系统',
  from: ['announced'],
  to: 'entered',
  roles: ['county'],
  fields: ['enteredOn', 'systemRef'],
  parse: (c, raw, facts, today) => ({
    enteredOn: dateNotAfterToday(c, 'enteredOn', raw.enteredOn, today, { on: lastStep(facts, 'county_approve')?.occurredOn ?? facts.leadOn, what: '县级审批日期' }),
    systemRef: c.string('systemRef', raw.systemRef, { max: 100 }),
  }),
};

// ---- green channel (Q29, GRN-1…3) ----

const NOTIFY_CHANNELS = ['in_person', 'phone', 'sms', 'written', 'miniprogram'] as const;
const notification = (c: import('./validation.ts').Check, raw: Record<string, unknown>) =>
  c.oneOf('notifyChannel', raw.notifyChannel, NOTIFY_CHANNELS);

const GREEN_OPEN = ['lead', 'verified'];

const suddenRisk = (facts: CaseFacts): FieldError[] =>
  facts.hasSuddenRisk ? [] : [{ path: 'risks', message: '绿色通道仅适用于突发因灾、因意外事故等风险且事实清楚的农户，请先登记未解除的因灾或意外事故风险（Q29）' }];

const greenConfirm = (level: 'village' | 'township'): Transition => ({
  action: `green_confirm_${level}`,
  after: level === 'township' ? 'green_confirm_village' : undefined,
  label: level === 'village' ? '村级确认（绿色通道）' : '乡镇确认（绿色通道）',
  from: GREEN_OPEN,
  to: (f) => f.state,
  roles: [level],
  fields: ['facts', 'notifyChannel'],
  parse: (c, raw) => ({ facts: c.string('facts', raw.facts, { required: true, max: 1000 }), notifyChannel: notification(c, raw) }),
  guard: (facts) => [
    ...(facts.greenChannel ? [{ path: 'state', message: '已进入绿色通道' }] : []),
    ...suddenRisk(facts),
    ...(level === 'township' && !lastStep(facts, 'green_confirm_village')
      ? [{ path: 'state', message: '须先经村级确认，再由乡镇确认（Q29）' }]
      : []),
  ],
});

const greenEnter: Transition = {
  action: 'green_enter',
  after: 'green_confirm_township',
  label: '县级纳入绿色通道',
  from: GREEN_OPEN,
  to: (f) => f.state,
  roles: ['county'],
  fields: ['category', 'notifyChannel'],
  parse: (c, raw) => ({
    category: c.oneOf('category', raw.category, CATEGORIES),
    notifyChannel: notification(c, raw),
  }),
  guard: (facts) => [
    ...(facts.greenChannel ? [{ path: 'state', message: '已进入绿色通道' }] : []),
    ...suddenRisk(facts),
    ...(!lastStep(facts, 'green_confirm_village') || !lastStep(facts, 'green_confirm_township')
      ? [{ path: 'state', message: '绿色通道须经村、乡镇两级确认后由县级纳入（Q29）' }]
      : []),
  ],
};

const greenExit: Transition = {
  action: 'green_exit',
  after: 'green_enter',
  label: '退出绿色通道',
  from: ACTIVE,
  to: 'green_exit',
  roles: ['county'],
  fields: ['reason', 'notifyChannel'],
  parse: (c, raw) => ({ reason: requiredReason(c, raw), notifyChannel: notification(c, raw) }),
  guard: (facts) => (facts.greenChannel ? [] : [{ path: 'state', message: '该案件未进入绿色通道' }]),
};

const notIdentified = closeStep(ACTIVE, 'not_identified', '结案：不纳入，持续跟踪', (c, raw, facts) => {
  const code = c.oneOf('reasonCode', raw.reasonCode, NOT_IDENTIFIED_REASONS);
  // IDN-7 (Q8): a new dibao/特困 application is screened; holding dibao is never a reason to skip it.
  if (FALLBACK_APPLICATION_SOURCES.includes(facts.source) && typeof raw.reason === 'string' && ALREADY_FALLBACK_TEXT.test(raw.reason))
    c.fail('reason', '“已享受低保/特困”不能作为不纳入监测的理由：新申请低保、特困的农户须按监测条件逐户研判（Q8）');
  if (code && facts.greenChannel) c.fail('reasonCode', '绿色通道案件请以“退出绿色通道”结案（Q29）');
});

export const IDENTIFICATION_MACHINE: Machine = {
  kind: 'identification',
  path: ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed', 'approved', 'announced', 'entered'],
  terminal: ['entered', 'rejected', 'not_identified', 'green_exit'],
  stateNames: IDENTIFICATION_STATES,
  pending: {
    lead: '尚未入户核实（Q22、Q42）',
    verified: '尚未完成承诺授权和民主评议（Q22、Q44）',
    appraised: '尚未在村内公示（Q41、Q42）',
    in_notice: '村内公示尚未期满并登记结果（公示不少于5天，Q42）',
    noticed: '乡镇尚未审核并提出帮扶措施（Q27、Q41）',
    township_reviewed: '县级尚未审批（Q41、Q45）',
    approved: '县级尚未公告（Q41）',
  },
  transitions: [
    verificationStep(['lead', 'verified']),
    appraisalStep,
    noticeStartStep,
    noticeEndStep,
    townshipReview,
    townshipReturnStep(['verified', 'appraised', 'noticed'], 'lead'),
    countyApprove,
    countyRejectStep('rejected'),
    countyReturnStep,
    announceStep('approved', 'announced'),
    enterSystem,
    greenConfirm('village'),
    greenConfirm('township'),
    greenEnter,
    greenExit,
    notIdentified,
  ],
};
