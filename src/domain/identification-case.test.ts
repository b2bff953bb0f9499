/**
 * The identification procedure (Q41–Q45, PRC-1…6) and the green channel (Q29, GRN-1…3) as a
 * state machine: every transition from every state it allows, by every role it allows; every
 * illegal one (role 403, too early 422, too late 409, bad body 400); and each policy
 * precondition refused with its clause.
 */
import { describe, expect, it } from 'vitest';
import { IDENTIFICATION_MACHINE as M, LEAD_SOURCES, NOT_IDENTIFIED_REASONS } from './identification-case.ts';
import { ROLES, type Role } from './roles.ts';
import {
  availableSteps, CaseRefusal, decide, nextRoles, transitionOf, type AssessmentSummary, type CaseFacts, type StepFact,
} from './workflow.ts';

const TODAY = '2024-03-20';
const LEAD_ON = '2024-03-01';
const actor = (role: Role, id = 100 + ROLES.indexOf(role)) => ({ id, role });
// The cadres who prepared the case along the normal path; the county approver is someone else.
const VILLAGE = actor('village', 11);
const TOWNSHIP = actor('township', 12);
const COUNTY = actor('county', 13);
const ROLE_LABELS: Partial<Record<Role, string>> = { village: '村级', township: '乡镇', county: '县级' };

const step = (action: string, by: { id: number; role: Role }, occurredOn: string, data: Record<string, any> = {}): StepFact => ({
  action, actorId: by.id, actorRole: by.role, occurredOn, data,
});

/** The step that led into each state of the normal path (path[i] is reached by PATH_STEPS[i - 1]). */
const PATH_STEPS: StepFact[] = [
  step('record_verification', VILLAGE, '2024-03-02', { occurredOn: '2024-03-02', visitors: '村干部', findings: '户主患病' }),
  step('record_appraisal', VILLAGE, '2024-03-03', { form: 'villagers_meeting', heldOn: '2024-03-03', attendance: 60, result: 'passed', minutes: null }),
  step('start_notice', VILLAGE, '2024-03-04', { startOn: '2024-03-04', endOn: '2024-03-08', objectionUnit: '村委会', objectionPhone: '0797-6221234', place: 'village' }),
  step('end_notice', VILLAGE, '2024-03-09', { objections: 0, objectionSummary: null, objectionsUpheld: false }),
  step('township_review', TOWNSHIP, '2024-03-10', { opinion: '同意', proposedMeasures: [{ type: 'health', description: '医疗救助' }] }),
  step('county_approve', COUNTY, '2024-03-11', { category: null, reason: null }),
  step('announce', COUNTY, '2024-03-12', { announcedOn: '2024-03-12', documentNumber: null }),
  step('enter_system', COUNTY, '2024-03-13', { enteredOn: '2024-03-13', systemRef: null }),
];

/** A case in `state` with the history of the normal path up to it, all members consented. */
function facts(state = 'lead', over: Partial<CaseFacts> = {}): CaseFacts {
  return {
    kind: 'identification',
    state,
    source: 'cadre_visit',
    leadOn: LEAD_ON,
    greenChannel: false,
    greenEnteredOn: null,
    steps: PATH_STEPS.slice(0, Math.max(M.path.indexOf(state), 0)),
    countedMemberIds: [1, 2],
    consentedMemberIds: [1, 2],
    hasSuddenRisk: false,
    fallbackHousehold: false,
    identifiedOn: null,
    ...over,
  };
}

const VILLAGE_CONFIRM = step('green_confirm_village', VILLAGE, '2024-03-02', { facts: '山洪冲毁房屋', notifyChannel: 'in_person' });
const TOWNSHIP_CONFIRM = step('green_confirm_township', TOWNSHIP, '2024-03-02', { facts: '山洪冲毁房屋', notifyChannel: 'phone' });
/** A case with an open disaster risk and the given green-channel confirmations. */
const sudden = (f: CaseFacts, ...confirmations: StepFact[]): Partial<CaseFacts> => ({ hasSuddenRisk: true, steps: [...f.steps, ...confirmations] });
const inGreenChannel = { greenChannel: true, greenEnteredOn: '2024-03-02', hasSuddenRisk: true };

const assessment = (recommendation: string, reasons: AssessmentSummary['reasons'] = []): AssessmentSummary => ({
  recommendation, category: recommendation === 'identify' ? 'marginal_at_risk' : null, eligible: null, checks: [], reasons,
});
const IDENTIFY = assessment('identify', [{ rule: 'within_range_with_risk', clause: 'Q10', message: '人均纯收入在监测范围内且存在难以自行化解的风险' }]);
const TRACK_REASONS = [
  { rule: 'within_range_no_risk', clause: 'Q12', message: '人均纯收入在监测范围内但无返贫致贫风险' },
  { rule: 'income_not_sole_condition', clause: 'Q7', message: '收入不是唯一条件，须综合研判' },
];

type Actor = { id: number; role: Role };

function decideAs(f: CaseFacts, action: string, by: Actor, data: unknown, today = TODAY) {
  return decide(M, f, action, { actor: by, today, data });
}

function refusal(f: CaseFacts, action: string, by: Actor, data: unknown, today = TODAY): CaseRefusal {
  try {
    decideAs(f, action, by, data, today);
  } catch (e) {
    if (e instanceof CaseRefusal) return e;
    throw e;
  }
  throw new Error(`${action} from ${f.state} was not refused`);
}

const messages = (r: CaseRefusal) => r.errors.map((e) => e.message).join('\n');
const paths = (r: CaseRefusal) => r.errors.map((e) => e.path);

/** A valid body for each transition, extra facts its guard needs, and where it lands (null: stays). */
const VALID: Record<string, { body: Record<string, unknown>; facts?: (f: CaseFacts) => Partial<CaseFacts>; to: string | null }> = {
  record_verification: { body: { occurredOn: '2024-03-15', visitors: '村干部、驻村工作队', findings: '户主患病，无稳定收入' }, to: 'verified' },
  record_appraisal: { body: { form: 'representatives_meeting', heldOn: '2024-03-15', attendance: 30, result: 'passed' }, to: 'appraised' },
  start_notice: {
    body: { startOn: '2024-03-15', endOn: '2024-03-19', objectionUnit: '乡镇乡村振兴办', objectionPhone: '0797-6221234' },
    to: 'in_notice',
  },
  end_notice: { body: { objections: 1, objectionSummary: '有村民反映其子女收入较高，经核实子女已分户', objectionsUpheld: false }, to: 'noticed' },
  township_review: { body: { opinion: '情况属实，同意上报', proposedMeasures: [{ type: 'health', description: '医疗救助' }] }, to: 'township_reviewed' },
  township_return: { body: { reason: '核实材料不全' }, to: 'lead' },
  county_approve: { body: {}, facts: () => ({ currentAssessment: IDENTIFY }), to: 'approved' },
  county_reject: { body: { reason: '经县级研判不符合认定条件' }, to: 'rejected' },
  county_return: { body: { reason: '帮扶措施不具体' }, to: 'noticed' },
  announce: { body: { announcedOn: '2024-03-12', documentNumber: '于防返贫〔2024〕3号' }, to: 'announced' },
  enter_system: { body: { enteredOn: '2024-03-13', systemRef: 'GX-2024-001' }, to: 'entered' },
  green_confirm_village: { body: { facts: '山洪冲毁房屋，无处居住', notifyChannel: 'in_person' }, facts: (f) => sudden(f), to: null },
  green_confirm_township: { body: { facts: '经乡镇核实属实', notifyChannel: 'phone' }, facts: (f) => sudden(f, VILLAGE_CONFIRM), to: null },
  green_enter: {
    body: { category: 'sudden_severe_hardship', notifyChannel: 'sms' },
    facts: (f) => sudden(f, VILLAGE_CONFIRM, TOWNSHIP_CONFIRM),
    to: null,
  },
  green_exit: { body: { reason: '经核实家庭有稳定收入，不符合识别条件', notifyChannel: 'written' }, facts: () => inGreenChannel, to: 'green_exit' },
  close: { body: { reason: '人均纯收入高于监测范围，无返贫致贫风险', reasonCode: 'above_range_no_hardship' }, to: 'not_identified' },
};

/** A case in `state` ready for `action` (valid facts for its guard). */
function ready(action: string, state: string): CaseFacts {
  const f = facts(state);
  return { ...f, ...VALID[action]!.facts?.(f) };
}

const ALL_STATES = [...M.path, ...M.terminal.filter((s) => !M.path.includes(s))];

describe('identification machine: every legal transition (PRC-2…5, GRN-1)', () => {
  it('has a valid example for every transition and a name for every state', () => {
    expect(Object.keys(VALID).sort()).toEqual(M.transitions.map((t) => t.action).sort());
    for (const s of ALL_STATES) expect(M.stateNames[s], s).toBeTruthy();
    // Every state some step can be tried too early from says what is still missing, with its clause.
    const tooEarly = M.path.filter((s, i) => M.transitions.some((t) => t.from.every((f) => M.path.indexOf(f) > i)));
    expect(tooEarly).toEqual(['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed', 'approved']);
    for (const s of tooEarly) expect(M.pending[s], s).toMatch(/Q\d+/);
  });

  for (const t of M.transitions)
    for (const from of t.from)
      for (const role of t.roles)
        it(`${t.action}: ${from} → ${VALID[t.action]?.to ?? from} by ${role}`, () => {
          const d = decideAs(ready(t.action, from), t.action, actor(role), { version: 3, ...VALID[t.action]!.body });
          expect(d.to).toBe(VALID[t.action]!.to ?? from);
          expect(d.transition.action).toBe(t.action);
        });

  it('returns the normalised input: trimmed text, notice place fixed to the village (Q41)', () => {
    const d = decideAs(ready('start_notice', 'appraised'), 'start_notice', VILLAGE, { ...VALID.start_notice!.body, objectionUnit: '  村委会 ' });
    expect(d.data).toEqual({ startOn: '2024-03-15', endOn: '2024-03-19', objectionUnit: '村委会', objectionPhone: '0797-6221234', place: 'village' });
    const end = decideAs(facts('in_notice'), 'end_notice', VILLAGE, { objections: 0 });
    expect(end.data).toEqual({ objections: 0, objectionSummary: null, objectionsUpheld: false });
  });

  it('runs the whole normal path, each step from the state the previous one produced', () => {
    let f = facts('lead');
    const by: Record<string, Actor> = { township_review: TOWNSHIP, county_approve: COUNTY, announce: COUNTY, enter_system: COUNTY };
    // Approval is dated today, so the announcement and the entry are too.
    const body: Record<string, object> = { announce: { announcedOn: TODAY }, enter_system: { enteredOn: TODAY } };
    for (const action of ['record_verification', 'record_appraisal', 'start_notice', 'end_notice', 'township_review', 'county_approve', 'announce', 'enter_system']) {
      const d = decideAs({ ...f, currentAssessment: IDENTIFY }, action, by[action] ?? VILLAGE, body[action] ?? VALID[action]!.body);
      const on = d.data.occurredOn ?? d.data.heldOn ?? d.data.announcedOn ?? d.data.enteredOn ?? TODAY;
      f = { ...f, state: d.to, steps: [...f.steps, step(action, by[action] ?? VILLAGE, on, d.data)] };
    }
    expect(f.state).toBe('entered');
  });
});

describe('identification machine: illegal transitions', () => {
  for (const t of M.transitions) {
    const wrongRoles = ROLES.filter((r) => !t.roles.includes(r));
    it(`${t.action}: every other role → 403 naming ${t.roles.join('/')}`, () => {
      for (const role of wrongRoles) {
        const r = refusal(ready(t.action, t.from[0]!), t.action, actor(role), VALID[t.action]!.body);
        expect(r.status, role).toBe(403);
        expect(messages(r)).toBe(`“${t.label}”须由${t.roles.map((x) => ROLE_LABELS[x]).join('、')}办理`);
      }
    });

    const firstFrom = Math.min(...t.from.map((s) => M.path.indexOf(s)));
    for (const state of ALL_STATES.filter((s) => !t.from.includes(s))) {
      const early = M.path.indexOf(state) >= 0 && M.path.indexOf(state) < firstFrom;
      it(`${t.action} from ${state} → ${early ? '422 with what is pending' : '409'}`, () => {
        const r = refusal(ready(t.action, state), t.action, actor(t.roles[0]!), VALID[t.action]!.body);
        expect(r.errors[0]!.path).toBe('state');
        if (early) {
          expect(r.status).toBe(422);
          expect(messages(r)).toContain(M.pending[state]!);
          expect(messages(r)).toContain(`不能${t.label}`);
        } else {
          expect(r.status).toBe(409);
          expect(messages(r)).toBe(`案件当前为“${M.stateNames[state]}”，不能${t.label}（可能已由他人办理，请刷新）`);
        }
      });
    }

    it(`${t.action}: an unknown body field → 400 naming it`, () => {
      const r = refusal(ready(t.action, t.from[0]!), t.action, actor(t.roles[0]!), { ...VALID[t.action]!.body, remark: 'x' });
      expect(r.status).toBe(400);
      expect(r.errors).toContainEqual({ path: 'remark', message: '未知字段（可能是拼写错误）' });
    });
  }

  it('spells out the typical cases: approval at the lead is too early (422, Q22/Q42), verification after appraisal too late (409)', () => {
    const early = refusal(facts('lead'), 'county_approve', COUNTY, {});
    expect(early.status).toBe(422);
    expect(messages(early)).toBe('当前为“线索待核实”，尚未入户核实（Q22、Q42），不能县级审核批准');
    const notice = refusal(facts('verified'), 'start_notice', VILLAGE, VALID.start_notice!.body);
    expect(messages(notice)).toContain('尚未完成承诺授权和民主评议（Q22、Q44）');
    expect(refusal(facts('appraised'), 'record_verification', VILLAGE, VALID.record_verification!.body).status).toBe(409);
    expect(refusal(facts('entered'), 'enter_system', COUNTY, VALID.enter_system!.body).status).toBe(409);
    expect(refusal(facts('rejected'), 'record_verification', VILLAGE, VALID.record_verification!.body).status).toBe(409);
    expect(refusal(facts('not_identified'), 'close', VILLAGE, VALID.close!.body).status).toBe(409);
  });

  it('judges role, then state, then body, then policy', () => {
    // Wrong role and wrong state: the role wins.
    expect(refusal(facts('lead'), 'county_approve', VILLAGE, {}).status).toBe(403);
    // Wrong state and bad body: the state wins.
    expect(refusal(facts('lead'), 'start_notice', VILLAGE, { startOn: 'x' }).status).toBe(422);
    // Bad body and unmet precondition: the body wins.
    const r = refusal(facts('verified', { consentedMemberIds: [] }), 'record_appraisal', VILLAGE, { form: 'party' });
    expect(r.status).toBe(400);
    expect(paths(r)).toEqual(['form', 'heldOn', 'attendance', 'result']);
  });

  it('refuses an unknown action with 400', () => {
    const r = refusal(facts('lead'), 'approve_everything', COUNTY, {});
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([{ path: 'action', message: '未知的办理步骤：approve_everything' }]);
  });

  it('refuses a body that is not an object', () => {
    const r = refusal(facts('lead'), 'record_verification', VILLAGE, ['2024-03-15']);
    expect(r.status).toBe(400);
    expect(r.errors[0]).toEqual({ path: '', message: '应为对象' });
    expect(paths(r)).toEqual(['', 'occurredOn', 'visitors', 'findings']);
  });

  /** [action, state, body, JSON path, message] — each body invalid in exactly one way. */
  const INVALID: [string, string, Record<string, unknown>, string, RegExp][] = [
    ['record_verification', 'lead', { ...VALID.record_verification!.body, occurredOn: '2024-02-30' }, 'occurredOn', /YYYY-MM-DD/],
    ['record_verification', 'lead', { ...VALID.record_verification!.body, occurredOn: '2024-03-21' }, 'occurredOn', /不能晚于今天/],
    ['record_verification', 'lead', { ...VALID.record_verification!.body, occurredOn: '2024-02-29' }, 'occurredOn', /不能早于线索发现日期（2024-03-01）/],
    ['record_verification', 'lead', { ...VALID.record_verification!.body, visitors: '  ' }, 'visitors', /必填/],
    ['record_verification', 'lead', { ...VALID.record_verification!.body, findings: 'x'.repeat(2001) }, 'findings', /2000/],
    ['record_appraisal', 'verified', { ...VALID.record_appraisal!.body, form: 'party_meeting' }, 'form', /villagers_meeting/],
    ['record_appraisal', 'verified', { ...VALID.record_appraisal!.body, attendance: 0 }, 'attendance', /不能小于1/],
    ['record_appraisal', 'verified', { ...VALID.record_appraisal!.body, attendance: 2.5 }, 'attendance', /整数/],
    ['record_appraisal', 'verified', { ...VALID.record_appraisal!.body, result: 'maybe' }, 'result', /passed/],
    ['record_appraisal', 'verified', { ...VALID.record_appraisal!.body, heldOn: '2024-03-01' }, 'heldOn', /不能早于入户核实日期（2024-03-02）/],
    ['start_notice', 'appraised', { ...VALID.start_notice!.body, startOn: undefined }, 'startOn', /必填/],
    ['start_notice', 'appraised', { ...VALID.start_notice!.body, objectionUnit: '' }, 'objectionUnit', /必填/],
    ['start_notice', 'appraised', { ...VALID.start_notice!.body, endOn: '2024-03-14' }, 'endOn', /不少于5天/],
    ['end_notice', 'in_notice', { objections: -1 }, 'objections', /不能小于0/],
    ['end_notice', 'in_notice', { objections: 2 }, 'objectionSummary', /异议内容/],
    ['end_notice', 'in_notice', { objections: 1, objectionSummary: '已核实', objectionsUpheld: 'no' }, 'objectionsUpheld', /true 或 false/],
    ['township_review', 'noticed', { proposedMeasures: VALID.township_review!.body.proposedMeasures }, 'opinion', /必填/],
    ['township_review', 'noticed', { opinion: '同意', proposedMeasures: [{ type: 'health' }] }, 'proposedMeasures[0].description', /必填/],
    ['township_review', 'noticed', { opinion: '同意', proposedMeasures: [{ type: 'health', description: 'x' }, 'job'] }, 'proposedMeasures[1]', /应为对象/],
    ['township_review', 'noticed', { opinion: '同意', proposedMeasures: [{ type: 'health', description: 'x', cost: 5 }] }, 'proposedMeasures[0].cost', /未知字段/],
    ['township_return', 'verified', {}, 'reason', /必填/],
    ['county_approve', 'township_reviewed', { category: 'poor' }, 'category', /unstable_out_of_poverty/],
    ['county_approve', 'township_reviewed', { reason: 'x'.repeat(1001) }, 'reason', /1000/],
    ['county_reject', 'township_reviewed', { reason: ' ' }, 'reason', /必填/],
    ['county_return', 'township_reviewed', {}, 'reason', /必填/],
    ['announce', 'approved', { announcedOn: '2024-03-10' }, 'announcedOn', /不能早于县级审批日期（2024-03-11）/],
    ['announce', 'approved', {}, 'announcedOn', /必填/],
    ['enter_system', 'announced', { enteredOn: '2024-03-10' }, 'enteredOn', /不能早于县级审批日期（2024-03-11）/],
    ['enter_system', 'announced', { enteredOn: '2024-03-21' }, 'enteredOn', /不能晚于今天/],
    ['green_confirm_village', 'lead', { notifyChannel: 'in_person' }, 'facts', /必填/],
    ['green_confirm_township', 'lead', { facts: '属实', notifyChannel: 'fax' }, 'notifyChannel', /in_person/],
    ['green_enter', 'lead', { notifyChannel: 'sms' }, 'category', /必填/],
    ['green_exit', 'verified', { notifyChannel: 'written' }, 'reason', /必填/],
    ['green_exit', 'verified', { reason: '不符合条件' }, 'notifyChannel', /必填/],
    ['close', 'lead', { reasonCode: 'no_risk' }, 'reason', /必填/],
    ['close', 'lead', { reason: '无风险' }, 'reasonCode', /必填/],
    ['close', 'lead', { reason: '无风险', reasonCode: 'quota_full' }, 'reasonCode', /no_risk/],
  ];
  for (const [action, state, body, path, message] of INVALID)
    it(`${action}: invalid ${path} → 400 at “${path}”`, () => {
      const t = transitionOf(M, action)!;
      const r = refusal(ready(action, state), action, actor(t.roles[0]!), body);
      expect(r.status).toBe(400);
      expect(r.errors.map((e) => e.path)).toEqual([path]);
      expect(messages(r)).toMatch(message);
    });
});

describe('identification preconditions, each refused with its clause', () => {
  describe('authorization commitments of every counted member (Q22, PRC-2)', () => {
    const missing = { countedMemberIds: [1, 2, 3], consentedMemberIds: [1, 3] };
    const cases: [string, string, Actor, Record<string, unknown>, Partial<CaseFacts>][] = [
      ['record_appraisal', 'verified', VILLAGE, VALID.record_appraisal!.body, {}],
      ['township_review', 'noticed', TOWNSHIP, VALID.township_review!.body, {}],
      ['county_approve', 'township_reviewed', COUNTY, {}, { currentAssessment: IDENTIFY }],
    ];
    for (const [action, state, by, body, over] of cases) {
      it(`${action} is refused while a member has not signed`, () => {
        const r = refusal(facts(state, { ...over, ...missing }), action, by, body);
        expect(r.status).toBe(422);
        expect(r.errors).toContainEqual({ path: 'consents', message: '还有1名家庭成员未签署承诺授权书（可书面委托其他成员代签），不能进入下一步（Q22）' });
      });
      it(`${action} is refused when no verification assessment fixed the members`, () => {
        const r = refusal(facts(state, { ...over, countedMemberIds: [], consentedMemberIds: [] }), action, by, body);
        expect(r.errors).toContainEqual({ path: 'consents', message: '尚无核实评估确定的家庭成员，无法核对承诺授权书（Q22）' });
      });
      it(`${action} is accepted with every member's commitment, one of them signed by another member in writing`, () => {
        // A delegated signature is recorded as the member's consent (the delegation note is checked when it is recorded).
        expect(decideAs(facts(state, { ...over, countedMemberIds: [1, 2, 3], consentedMemberIds: [3, 1, 2] }), action, by, body).to).toBe(VALID[action]!.to);
      });
    }

    it('a commitment of someone who is not a counted member does not stand in for one who is', () => {
      const r = refusal(facts('verified', { countedMemberIds: [1, 2], consentedMemberIds: [1, 9] }), 'record_appraisal', VILLAGE, VALID.record_appraisal!.body);
      expect(messages(r)).toMatch(/还有1名.*Q22/);
    });

    it('verification, the notice and its result need no commitment yet', () => {
      const none = { consentedMemberIds: [] };
      expect(decideAs(facts('lead', none), 'record_verification', VILLAGE, VALID.record_verification!.body).to).toBe('verified');
      expect(decideAs(facts('appraised', none), 'start_notice', VILLAGE, VALID.start_notice!.body).to).toBe('in_notice');
      expect(decideAs(facts('in_notice', none), 'end_notice', VILLAGE, { objections: 0 }).to).toBe('noticed');
    });
  });

  describe('democratic appraisal and the village notice (Q41, Q42, Q44, Q47)', () => {
    const notice = (startOn: string, endOn: string, objectionPhone = '0797-6221234') =>
      ({ startOn, endOn, objectionUnit: '村委会', objectionPhone });

    it('a notice shorter than 5 days, both ends counted, is refused naming Q42; exactly 5 days is accepted', () => {
      const r = refusal(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-18'));
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([{ path: 'endOn', message: '公示期不少于5天（起止日均计入），至少到2024-03-19（Q42）' }]);
      expect(decideAs(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-19')).to).toBe('in_notice');
      expect(decideAs(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-29')).to).toBe('in_notice');
      // Across a month end and a leap day.
      expect(refusal(facts('appraised'), 'start_notice', VILLAGE, notice('2024-02-27', '2024-03-01')).errors[0]!.message).toContain('至少到2024-03-02');
    });

    it('a notice that ends before it starts is refused (Q42)', () => {
      expect(refusal(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-10')).errors[0]!.path).toBe('endOn');
    });

    it('a notice before the appraisal is refused (Q41); on the appraisal day it is accepted', () => {
      const r = refusal(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-02', '2024-03-06'));
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([{ path: 'startOn', message: '公示不能早于民主评议（2024-03-03）（Q41）' }]);
      expect(decideAs(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-03', '2024-03-07')).to).toBe('in_notice');
    });

    it('no notice after an appraisal that did not pass (Q44)', () => {
      const failed = [...PATH_STEPS.slice(0, 1), step('record_appraisal', VILLAGE, '2024-03-03', { heldOn: '2024-03-03', result: 'not_passed' })];
      const r = refusal(facts('appraised', { steps: failed }), 'start_notice', VILLAGE, VALID.start_notice!.body);
      expect(r.status).toBe(422);
      expect(messages(r)).toMatch(/民主评议未通过.*Q44/);
    });

    it('every form of appraisal of Q44 is accepted', () => {
      for (const form of ['villagers_meeting', 'representatives_meeting', 'enlarged_two_committees'])
        expect(decideAs(facts('verified'), 'record_appraisal', TOWNSHIP, { ...VALID.record_appraisal!.body, form }).to).toBe('appraised');
    });

    it.each([
      ['13912345678'],
      ['联系人张三 13912345678'],
      ['+86 13912345678'],
      ['139 1234 5678'],
      ['139-1234-5678'],
      ['１３９１２３４５６７８'],
    ])('a mobile number as the objection phone (%s) is refused naming Q47', (phone) => {
      const r = refusal(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-19', phone));
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([{ path: 'objectionPhone', message: '公示只能留办公电话或12317，不得公布个人手机号（Q47）' }]);
    });

    it('the objection unit may not carry a mobile number either: the printed notice would be refused (Q47)', () => {
      const r = refusal(facts('appraised'), 'start_notice', VILLAGE, { ...notice('2024-03-15', '2024-03-19'), objectionUnit: '村委会张主任 139 1234 5678' });
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([{ path: 'objectionUnit', message: '异议受理单位不得写入手机号、身份证号等个人敏感信息（Q47）' }]);
    });

    it.each([['0797-6221234'], ['0797-62212345'], ['(0797)6221234'], ['12317']])('an office line or 12317 (%s) is accepted', (phone) => {
      expect(decideAs(facts('appraised'), 'start_notice', VILLAGE, notice('2024-03-15', '2024-03-19', phone)).data.objectionPhone).toBe(phone);
    });

    it('the notice result is refused until the notice ran its days (Q42): on its last day no, the day after yes', () => {
      // The notice of the history runs 2024-03-04 … 2024-03-08.
      for (const today of ['2024-03-04', '2024-03-07', '2024-03-08']) {
        const r = refusal(facts('in_notice'), 'end_notice', VILLAGE, { objections: 0 }, today);
        expect(r.status, today).toBe(422);
        expect(r.errors).toEqual([{ path: 'state', message: '公示期2024-03-04至2024-03-08尚未期满（不少于5天，Q42），2024-03-09起方可进行下一步' }]);
      }
      expect(decideAs(facts('in_notice'), 'end_notice', VILLAGE, { objections: 0 }, '2024-03-09').to).toBe('noticed');
    });

    it('a longer notice runs until its own last day', () => {
      const long = [...PATH_STEPS.slice(0, 2), step('start_notice', VILLAGE, '2024-03-04', { startOn: '2024-03-04', endOn: '2024-03-12' })];
      expect(refusal(facts('in_notice', { steps: long }), 'end_notice', VILLAGE, { objections: 0 }, '2024-03-12').status).toBe(422);
      expect(decideAs(facts('in_notice', { steps: long }), 'end_notice', VILLAGE, { objections: 0 }, '2024-03-13').to).toBe('noticed');
    });
  });

  describe('township review (Q27, Q41, Q42)', () => {
    it('without proposed assistance measures it is refused naming Q27', () => {
      for (const proposedMeasures of [undefined, [], 'health']) {
        const r = refusal(facts('noticed'), 'township_review', TOWNSHIP, { opinion: '同意', proposedMeasures });
        expect(r.status).toBe(400);
        expect(r.errors).toEqual([{ path: 'proposedMeasures', message: '乡镇审核时须同时提出拟采取的帮扶措施（Q27）' }]);
      }
    });

    it('keeps the proposed measures with the step', () => {
      const d = decideAs(facts('noticed'), 'township_review', TOWNSHIP, {
        opinion: '同意', proposedMeasures: [{ type: 'health', description: ' 医疗救助 ' }, { type: 'public_welfare_job', description: '公益性岗位' }],
      });
      expect(d.data.proposedMeasures).toEqual([{ type: 'health', description: '医疗救助' }, { type: 'public_welfare_job', description: '公益性岗位' }]);
    });

    it('is refused when no notice ran (Q41, Q42) and when an objection was upheld (Q41)', () => {
      const noNotice = refusal(facts('noticed', { steps: PATH_STEPS.slice(0, 2) }), 'township_review', TOWNSHIP, VALID.township_review!.body);
      expect(noNotice.errors).toContainEqual({ path: 'state', message: '尚未在村内公示（Q41、Q42）' });
      const upheld = [...PATH_STEPS.slice(0, 3), step('end_notice', VILLAGE, '2024-03-09', { objections: 2, objectionSummary: '隐瞒经营收入', objectionsUpheld: true })];
      const r = refusal(facts('noticed', { steps: upheld }), 'township_review', TOWNSHIP, VALID.township_review!.body);
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([{ path: 'state', message: '公示异议经核实成立，不能继续认定；请结案并说明原因（Q41）' }]);
    });

    it('an objection that was not upheld does not stop the case', () => {
      const heard = [...PATH_STEPS.slice(0, 3), step('end_notice', VILLAGE, '2024-03-09', { objections: 1, objectionSummary: '经核实不成立', objectionsUpheld: false })];
      expect(decideAs(facts('noticed', { steps: heard }), 'township_review', TOWNSHIP, VALID.township_review!.body).to).toBe('township_reviewed');
    });
  });

  describe('county approval (Q7, Q12, Q41, Q42, Q45)', () => {
    const reviewed = (over: Partial<CaseFacts> = {}) => facts('township_reviewed', { currentAssessment: IDENTIFY, ...over });

    it('is refused before the notice ran its days, naming Q42', () => {
      const running = [...PATH_STEPS.slice(0, 2), step('start_notice', VILLAGE, '2024-03-16', { startOn: '2024-03-16', endOn: '2024-03-20' }), ...PATH_STEPS.slice(3, 5)];
      const r = refusal(reviewed({ steps: running }), 'county_approve', COUNTY, {});
      expect(r.status).toBe(422);
      expect(messages(r)).toBe('公示期2024-03-16至2024-03-20尚未期满（不少于5天，Q42），2024-03-21起方可进行下一步');
      expect(decideAs(reviewed({ steps: running }), 'county_approve', COUNTY, {}, '2024-03-21').to).toBe('approved');
    });

    it('is refused after an upheld objection', () => {
      const upheld = [...PATH_STEPS.slice(0, 3), step('end_notice', VILLAGE, '2024-03-09', { objections: 1, objectionSummary: '有外出务工收入', objectionsUpheld: true }), PATH_STEPS[4]!];
      expect(messages(refusal(reviewed({ steps: upheld }), 'county_approve', COUNTY, {}))).toMatch(/异议经核实成立.*Q41/);
    });

    it('is refused to anyone who prepared a step of the case (four eyes), also the rejection; a colleague may decide', () => {
      for (const preparer of [VILLAGE.id, TOWNSHIP.id]) {
        const sameOne = { id: preparer, role: 'county' as const }; // e.g. a township cadre since moved to the county
        for (const [action, body] of [['county_approve', {}], ['county_reject', { reason: '不符合' }]] as const) {
          const r = refusal(reviewed(), action, sameOne, body);
          expect(r.status).toBe(422);
          expect(r.errors).toEqual([{ path: '', message: '您参与了本案的核实、评议、公示或乡镇审核，不能同时审批（审批与经办分离）' }]);
        }
      }
      expect(decideAs(reviewed(), 'county_approve', actor('county', 99), {}).to).toBe('approved');
    });

    it.each(['track', 'exclude', 'review'])('against an engine recommending “%s” it needs the category and the reason, and lists the engine’s reasons (Q7, Q12)', (rec) => {
      const f = reviewed({ currentAssessment: assessment(rec, TRACK_REASONS) });
      for (const body of [{}, { category: 'marginal_at_risk' }, { reason: '因病支出大，综合研判应纳入' }]) {
        const r = refusal(f, 'county_approve', COUNTY, body);
        expect(r.status).toBe(422);
        expect(r.errors[0]!.path).toBe('category');
        expect(r.errors[0]!.message).toMatch(/须注明监测类别和理由（Q7、Q12）/);
        expect(r.errors.slice(1)).toEqual([
          { path: 'assessment', message: '人均纯收入在监测范围内但无返贫致贫风险（Q12）' },
          { path: 'assessment', message: '收入不是唯一条件，须综合研判（Q7）' },
        ]);
      }
      const ok = decideAs(f, 'county_approve', COUNTY, { category: 'marginal_at_risk', reason: '因病支出大，综合研判应纳入' });
      expect(ok.to).toBe('approved');
      expect(ok.data).toEqual({ category: 'marginal_at_risk', reason: '因病支出大，综合研判应纳入' });
    });

    it('names the engine recommendation in the refusal', () => {
      expect(refusal(reviewed({ currentAssessment: assessment('track') }), 'county_approve', COUNTY, {}).errors[0]!.message).toContain('“暂不纳入、持续跟踪”');
      expect(refusal(reviewed({ currentAssessment: assessment('exclude') }), 'county_approve', COUNTY, {}).errors[0]!.message).toContain('“不纳入”');
    });

    it('with an engine recommending identification it needs neither category nor reason', () => {
      expect(decideAs(reviewed(), 'county_approve', COUNTY, {}).data).toEqual({ category: null, reason: null });
    });

    it('lists every unmet precondition at once', () => {
      const r = refusal(reviewed({ consentedMemberIds: [1], currentAssessment: assessment('track', TRACK_REASONS.slice(0, 1)) }), 'county_approve', COUNTY, {});
      expect(paths(r)).toEqual(['consents', 'category', 'assessment']);
    });
  });

  describe('closing without identification (Q8, IDN-7)', () => {
    const close = (source: string, reason: string, state = 'verified') =>
      decideAs(facts(state, { source }), 'close', TOWNSHIP, { reason, reasonCode: 'other' });

    it.each([
      ['dibao_application', '已享受低保'],
      ['dibao_application', '该户已纳入农村低保，无需识别'],
      ['tekun_application', '正在领取特困供养金'],
      ['tekun_application', '已是特困供养对象'],
      ['dibao_application', '享受农村最低生活保障'],
      ['dibao_application', '该户是低保户'],
    ])('for a %s, “%s” is refused naming Q8', (source, reason) => {
      const r = refusal(facts('verified', { source }), 'close', TOWNSHIP, { reason, reasonCode: 'other' });
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([{ path: 'reason', message: '“已享受低保/特困”不能作为不纳入监测的理由：新申请低保、特困的农户须按监测条件逐户研判（Q8）' }]);
    });

    it.each([
      '人均纯收入高于监测范围，无返贫致贫风险',
      '申请低保，经核实人均纯收入高于监测范围且无刚性支出',
      '不是低保对象，收入稳定',
      '没有低保，家庭有稳定务工收入',
    ])('for a dibao application, a reason judged on the identification conditions is accepted: “%s”', (reason) => {
      expect(close('dibao_application', reason).to).toBe('not_identified');
    });

    it.each(LEAD_SOURCES.filter((s) => s !== 'dibao_application' && s !== 'tekun_application'))('for a lead from %s the same text is accepted', (source) => {
      expect(close(source, '已享受低保，收入稳定').to).toBe('not_identified');
    });

    it('every active state may be closed, with every reason code', () => {
      for (const state of ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'])
        for (const reasonCode of NOT_IDENTIFIED_REASONS)
          expect(decideAs(facts(state), 'close', COUNTY, { reason: '说明', reasonCode }).data).toEqual({ reason: '说明', reasonCode });
    });
  });
});

describe('green channel (Q29, GRN-1…3)', () => {
  const confirm = VALID.green_confirm_village!.body;
  const enter = VALID.green_enter!.body;

  it('village confirmation needs an open disaster or accident risk (Q29)', () => {
    const r = refusal(facts('lead'), 'green_confirm_village', VILLAGE, confirm);
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([{ path: 'risks', message: '绿色通道仅适用于突发因灾、因意外事故等风险且事实清楚的农户，请先登记未解除的因灾或意外事故风险（Q29）' }]);
    expect(refusal(facts('lead', { steps: [VILLAGE_CONFIRM] }), 'green_confirm_township', TOWNSHIP, confirm).errors[0]!.path).toBe('risks');
    expect(refusal(facts('lead', { steps: [VILLAGE_CONFIRM, TOWNSHIP_CONFIRM] }), 'green_enter', COUNTY, enter).errors[0]!.path).toBe('risks');
  });

  it('the township confirms only after the village (Q29)', () => {
    const r = refusal(facts('lead', { hasSuddenRisk: true }), 'green_confirm_township', TOWNSHIP, confirm);
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([{ path: 'state', message: '须先经村级确认，再由乡镇确认（Q29）' }]);
  });

  it('the county enters the household only after both confirmations (Q29)', () => {
    const message = { path: 'state', message: '绿色通道须经村、乡镇两级确认后由县级纳入（Q29）' };
    for (const steps of [[], [VILLAGE_CONFIRM], [TOWNSHIP_CONFIRM]]) {
      const r = refusal(facts('lead', { hasSuddenRisk: true, steps }), 'green_enter', COUNTY, enter);
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([message]);
    }
    const d = decideAs(facts('verified', { hasSuddenRisk: true, steps: [PATH_STEPS[0]!, VILLAGE_CONFIRM, TOWNSHIP_CONFIRM] }), 'green_enter', COUNTY, enter);
    expect(d.to).toBe('verified'); // measures start at once; the procedure goes on from where it is
    expect(d.data).toEqual({ category: 'sudden_severe_hardship', notifyChannel: 'sms' });
  });

  it('a case enters the channel once: entering or confirming again is refused', () => {
    const entered = facts('lead', { ...inGreenChannel, steps: [VILLAGE_CONFIRM, TOWNSHIP_CONFIRM] });
    for (const [action, by] of [['green_enter', COUNTY], ['green_confirm_village', VILLAGE], ['green_confirm_township', TOWNSHIP]] as const) {
      const r = refusal(entered, action, by, action === 'green_enter' ? enter : confirm);
      expect(r.status).toBe(422);
      expect(r.errors).toContainEqual({ path: 'state', message: '已进入绿色通道' });
    }
  });

  it('the channel opens only before the appraisal', () => {
    for (const state of ['appraised', 'in_notice', 'noticed', 'township_reviewed'])
      expect(refusal(facts(state, sudden(facts(state), VILLAGE_CONFIRM, TOWNSHIP_CONFIRM)), 'green_enter', COUNTY, enter).status, state).toBe(409);
  });

  it('exit is only for green-channel cases, by the county, with a reason and the household informed (GRN-2, GRN-3)', () => {
    const r = refusal(facts('verified'), 'green_exit', COUNTY, VALID.green_exit!.body);
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([{ path: 'state', message: '该案件未进入绿色通道' }]);
    expect(paths(refusal(facts('verified', inGreenChannel), 'green_exit', COUNTY, { notifyChannel: 'written' }))).toEqual(['reason']);
    expect(paths(refusal(facts('verified', inGreenChannel), 'green_exit', COUNTY, { reason: '不符合' }))).toEqual(['notifyChannel']);
    expect(refusal(facts('verified', inGreenChannel), 'green_exit', TOWNSHIP, VALID.green_exit!.body).status).toBe(403);
    for (const state of ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'])
      expect(decideAs(facts(state, inGreenChannel), 'green_exit', COUNTY, VALID.green_exit!.body).to).toBe('green_exit');
    for (const state of ['approved', 'announced', 'entered', 'rejected', 'not_identified', 'green_exit'])
      expect(refusal(facts(state, inGreenChannel), 'green_exit', COUNTY, VALID.green_exit!.body).status, state).toBe(409);
  });

  it('a green-channel case is not closed as “not identified”: it leaves the channel instead (Q29)', () => {
    const r = refusal(facts('verified', inGreenChannel), 'close', COUNTY, VALID.close!.body);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([{ path: 'reasonCode', message: '绿色通道案件请以“退出绿色通道”结案（Q29）' }]);
  });

  it('a green-channel case that qualifies completes the normal procedure, notice period included (GRN-2)', () => {
    const f = facts('township_reviewed', { ...inGreenChannel, currentAssessment: IDENTIFY });
    expect(decideAs(f, 'county_approve', COUNTY, {}).to).toBe('approved');
    const running = [...PATH_STEPS.slice(0, 2), step('start_notice', VILLAGE, '2024-03-18', { startOn: '2024-03-18', endOn: '2024-03-22' }), ...PATH_STEPS.slice(3, 5)];
    expect(messages(refusal({ ...f, steps: running }, 'county_approve', COUNTY, {}))).toMatch(/尚未期满.*Q42/);
  });
});

describe('who acts next, and which steps a role sees', () => {
  const sorted = (roles: Role[]) => [...roles].sort();

  it.each([
    ['lead', ['township', 'village']],
    ['verified', ['township', 'village']],
    ['appraised', ['village']],
    ['in_notice', ['village']],
    ['noticed', ['township']],
    ['township_reviewed', ['county']],
    ['approved', ['county']],
    ['announced', ['county']],
    ['entered', []],
    ['rejected', []],
    ['not_identified', []],
    ['green_exit', []],
  ])('nextRoles(%s) = %j', (state, roles) => {
    expect(sorted(nextRoles(M, state))).toEqual(roles);
    expect(sorted(nextRoles(M, state, { greenChannel: false }))).toEqual(roles);
  });

  it.each([
    ['lead', ['county', 'township', 'village']],
    ['verified', ['county', 'township', 'village']],
    ['appraised', ['county', 'village']],
    ['in_notice', ['county', 'village']],
    ['noticed', ['county', 'township']],
    ['township_reviewed', ['county']],
    ['approved', ['county']],
    ['entered', []],
    ['green_exit', []],
  ])('in the green channel the county stays on the case: nextRoles(%s) = %j', (state, roles) => {
    expect(sorted(nextRoles(M, state, { greenChannel: true }))).toEqual(roles);
  });

  it('before entry, each green-channel confirmation hands the case to the next level (Q29)', () => {
    // Until the township has confirmed, the county has nothing to do on a verified case.
    expect(sorted(nextRoles(M, 'verified', { greenChannel: false, steps: [{ action: 'green_confirm_village' }] }))).toEqual(['township', 'village']);
    expect(sorted(nextRoles(M, 'verified', { greenChannel: false, steps: [{ action: 'green_confirm_village' }, { action: 'green_confirm_township' }] })))
      .toEqual(['county', 'township', 'village']);
  });

  const steps = (state: string, role: Role) => availableSteps(M, state, role).map((s) => s.action);

  it.each([
    ['lead', 'village', ['record_verification', 'green_confirm_village', 'close']],
    ['lead', 'township', ['record_verification', 'green_confirm_township', 'close']],
    ['lead', 'county', ['green_enter', 'green_exit', 'close']],
    ['verified', 'village', ['record_verification', 'record_appraisal', 'green_confirm_village', 'close']],
    ['verified', 'township', ['record_verification', 'record_appraisal', 'township_return', 'green_confirm_township', 'close']],
    ['verified', 'county', ['green_enter', 'green_exit', 'close']],
    ['appraised', 'village', ['start_notice', 'close']],
    ['appraised', 'township', ['township_return', 'close']],
    ['in_notice', 'village', ['end_notice', 'close']],
    ['in_notice', 'township', ['close']],
    ['noticed', 'township', ['township_review', 'township_return', 'close']],
    ['noticed', 'village', ['close']],
    ['township_reviewed', 'county', ['county_approve', 'county_reject', 'county_return', 'green_exit', 'close']],
    ['township_reviewed', 'township', ['close']],
    ['approved', 'county', ['announce']],
    ['approved', 'village', []],
    ['announced', 'county', ['enter_system']],
    ['entered', 'county', []],
    ['rejected', 'county', []],
    ['not_identified', 'village', []],
    ['green_exit', 'county', []],
  ] as const)('availableSteps(%s, %s) = %j', (state, role, expected) => {
    expect(steps(state, role)).toEqual(expected);
  });

  it('roles that never take a step see none in any state', () => {
    for (const role of ROLES.filter((r) => !['village', 'township', 'county'].includes(r)))
      for (const state of ALL_STATES) expect(steps(state, role), `${role} ${state}`).toEqual([]);
  });

  it('every step listed carries its label', () => {
    for (const s of availableSteps(M, 'township_reviewed', 'county')) expect(s.label).toBe(transitionOf(M, s.action)!.label);
  });
});
