/**
 * Authorization matrix of the case routes (SEC-1 for PRC, GRN, ELM and the workbench): role ×
 * where the case or household lies × action → HTTP status, every cell through the API. Policy
 * (src/app/authz.ts, src/domain/workflow.ts): cases are read by the work roles in their subtree;
 * a lead is opened by village, township and county cadres, and by the county's line department
 * and 12317 hotline (PRC-1); steps and consents are for village, township and county, and which
 * of them takes which step is the state machine's business (the verification visit is the
 * village's and the township's, so the county gets 403 from the machine); the county
 * announcement covers a whole county, so it is printed by those whose region covers the county;
 * running the deadline scan is for county and above and the system admin. An existing case
 * outside the subtree is 403, an unknown id 404, no session 401.
 *
 * Case and household columns: own village A · sibling village B (same township) · a village of
 * another township of the same county · a village of the other county · a missing id.
 * County columns: the county of A · of B · of the other township (all 于都县) · the other county.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  everyone, expandMatrix, HANDLING_WRITE, LIST_BY_REGION, NO_TARGET, READ_BY_PLACE, REGION_TARGETS, row, runMatrix, type MatrixRow, type MatrixUser,
} from '../helpers/authz.ts';
import { HEAD_NAMES, MISSING_ID, PLACES, setupCaseMatrix, type CaseMatrixContext, type Place } from '../helpers/authz-cases.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { countyCodeOf, isInSubtree } from '../../src/domain/region-code.ts';

const TODAY = '2024-03-20';
const ID_NUMBER = /\d{17}[\dX]/;

// Case / household columns: ownVillage siblingVillage otherTownship otherCounty missing (READ_BY_PLACE, HANDLING_WRITE).

/** Opening a case from a lead: the handling roles, and the county's line department and 12317 hotline (PRC-1). */
const OPEN = { ...HANDLING_WRITE(201), department: '201 201 201 403 404', hotline: '201 201 201 403 404' };
/**
 * A lead by ID number: a person registered outside the subtree is answered as an unknown number
 * (404), so a lead tells nobody where someone is registered; roles that open no case stay 403.
 */
const OPEN_BY_ID_NUMBER = Object.fromEntries(
  Object.entries(OPEN).map(([user, s]) => [user, s.includes('201') ? s.replaceAll('403', '404') : s]),
) as typeof OPEN;

/** The verification visit: village and township only; a county user passes the region check and is refused by the machine. */
const VERIFY = { ...HANDLING_WRITE(200), county: '403 403 403 403 404', othercounty: '403 403 403 403 404' };

/** A list filtered by household: every work role gets 200 (an empty list outside its subtree). */
const LIST = everyone('200 200 200 200 200', {
  anonymous: '401 401 401 401 401', sysadmin: '403 403 403 403 403', secadmin: '403 403 403 403 403', auditadmin: '403 403 403 403 403',
});

// County columns: the county of ownVillage, of siblingVillage, of otherTownship (the same county), the other county.
/** The county announcement covers a whole county: only users whose region covers the county print it. */
// Below the county: their own county's announcement, limited to their own part of it.
const COUNTY_ANNOUNCEMENT = { ...LIST_BY_REGION, village: '200 200 200 403', township: '200 200 200 403' };

const WORK_ROLES_ONLY = everyone('200', { anonymous: '401', sysadmin: '403', secadmin: '403', auditadmin: '403' });
const ONLY = (users: MatrixUser[], ok = '200') => everyone('403', { anonymous: '401', ...Object.fromEntries(users.map((u) => [u, ok])) });

let t: TestApp;
let ctx: CaseMatrixContext;
const c = () => ctx;

const actorOf = (user: MatrixUser) => t.users[user as Exclude<MatrixUser, 'anonymous'>];
const sees = (user: MatrixUser, place: Place) => isInSubtree(actorOf(user).regionCode, ctx.regionCode(place));
const byNumber = (ids: number[]) => [...ids].sort((a, b) => a - b);
const contextCases = () => PLACES.flatMap((p) => [ctx.cases[p].verified, ctx.cases[p].approved]);
const errorText = (body: string) => (JSON.parse(body).errors as { message: string }[]).map((e) => e.message).join('\n');

/** The source each kind of user may report (a department pushes warnings, the hotline 12317 tickets). */
const sourceFor = (user: MatrixUser) => (user === 'department' ? 'department_warning' : user === 'hotline' ? 'hotline_12317' : 'cadre_visit');

/** The household a lead row just opened a case for, and the member a consent row just signed for (read by their checks). */
let opened = 0;
let signer = 0;

/** Opening a case for a new household of the target's place (one open identification case per household). */
const openRow = (action: string, path: string, body: (h: { id: number; headIdNumber: string }, user: MatrixUser) => object, expected = OPEN) =>
  row({
    action,
    route: `POST ${path}`,
    request: async (_c, target, user) => {
      const h = await ctx.freshHousehold(target);
      opened = h.id;
      return { method: 'POST', url: `${API}${path}`, payload: body(h, user) };
    },
    expect: expected,
    check: (res, _c, { user }) => {
      if (res.statusCode === 201) expect(res.json()).toMatchObject({ householdId: opened, state: 'lead', source: sourceFor(user), leadOn: TODAY });
      else expect(res.body, 'a refusal does not echo the ID number').not.toMatch(ID_NUMBER);
    },
  });

const expectHtmlNotice = (res: { headers: Record<string, unknown>; body: string }, names: string[], absent: string[] = []) => {
  expect(String(res.headers['content-type'])).toMatch(/text\/html/);
  for (const n of names) expect(res.body).toContain(n);
  for (const n of absent) expect(res.body).not.toContain(n);
  expect(res.body, 'a notice never shows an ID number (Q47)').not.toMatch(ID_NUMBER);
};

const ROWS: MatrixRow[] = [
  // ── reading ─────────────────────────────────────────────────────────────────────
  row({
    action: 'list own subtree',
    route: 'GET /cases',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/cases?pageSize=200` }),
    expect: WORK_ROLES_ONLY,
    check: (res, _c, { user }) => {
      if (res.statusCode !== 200) return;
      const items = res.json().items as { id: number; regionCode: string }[];
      expect(items.every((i) => isInSubtree(actorOf(user).regionCode, i.regionCode))).toBe(true);
      const expected = PLACES.filter((p) => sees(user, p)).flatMap((p) => [ctx.cases[p].verified, ctx.cases[p].approved]);
      expect(byNumber(items.map((i) => i.id).filter((id) => contextCases().includes(id)))).toEqual(byNumber(expected));
    },
  }),
  row({
    action: 'list by household',
    route: 'GET /cases?householdId=',
    request: (_c, target) => ({ method: 'GET', url: `${API}/cases?householdId=${ctx.caseHouseholdId(target, 'approved')}` }),
    expect: LIST,
    check: (res, _c, { user, target }) => {
      if (res.statusCode !== 200) return;
      const ids = (res.json().items as { id: number }[]).map((i) => i.id);
      expect(ids).toEqual(target !== 'missing' && sees(user, target as Place) ? [ctx.caseId(target, 'approved')] : []);
    },
  }),
  row({
    action: 'read',
    route: 'GET /cases/:id',
    request: (_c, target) => ({ method: 'GET', url: `${API}/cases/${ctx.caseId(target, 'approved')}` }),
    expect: READ_BY_PLACE,
    check: (res, _c, { user, target }) => {
      if (res.statusCode !== 200) return;
      const body = res.json();
      expect(body).toMatchObject({ id: ctx.caseId(target, 'approved'), state: 'approved', household: { headName: HEAD_NAMES[target as Place] } });
      // Only the county may take the next step (the announcement); everyone else sees no step.
      expect(body.availableSteps.map((s: { action: string }) => s.action)).toEqual(actorOf(user).role === 'county' ? ['announce'] : []);
    },
  }),
  row({
    action: 'print village notice',
    route: 'GET /cases/:id/notice',
    request: (_c, target) => ({ method: 'GET', url: `${API}/cases/${ctx.caseId(target, 'approved')}/notice` }),
    expect: READ_BY_PLACE,
    check: (res, _c, { target }) => {
      if (res.statusCode === 200) expectHtmlNotice(res, [HEAD_NAMES[target as Place], '0797-6221234']);
    },
  }),
  row({
    action: 'print county announcement of a case',
    route: 'GET /cases/:id/notice?type=county_announcement',
    request: (_c, target) => ({ method: 'GET', url: `${API}/cases/${ctx.caseId(target, 'approved')}/notice?type=county_announcement` }),
    expect: READ_BY_PLACE,
    check: (res, _c, { target }) => {
      if (res.statusCode === 200) expectHtmlNotice(res, [HEAD_NAMES[target as Place]]);
    },
  }),
  row({
    action: 'print county announcement',
    route: 'GET /notices/county-announcement?countyCode=',
    targets: REGION_TARGETS,
    request: (_c, target) => ({
      method: 'GET',
      url: `${API}/notices/county-announcement?countyCode=${countyCodeOf(ctx.regionCode(target))}&from=2024-03-01&to=${TODAY}&format=html`,
    }),
    expect: COUNTY_ANNOUNCEMENT,
    check: (res, _c, { target, user }) => {
      if (res.statusCode !== 200) return;
      // Every case the county approved in the period that the user may see, and nothing else.
      const county = countyCodeOf(ctx.regionCode(target));
      const mine = (p: (typeof PLACES)[number]) => countyCodeOf(ctx.regionCode(p)) === county && sees(user, p);
      const [inCounty, elsewhere] = [PLACES.filter(mine), PLACES.filter((p) => !mine(p))];
      expectHtmlNotice(res, inCounty.map((p) => HEAD_NAMES[p]), elsewhere.map((p) => HEAD_NAMES[p]));
    },
  }),
  row({
    action: 'print county announcement of the own county',
    route: 'GET /notices/county-announcement',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/notices/county-announcement?from=2024-03-01&to=${TODAY}&format=html` }),
    // Above the county the county must be named (400); below it, the user's own county.
    expect: everyone('200', {
      anonymous: '401', city: '400', province: '400', national: '400', sysadmin: '403', secadmin: '403', auditadmin: '403',
    }),
    check: (res, _c, { user }) => {
      if (res.statusCode === 400) expect(errorText(res.body)).toMatch(/请选择县/);
      if (res.statusCode === 200) expectHtmlNotice(res, PLACES.filter((p) => sees(user, p)).map((p) => HEAD_NAMES[p]));
    },
  }),
  row({
    action: 'workbench',
    route: 'GET /workbench',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/workbench` }),
    expect: WORK_ROLES_ONLY,
    check: (res, _c, { user }) => {
      if (res.statusCode !== 200) return;
      const tasks = res.json().tasks as { type: string; caseId: number | null; regionCode: string }[];
      expect(tasks.every((k) => isInSubtree(actorOf(user).regionCode, k.regionCode))).toBe(true);
      // Verified cases wait for the village and township (appraisal), approved ones for the county (announcement).
      const role = actorOf(user).role;
      const expected = PLACES.filter((p) => sees(user, p)).flatMap((p) => [
        ...(role === 'village' || role === 'township' ? [ctx.cases[p].verified] : []),
        ...(role === 'county' ? [ctx.cases[p].approved] : []),
      ]);
      const caseTasks = tasks.filter((k) => k.type === 'case' && contextCases().includes(k.caseId!)).map((k) => k.caseId!);
      expect(byNumber(caseTasks)).toEqual(byNumber(expected));
    },
  }),
  row({
    action: 'scheduler status',
    route: 'GET /scheduler',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/scheduler` }),
    expect: WORK_ROLES_ONLY,
  }),

  // ── writing ─────────────────────────────────────────────────────────────────────
  openRow('open a case', '/cases', (h, user) => ({ householdId: h.id, source: sourceFor(user), leadOn: TODAY })),
  // A line department knows the person, not our household number (PRC-1).
  openRow('push a lead by ID number', '/leads', (h, user) => ({ idNumber: h.headIdNumber, source: sourceFor(user), leadOn: TODAY, sourceRef: `WARN-${ctx.seq()}` }), OPEN_BY_ID_NUMBER),
  row({
    action: 'take a step (verification visit)',
    route: 'POST /cases/:id/steps/:action',
    request: async (_c, target) => {
      const id = ctx.caseId(target, 'verified');
      const v = await t.db.selectFrom('workflow_case').select('version').where('id', '=', id).executeTakeFirst();
      return {
        method: 'POST',
        url: `${API}/cases/${id}/steps/record_verification`,
        payload: { version: v?.version ?? 1, occurredOn: TODAY, visitors: '村干部', findings: `复核${ctx.seq()}` },
      };
    },
    expect: VERIFY,
    check: (res, _c, { user, target }) => {
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ id: ctx.caseId(target, 'verified'), state: 'verified' });
      if (res.statusCode !== 403) return;
      const handles = ['village', 'township', 'county'].includes(actorOf(user).role);
      // Refused by the machine (wrong role for this step) only where the case is in the user's region.
      if (handles && target !== 'missing' && sees(user, target as Place)) expect(errorText(res.body)).toBe('“入户核实”须由村级、乡镇办理');
      else if (handles) expect(errorText(res.body)).toMatch(/不在您的管辖区域内/);
      else expect(errorText(res.body)).toMatch(/无权/);
    },
  }),
  row({
    action: 'record a member’s authorization commitment',
    route: 'POST /cases/:id/consents',
    request: async (_c, target) => {
      signer = await ctx.freshMember(target);
      return { method: 'POST', url: `${API}/cases/${ctx.caseId(target, 'verified')}/consents`, payload: { memberId: signer, signedOn: TODAY } };
    },
    expect: HANDLING_WRITE(201),
    check: (res) => {
      if (res.statusCode === 201) expect(res.json().consents).toContainEqual(expect.objectContaining({ memberId: signer, signedOn: TODAY }));
    },
  }),
  row({
    action: 'request the data comparison (refused by Q22 while the counted members have not signed)',
    route: 'POST /cases/:id/comparisons',
    request: (_c, target) => ({ method: 'POST', url: `${API}/cases/${ctx.caseId(target, 'verified')}/comparisons` }),
    expect: HANDLING_WRITE(422),
    check: (res) => {
      if (res.statusCode === 422) expect(res.body).toMatch(/Q22/);
    },
  }),
  row({
    action: 'record a data comparison result (unknown comparison)',
    route: 'POST /cases/:id/comparisons/:comparisonId/result',
    request: (_c, target) => ({
      method: 'POST', url: `${API}/cases/${ctx.caseId(target, 'verified')}/comparisons/${MISSING_ID}/result`,
      payload: { version: 1, result: 'no_issue', completedOn: TODAY },
    }),
    expect: HANDLING_WRITE(404),
  }),
  row({
    action: 'run the deadline scan',
    route: 'POST /scheduler/run',
    targets: NO_TARGET,
    request: () => ({ method: 'POST', url: `${API}/scheduler/run` }),
    expect: ONLY(['county', 'othercounty', 'city', 'province', 'national', 'sysadmin']),
    check: (res) => {
      if (res.statusCode === 200) expect(res.json().ranFor).toBe(TODAY);
    },
  }),
];

describe(`authorization matrix of the case routes [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(`${TODAY}T02:00:00Z`) });
    ctx = await setupCaseMatrix(t, TODAY);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row, and covers every case route', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(600);
    const routes = new Set(ROWS.map((r) => r.route.split('?')[0]));
    for (const r of [
      'GET /cases', 'POST /cases', 'POST /leads', 'GET /cases/:id', 'POST /cases/:id/steps/:action', 'POST /cases/:id/consents',
      'GET /cases/:id/notice', 'GET /notices/county-announcement', 'GET /workbench', 'GET /scheduler', 'POST /scheduler/run',
      'POST /cases/:id/comparisons', 'POST /cases/:id/comparisons/:comparisonId/result',
    ])
      expect(routes.has(r), r).toBe(true);
  });

  it('the setup left one verified and one approved case in each place', async () => {
    const rows = await t.db.selectFrom('workflow_case').select(['id', 'state', 'region_code']).where('id', 'in', contextCases()).execute();
    for (const p of PLACES) {
      expect(rows.find((r) => Number(r.id) === ctx.cases[p].verified)).toMatchObject({ state: 'verified', region_code: ctx.regionCode(p) });
      expect(rows.find((r) => Number(r.id) === ctx.cases[p].approved)).toMatchObject({ state: 'approved', region_code: ctx.regionCode(p) });
    }
  });

  runMatrix(c, ROWS);
});
