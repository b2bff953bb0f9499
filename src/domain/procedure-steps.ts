import { defaultParameters } from '../policy/parameters.ts';
import { addDays, daysBetween } from './deadlines.ts';
import { scanSensitive } from './notice-document.ts';
import type { Role } from './roles.ts';
import type { Check, FieldError } from './validation.ts';
import { dateNotAfterToday, lastStep, requiredReason, type CaseFacts, type Transition } from './workflow.ts';

/**
 * The steps both procedures share (Q46: elimination follows the identification procedure):
 * verification visit, democratic appraisal, village notice, township review, county decision
 * and announcement. Each procedure assembles its machine from these and adds its own.
 */

export const APPRAISAL_FORMS = ['villagers_meeting', 'representatives_meeting', 'enlarged_two_committees'] as const;
export const APPRAISAL_FORM_NAMES: Record<(typeof APPRAISAL_FORMS)[number], string> = {
  villagers_meeting: '村民大会',
  representatives_meeting: '村民代表大会',
  enlarged_two_committees: '村“两委”扩大会议',
};

const LOCAL: Role[] = ['village', 'township'];

export const verificationStep = (from: readonly string[]): Transition => ({
  action: 'record_verification',
  label: '入户核实',
  from,
  to: 'verified',
  roles: LOCAL,
  fields: ['occurredOn', 'visitors', 'findings'],
  parse: (c, raw, facts, today) => ({
    occurredOn: dateNotAfterToday(c, 'occurredOn', raw.occurredOn, today, { on: facts.leadOn, what: '线索发现日期' }),
    visitors: c.string('visitors', raw.visitors, { required: true, max: 200 }),
    findings: c.string('findings', raw.findings, { required: true, max: 2000 }),
  }),
});

export const appraisalStep: Transition = {
  action: 'record_appraisal',
  label: '民主评议',
  from: ['verified'],
  to: 'appraised',
  roles: LOCAL,
  fields: ['form', 'heldOn', 'attendance', 'result', 'minutes'],
  parse: (c, raw, facts, today) => {
    const verified = lastStep(facts, 'record_verification');
    return {
      form: c.oneOf('form', raw.form, APPRAISAL_FORMS),
      heldOn: dateNotAfterToday(c, 'heldOn', raw.heldOn, today, verified && { on: verified.occurredOn, what: '入户核实日期' }),
      attendance: c.integer('attendance', raw.attendance, { required: true, min: 1, max: 10000 }),
      result: c.oneOf('result', raw.result, ['passed', 'not_passed'] as const),
      minutes: c.string('minutes', raw.minutes, { max: 2000 }),
    };
  },
  guard: (facts) => consentRefusals(facts),
};

export const noticeStartStep: Transition = {
  action: 'start_notice',
  label: '村内公示',
  from: ['appraised'],
  to: 'in_notice',
  roles: ['village'],
  fields: ['startOn', 'endOn', 'objectionUnit', 'objectionPhone'],
  parse: (c, raw) => {
    const startOn = c.date('startOn', raw.startOn, { required: true });
    const endOn = c.date('endOn', raw.endOn, { required: true });
    const objectionUnit = c.string('objectionUnit', raw.objectionUnit, { required: true, max: 100 });
    const objectionPhone = c.string('objectionPhone', raw.objectionPhone, { required: true, max: 30 });
    // The objection line is an office line or 12317, never a person's mobile (Q47), however it
    // is written (139 1234 5678, full-width digits): the same scan the printed notice must pass.
    if (objectionPhone && scanSensitive(objectionPhone).length > 0) c.fail('objectionPhone', '公示只能留办公电话或12317，不得公布个人手机号（Q47）');
    if (objectionUnit && scanSensitive(objectionUnit).length > 0) c.fail('objectionUnit', '异议受理单位不得写入手机号、身份证号等个人敏感信息（Q47）');
    if (startOn && endOn) {
      const min = defaultParameters().valueAt('village_notice_min_days', startOn);
      if (daysBetween(startOn, endOn) + 1 < min) c.fail('endOn', `公示期不少于${min}天（起止日均计入），至少到${addDays(startOn, min - 1)}（Q42）`);
    }
    return { startOn, endOn, objectionUnit, objectionPhone, place: 'village' };
  },
  guard: (facts, data) => {
    const errors: FieldError[] = [];
    const appraisal = lastStep(facts, 'record_appraisal');
    if (appraisal?.data.result !== 'passed') errors.push({ path: 'state', message: '民主评议未通过，不能公示；可结案并说明原因（Q44）' });
    else if (data.startOn < appraisal.data.heldOn) errors.push({ path: 'startOn', message: `公示不能早于民主评议（${appraisal.data.heldOn}）（Q41）` });
    return errors;
  },
};

export const noticeEndStep: Transition = {
  action: 'end_notice',
  label: '登记公示结果',
  from: ['in_notice'],
  to: 'noticed',
  roles: ['village'],
  fields: ['objections', 'objectionSummary', 'objectionsUpheld'],
  parse: (c, raw) => {
    const objections = c.integer('objections', raw.objections, { required: true, min: 0, max: 10000 });
    const summary = c.string('objectionSummary', raw.objectionSummary, { max: 2000 });
    if (objections && !summary) c.fail('objectionSummary', '有异议时须写明异议内容及核实处理情况');
    const upheld = raw.objectionsUpheld === undefined ? false : c.boolean('objectionsUpheld', raw.objectionsUpheld);
    if (upheld && objections === 0) c.fail('objectionsUpheld', '没有异议时不能认定异议成立');
    return { objections, objectionSummary: summary, objectionsUpheld: upheld ?? false };
  },
  guard: (facts, _data, req) => noticeRanRefusals(facts, req.today),
};

/** The notice ran its full period (Q42): it is over only the day after its last day. */
export function noticeRanRefusals(facts: CaseFacts, today: string): FieldError[] {
  const notice = lastStep(facts, 'start_notice');
  if (!notice) return [{ path: 'state', message: '尚未在村内公示（Q41、Q42）' }];
  const { startOn, endOn } = notice.data;
  const min = defaultParameters().valueAt('village_notice_min_days', startOn);
  if (today <= endOn || daysBetween(startOn, today) < min)
    return [{ path: 'state', message: `公示期${startOn}至${endOn}尚未期满（不少于${min}天，Q42），${addDays(endOn, 1)}起方可进行下一步` }];
  return [];
}

/** An objection to the village notice found true stops the procedure (Q41; elimination likewise, Q46). */
export function objectionRefusals(facts: CaseFacts): FieldError[] {
  if (!lastStep(facts, 'end_notice')?.data.objectionsUpheld) return [];
  const message = facts.kind === 'elimination'
    ? '公示异议经核实成立，不能标注风险消除；请结案并说明原因（Q46）'
    : '公示异议经核实成立，不能继续认定；请结案并说明原因（Q41）';
  return [{ path: 'state', message }];
}

/** Every counted member signed the authorization commitment, or another member signed for them in writing (Q22). */
export function consentRefusals(facts: CaseFacts): FieldError[] {
  if (facts.kind !== 'identification') return [];
  const signed = new Set(facts.consentedMemberIds);
  const missing = facts.countedMemberIds.filter((id) => !signed.has(id));
  if (facts.countedMemberIds.length === 0) return [{ path: 'consents', message: '尚无核实评估确定的家庭成员，无法核对承诺授权书（Q22）' }];
  return missing.length
    ? [{ path: 'consents', message: `还有${missing.length}名家庭成员未签署承诺授权书（可书面委托其他成员代签），不能进入下一步（Q22）` }]
    : [];
}

export const townshipReturnStep = (from: readonly string[], to: string): Transition => ({
  action: 'township_return',
  label: '乡镇退回',
  from,
  to,
  roles: ['township'],
  fields: ['reason'],
  parse: (c, raw) => ({ reason: requiredReason(c, raw) }),
});

export const countyRejectStep = (outcomeState: string): Transition => ({
  action: 'county_reject',
  label: '县级不予批准',
  from: ['township_reviewed'],
  to: outcomeState,
  roles: ['county'],
  fields: ['reason'],
  parse: (c, raw) => ({ reason: requiredReason(c, raw) }),
  guard: (facts, _d, req) => submitterRefusals(facts, req.actor.id),
});

export const countyReturnStep: Transition = {
  action: 'county_return',
  label: '县级退回乡镇',
  from: ['township_reviewed'],
  to: 'noticed',
  roles: ['county'],
  fields: ['reason'],
  parse: (c, raw) => ({ reason: requiredReason(c, raw) }),
};

export const announceStep = (from: string, to: string): Transition => ({
  action: 'announce',
  label: '县级公告',
  from: [from],
  to,
  roles: ['county'],
  fields: ['announcedOn', 'documentNumber'],
  parse: (c, raw, facts, today) => ({
    announcedOn: dateNotAfterToday(c, 'announcedOn', raw.announcedOn, today, { on: facts.steps.at(-1)?.occurredOn ?? facts.leadOn, what: '县级审批日期' }),
    documentNumber: c.string('documentNumber', raw.documentNumber, { max: 100 }),
  }),
});

const PREPARATION = ['record_verification', 'record_appraisal', 'start_notice', 'end_notice', 'township_review'];

/** The one who prepared or submitted a step cannot approve it (four eyes). */
export function submitterRefusals(facts: CaseFacts, actorId: number): FieldError[] {
  return facts.steps.some((s) => PREPARATION.includes(s.action) && s.actorId === actorId)
    ? [{ path: '', message: '您参与了本案的核实、评议、公示或乡镇审核，不能同时审批（审批与经办分离）' }]
    : [];
}

export const closeStep = (from: readonly string[], to: string, label: string, extra?: (c: Check, raw: Record<string, unknown>, facts: CaseFacts) => void): Transition => ({
  action: 'close',
  label,
  from,
  to,
  roles: ['village', 'township', 'county'],
  fields: ['reason', 'reasonCode'],
  parse: (c, raw, facts) => {
    const reason = requiredReason(c, raw);
    extra?.(c, raw, facts);
    return { reason, reasonCode: typeof raw.reasonCode === 'string' ? raw.reasonCode : null };
  },
});
