/**
 * Risk elimination as a state machine (ELM-1…4): the identification procedure again (Q46) —
 * verification, appraisal, village notice, township review, county approval, announcement —
 * with its own barriers: never a whole-household no-labour fallback household (Q34), never in
 * the identification month or the next (Q37), never while an engine check fails (Q30–Q33).
 */
import { describe, expect, it } from 'vitest';
import { ELIMINATION_MACHINE as M, eliminationBarriers } from './elimination-case.ts';
import { ROLES, type Role } from './roles.ts';
import { availableSteps, CaseRefusal, decide, nextRoles, type AssessmentSummary, type CaseFacts, type StepFact } from './workflow.ts';

const TODAY = '2024-06-20';
const by = (role: Role, id = 200 + ROLES.indexOf(role)) => ({ id, role });
const CADRE = by('village', 21);
const TOWN = by('township', 22);
const COUNTY = by('county', 23);
const NAMES: Partial<Record<Role, string>> = { village: '村级', township: '乡镇', county: '县级' };

const done = (action: string, who: { id: number; role: Role }, occurredOn: string, data: Record<string, any> = {}): StepFact => ({
  action, actorId: who.id, actorRole: who.role, occurredOn, data,
});

/** What led into path[i + 1]: the elimination follows the identification procedure (Q46). */
const HISTORY: StepFact[] = [
  done('record_verification', CADRE, '2024-06-02', { occurredOn: '2024-06-02' }),
  done('record_appraisal', CADRE, '2024-06-03', { heldOn: '2024-06-03', result: 'passed' }),
  done('start_notice', CADRE, '2024-06-04', { startOn: '2024-06-04', endOn: '2024-06-08' }),
  done('end_notice', CADRE, '2024-06-09', { objections: 0, objectionsUpheld: false }),
  done('township_review', TOWN, '2024-06-10', { opinion: '同意消除' }),
  done('county_approve', COUNTY, '2024-06-11', {}),
  done('announce', COUNTY, '2024-06-12', { announcedOn: '2024-06-12' }),
];

const ELIGIBLE: AssessmentSummary = {
  recommendation: null, category: null, eligible: true,
  checks: [
    { rule: 'income_stable', passed: true, clause: 'Q32', message: '近6个月人均纯收入稳定且高于监测范围' },
    { rule: 'guarantees_secured', passed: true, clause: 'Q30', message: '“三保障”和饮水安全已巩固' },
  ],
  reasons: [],
};

/** An elimination case of a household identified in 2023-09, in `state`, with the history up to it. */
function elimination(state = 'lead', over: Partial<CaseFacts> = {}): CaseFacts {
  return {
    kind: 'elimination', state, source: 'review', leadOn: '2024-06-01',
    greenChannel: false, greenEnteredOn: null,
    steps: HISTORY.slice(0, Math.max(M.path.indexOf(state), 0)),
    countedMemberIds: [1, 2], consentedMemberIds: [],
    hasSuddenRisk: false, fallbackHousehold: false, identifiedOn: '2023-09-15',
    currentAssessment: ELIGIBLE,
    ...over,
  };
}

function refused(f: CaseFacts, action: string, who: { id: number; role: Role }, data: unknown, today = TODAY): CaseRefusal {
  try {
    decide(M, f, action, { actor: who, today, data });
  } catch (e) {
    if (e instanceof CaseRefusal) return e;
    throw e;
  }
  throw new Error(`${action} from ${f.state} on ${today} was accepted`);
}
const to = (f: CaseFacts, action: string, who: { id: number; role: Role }, data: unknown, today = TODAY) =>
  decide(M, f, action, { actor: who, today, data }).to;

const BODIES: Record<string, [Record<string, unknown>, string]> = {
  record_verification: [{ occurredOn: '2024-06-18', visitors: '驻村工作队', findings: '务工收入稳定，住房安全' }, 'verified'],
  record_appraisal: [{ form: 'enlarged_two_committees', heldOn: '2024-06-18', attendance: 15, result: 'passed' }, 'appraised'],
  start_notice: [{ startOn: '2024-06-18', endOn: '2024-06-22', objectionUnit: '村委会', objectionPhone: '12317' }, 'in_notice'],
  end_notice: [{ objections: 0 }, 'noticed'],
  township_review: [{ opinion: '情况属实，同意标注风险消除' }, 'township_reviewed'],
  township_return: [{ reason: '收入证明不全' }, 'lead'],
  county_approve: [{}, 'approved'],
  county_reject: [{ reason: '收入尚不稳定' }, 'rejected'],
  county_return: [{ reason: '请补充务工收入证明' }, 'noticed'],
  announce: [{ announcedOn: '2024-06-19' }, 'announced'],
  close: [{ reason: '大病复发，继续帮扶', reasonCode: 'risk_not_resolved' }, 'not_eliminated'],
};

const STATES = [...M.path, ...M.terminal.filter((s) => !M.path.includes(s))];

describe('elimination machine: every legal transition (ELM-4, Q46)', () => {
  it('has an example for every transition', () => {
    expect(Object.keys(BODIES).sort()).toEqual(M.transitions.map((t) => t.action).sort());
    expect(STATES.sort()).toEqual(Object.keys(M.stateNames).sort());
  });

  for (const t of M.transitions)
    for (const from of t.from)
      for (const role of t.roles)
        it(`${t.action}: ${from} → ${BODIES[t.action]![1]} by ${role}`, () => {
          expect(to(elimination(from), t.action, by(role), { version: 7, ...BODIES[t.action]![0] })).toBe(BODIES[t.action]![1]);
        });

  it('runs the whole procedure to the announcement, which ends the case', () => {
    let f = elimination('lead');
    const actors: Record<string, { id: number; role: Role }> = { township_review: TOWN, county_approve: COUNTY, announce: COUNTY };
    for (const action of ['record_verification', 'record_appraisal', 'start_notice', 'end_notice', 'township_review', 'county_approve', 'announce']) {
      const body = action === 'announce' ? { announcedOn: '2024-06-23' } : BODIES[action]![0];
      const d = decide(M, f, action, { actor: actors[action] ?? CADRE, today: '2024-06-23', data: body });
      f = { ...f, state: d.to, steps: [...f.steps, done(action, actors[action] ?? CADRE, d.data.occurredOn ?? d.data.heldOn ?? '2024-06-23', d.data)] };
    }
    expect(f.state).toBe('announced');
    expect(M.terminal).toContain('announced');
    expect(nextRoles(M, 'announced')).toEqual([]);
  });
});

describe('elimination machine: illegal transitions', () => {
  for (const t of M.transitions) {
    it(`${t.action}: any other role → 403 naming ${t.roles.join('/')}`, () => {
      for (const role of ROLES.filter((r) => !t.roles.includes(r))) {
        const r = refused(elimination(t.from[0]!), t.action, by(role), BODIES[t.action]![0]);
        expect(r.status, role).toBe(403);
        expect(r.errors[0]!.message).toBe(`“${t.label}”须由${t.roles.map((x) => NAMES[x]).join('、')}办理`);
      }
    });

    const first = Math.min(...t.from.map((s) => M.path.indexOf(s)));
    for (const state of STATES.filter((s) => !t.from.includes(s))) {
      const tooEarly = M.path.includes(state) && M.path.indexOf(state) < first;
      it(`${t.action} from ${state} → ${tooEarly ? 422 : 409}`, () => {
        const r = refused(elimination(state), t.action, by(t.roles[0]!), BODIES[t.action]![0]);
        expect(r.status).toBe(tooEarly ? 422 : 409);
        expect(r.errors[0]!.message).toContain(tooEarly ? M.pending[state]! : '（可能已由他人办理，请刷新）');
        if (tooEarly) expect(r.errors[0]!.message).toMatch(/Q4[26]/);
      });
    }

    it(`${t.action}: a field it does not take → 400 naming it`, () => {
      const r = refused(elimination(t.from[0]!), t.action, by(t.roles[0]!), { ...BODIES[t.action]![0], category: 'marginal_at_risk' });
      expect(r.status).toBe(400);
      expect(r.errors).toContainEqual({ path: 'category', message: '未知字段（可能是拼写错误）' });
    });
  }

  it('names what is missing when a step comes too early, e.g. approval at the start (Q46)', () => {
    const r = refused(elimination('lead'), 'county_approve', COUNTY, {});
    expect(r.errors).toEqual([{ path: 'state', message: '当前为“待核实”，尚未入户核实（Q46），不能县级审核批准风险消除' }]);
    expect(refused(elimination('announced'), 'county_approve', COUNTY, {}).status).toBe(409);
  });

  it.each([
    ['record_verification', 'lead', { visitors: '村干部', findings: 'x' }, 'occurredOn'],
    ['record_verification', 'lead', { occurredOn: '2024-05-31', visitors: '村干部', findings: 'x' }, 'occurredOn'],
    ['record_appraisal', 'verified', { form: 'villagers_meeting', heldOn: '2024-06-01', attendance: 9, result: 'passed' }, 'heldOn'],
    ['start_notice', 'appraised', { startOn: '2024-06-18', endOn: '2024-06-21', objectionUnit: '村委会', objectionPhone: '12317' }, 'endOn'],
    ['start_notice', 'appraised', { startOn: '2024-06-18', endOn: '2024-06-22', objectionUnit: '村委会', objectionPhone: '13800138000' }, 'objectionPhone'],
    ['end_notice', 'in_notice', { objections: 3 }, 'objectionSummary'],
    ['township_review', 'noticed', {}, 'opinion'],
    ['township_review', 'noticed', { opinion: '同意', proposedMeasures: [] }, 'proposedMeasures'],
    ['township_return', 'appraised', {}, 'reason'],
    ['county_reject', 'township_reviewed', {}, 'reason'],
    ['county_return', 'township_reviewed', { reason: '' }, 'reason'],
    ['announce', 'approved', { announcedOn: '2024-06-10' }, 'announcedOn'],
    ['close', 'noticed', { reason: 'x'.repeat(501), reasonCode: 'other' }, 'reason'],
    ['close', 'noticed', { reason: '说明', reasonCode: 'whatever' }, 'reasonCode'],
  ] as const)('%s from %s with an invalid body → 400 at %s', (action, state, body, path) => {
    const t = M.transitions.find((x) => x.action === action)!;
    const r = refused(elimination(state), action, by(t.roles[0]!), body);
    expect(r.status).toBe(400);
    expect(r.errors.map((e) => e.path)).toEqual([path]);
  });
});

describe('elimination barriers (Q34, Q37)', () => {
  const verify = BODIES.record_verification![0];

  it('a whole-household no-labour fallback household is refused at verification and at approval (Q34, Q35)', () => {
    const barrier = { path: 'household', message: '整户无劳动能力兜底保障户不进行风险消除，持续落实兜底保障（Q34、Q35）' };
    for (const [state, action, who, body] of [['lead', 'record_verification', CADRE, verify], ['verified', 'record_verification', TOWN, verify], ['township_reviewed', 'county_approve', COUNTY, {}]] as const) {
      const r = refused(elimination(state, { fallbackHousehold: true }), action, who, body);
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([barrier]);
    }
  });

  it.each([
    // identified, refused until, allowed from
    ['2024-01-31', ['2024-01-31', '2024-02-01', '2024-02-29'], '2024-03-01'],
    ['2024-01-01', ['2024-01-01', '2024-02-29'], '2024-03-01'],
    ['2023-12-15', ['2023-12-31', '2024-01-31'], '2024-02-01'],
    ['2023-11-30', ['2023-12-01', '2023-12-31'], '2024-01-01'],
    ['2024-06-30', ['2024-07-31'], '2024-08-01'],
  ])('identified %s: refused in that month and the next (Q37), allowed from %s on', (identifiedOn, refusedOn, allowedOn) => {
    const f = (state: string) => elimination(state, { identifiedOn, leadOn: identifiedOn, steps: [] });
    const approvable = (state: string, today: string) =>
      ({ ...f(state), steps: [done('start_notice', CADRE, identifiedOn, { startOn: identifiedOn, endOn: identifiedOn }), done('township_review', TOWN, today)] });
    for (const today of refusedOn) {
      const message = `识别当月及次月不得标注风险消除（识别日期${identifiedOn}，Q37）`;
      expect(eliminationBarriers(f('lead'), today)).toEqual([{ path: 'state', message }]);
      expect(refused(f('lead'), 'record_verification', CADRE, { ...verify, occurredOn: today }, today).errors).toEqual([{ path: 'state', message }]);
      const r = refused(approvable('township_reviewed', today), 'county_approve', COUNTY, {}, today);
      expect(r.errors).toContainEqual({ path: 'state', message });
    }
    expect(eliminationBarriers(f('lead'), allowedOn)).toEqual([]);
    expect(to(f('lead'), 'record_verification', CADRE, { ...verify, occurredOn: allowedOn }, allowedOn)).toBe('verified');
  });

  it('approval on the first allowed day passes when the notice ran and the engine finds the household eligible', () => {
    const f = elimination('township_reviewed', { identifiedOn: '2024-01-31', leadOn: '2024-03-01' });
    const steps = [done('start_notice', CADRE, '2024-03-01', { startOn: '2024-02-24', endOn: '2024-02-28' })];
    expect(to({ ...f, steps }, 'county_approve', COUNTY, {}, '2024-03-01')).toBe('approved');
    expect(refused({ ...f, steps }, 'county_approve', COUNTY, {}, '2024-02-29').errors.map((e) => e.message).join()).toMatch(/Q37/);
  });

  it('lists both barriers together, and none for a household never identified (nothing to count from)', () => {
    expect(eliminationBarriers(elimination('lead', { fallbackHousehold: true, identifiedOn: '2024-06-01' }), TODAY).map((e) => e.path)).toEqual(['household', 'state']);
    expect(eliminationBarriers(elimination('lead', { identifiedOn: null }), TODAY)).toEqual([]);
  });

  it('the barriers are checked at verification and approval only; the steps between do not repeat them', () => {
    const barred = { fallbackHousehold: true };
    expect(to(elimination('verified', barred), 'record_appraisal', CADRE, BODIES.record_appraisal![0])).toBe('appraised');
    expect(to(elimination('noticed', barred), 'township_review', TOWN, BODIES.township_review![0])).toBe('township_reviewed');
    // Closing is how such a case ends.
    expect(to(elimination('verified', barred), 'close', COUNTY, { reason: '兜底保障户，暂不消除（Q34）', reasonCode: 'fallback_household' })).toBe('not_eliminated');
  });
});

describe('elimination approval (Q30–Q33, Q42, Q46)', () => {
  const reviewed = (over: Partial<CaseFacts> = {}) => elimination('township_reviewed', over);

  it('is refused while an engine check fails, listing each failed check with its clause', () => {
    const failing: AssessmentSummary = {
      ...ELIGIBLE,
      eligible: false,
      checks: [
        { rule: 'income_stable', passed: false, clause: 'Q32', message: '近6个月人均纯收入低于监测范围' },
        { rule: 'guarantees_secured', passed: true, clause: 'Q30', message: '“三保障”和饮水安全已巩固' },
        { rule: 'risks_resolved', passed: false, clause: 'Q30, Q33', message: '识别时的因病风险尚未消除' },
      ],
    };
    const r = refused(reviewed({ currentAssessment: failing }), 'county_approve', COUNTY, {});
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([
      { path: 'checks.income_stable', message: '近6个月人均纯收入低于监测范围（Q32）' },
      { path: 'checks.risks_resolved', message: '识别时的因病风险尚未消除（Q30, Q33）' },
    ]);
  });

  it('is allowed when the engine finds the household eligible', () => {
    expect(to(reviewed(), 'county_approve', COUNTY, {})).toBe('approved');
  });

  it('is refused without an assessment at approval, and when the engine does not find the household eligible even if it names no failed check', () => {
    expect(refused(reviewed({ currentAssessment: undefined }), 'county_approve', COUNTY, {}).errors).toEqual([
      { path: 'assessment', message: '缺少审批时的风险消除评估' },
    ]);
    for (const eligible of [false, null]) {
      const r = refused(reviewed({ currentAssessment: { ...ELIGIBLE, eligible } }), 'county_approve', COUNTY, {});
      expect(r.status).toBe(422);
      expect(r.errors).toEqual([{ path: 'assessment', message: '风险消除评估未判定为符合消除条件，不能批准（Q30）' }]);
    }
  });

  it('needs no authorization commitment at any step (Q22 is for identification)', () => {
    const none = { countedMemberIds: [1, 2, 3], consentedMemberIds: [] };
    expect(to(elimination('verified', none), 'record_appraisal', CADRE, BODIES.record_appraisal![0])).toBe('appraised');
    expect(to(elimination('noticed', none), 'township_review', TOWN, BODIES.township_review![0])).toBe('township_reviewed');
    expect(to(reviewed(none), 'county_approve', COUNTY, {})).toBe('approved');
    expect(to(reviewed({ countedMemberIds: [], consentedMemberIds: [] }), 'county_approve', COUNTY, {})).toBe('approved');
  });

  it('waits for the village notice to run its 5 days, at the result, the township review and the approval (Q42)', () => {
    const running = [...HISTORY.slice(0, 2), done('start_notice', CADRE, '2024-06-16', { startOn: '2024-06-16', endOn: '2024-06-20' })];
    const message = { path: 'state', message: '公示期2024-06-16至2024-06-20尚未期满（不少于5天，Q42），2024-06-21起方可进行下一步' };
    expect(refused(elimination('in_notice', { steps: running }), 'end_notice', CADRE, { objections: 0 }).errors).toEqual([message]);
    expect(refused(elimination('noticed', { steps: running }), 'township_review', TOWN, BODIES.township_review![0]).errors).toEqual([message]);
    expect(refused(reviewed({ steps: running }), 'county_approve', COUNTY, {}).errors).toEqual([message]);
    expect(to(reviewed({ steps: running }), 'county_approve', COUNTY, {}, '2024-06-21')).toBe('approved');
  });

  it('stops after an objection to the notice was upheld, at the township review and the approval (Q46)', () => {
    const upheld = [...HISTORY.slice(0, 3), done('end_notice', CADRE, '2024-06-09', { objections: 2, objectionSummary: '该户仍无稳定收入', objectionsUpheld: true })];
    const message = { path: 'state', message: '公示异议经核实成立，不能标注风险消除；请结案并说明原因（Q46）' };
    expect(refused(elimination('noticed', { steps: upheld }), 'township_review', TOWN, BODIES.township_review![0]).errors).toEqual([message]);
    expect(refused(reviewed({ steps: [...upheld, HISTORY[4]!] }), 'county_approve', COUNTY, {}).errors).toEqual([message]);
    expect(to(elimination('noticed', { steps: upheld }), 'close', TOWN, { reason: '公示异议成立，暂不消除', reasonCode: 'objection_upheld' })).toBe('not_eliminated');
  });

  it('is refused to anyone who prepared the case (four eyes), also the rejection', () => {
    const preparer = { id: TOWN.id, role: 'county' as const };
    for (const [action, body] of [['county_approve', {}], ['county_reject', { reason: '不同意' }]] as const)
      expect(refused(reviewed(), action, preparer, body).errors).toEqual([
        { path: '', message: '您参与了本案的核实、评议、公示或乡镇审核，不能同时审批（审批与经办分离）' },
      ]);
  });

  it('lists every unmet condition at once', () => {
    const failing = { ...ELIGIBLE, eligible: false, checks: [{ rule: 'no_new_risk', passed: false, clause: 'Q30', message: '出现新的返贫风险' }] };
    const r = refused(reviewed({ fallbackHousehold: true, identifiedOn: '2024-05-10', currentAssessment: failing }), 'county_approve', COUNTY, {});
    expect(r.errors.map((e) => e.path)).toEqual(['household', 'state', 'checks.no_new_risk']);
  });
});

describe('elimination: who acts next, and which steps a role sees', () => {
  it.each([
    ['lead', ['township', 'village']],
    ['verified', ['township', 'village']],
    ['appraised', ['village']],
    ['in_notice', ['village']],
    ['noticed', ['township']],
    ['township_reviewed', ['county']],
    ['approved', ['county']],
    ['announced', []],
    ['rejected', []],
    ['not_eliminated', []],
  ])('nextRoles(%s) = %j', (state, roles) => {
    expect([...nextRoles(M, state)].sort()).toEqual(roles);
  });

  it.each([
    ['lead', 'village', ['record_verification', 'close']],
    ['lead', 'county', ['close']],
    ['verified', 'township', ['record_verification', 'record_appraisal', 'township_return', 'close']],
    ['appraised', 'village', ['start_notice', 'close']],
    ['in_notice', 'village', ['end_notice', 'close']],
    ['in_notice', 'county', ['close']],
    ['noticed', 'township', ['township_review', 'township_return', 'close']],
    ['township_reviewed', 'county', ['county_approve', 'county_reject', 'county_return', 'close']],
    ['township_reviewed', 'township', ['close']],
    ['approved', 'county', ['announce']],
    ['announced', 'county', []],
    ['not_eliminated', 'village', []],
  ] as const)('availableSteps(%s, %s) = %j', (state, role, expected) => {
    expect(availableSteps(M, state, role).map((s) => s.action)).toEqual(expected);
  });
});
