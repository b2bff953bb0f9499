/**
 * Authorization matrix of the village worklist of household self-reports (SEC-1 for WRN-5):
 * role × where the report lies × action → HTTP status, every cell through the API. Policy
 * (src/app/authz.ts): reports are read by village, township, county, city, province and national
 * users in their subtree (`self_report:read`), not by line departments, the 12317 hotline or the
 * admins; whole ID numbers and phones (`reveal=true`) only by those who handle households
 * (`household:read_sensitive`); opening the case and rejecting by village, township and county
 * (`self_report:handle`). A report outside the subtree is 403, an unknown id 404, no session 401.
 * The public routes themselves need no session (test/api/self-report.test.ts).
 *
 * Columns: a report of own village A · sibling village B (same township) · a village of another
 * township of the same county · a village of the other county · a missing id.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInSubtree } from '../../src/domain/region-code.ts';
import { leadingZeroBits } from '../../src/domain/self-report.ts';
import { everyone, expandMatrix, HANDLING_WRITE, NO_TARGET, READ_BY_PLACE, row, runMatrix, setupMatrix, type MatrixContext, type MatrixRow, type MatrixUser, type Target } from '../helpers/authz.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

// Read when the public routes are registered: a small difficulty keeps the fixtures fast.
process.env.JIANBANG_POW_BITS = '2';

const TODAY = '2024-03-20';
const MISSING_ID = 987_654_321;
type Place = Exclude<Target, 'missing' | 'any'>;
const PLACES: readonly Place[] = ['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty'];

let t: TestApp;
let ctx: MatrixContext;
/** One report per place that no row changes (read rows). */
const reports = {} as Record<Place, { id: number; headName: string }>;
let ip = 0;

const solve = (challenge: string, bits: number) => {
  for (let n = 0; ; n++) if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest()) >= bits) return String(n);
};

/** A report through the public page for a person nobody registered, in the place's village. */
async function publicReport(place: Place, headName: string, headIdNumber = nextIdNumber()) {
  const { challenge, bits } = (await t.app.inject({ method: 'GET', url: `${API}/public/challenge` })).json();
  ip++;
  const res = await t.app.inject({
    method: 'POST', url: `${API}/public/self-reports`, remoteAddress: `10.62.${Math.floor(ip / 250)}.${ip % 250}`,
    payload: { challenge, nonce: solve(challenge, bits), headName, headIdNumber, phone: '13800138000', villageCode: ctx.regionCode(place), difficulties: ['illness'] },
  });
  if (res.statusCode !== 201) throw new Error(`申报失败：${res.statusCode} ${res.body}`);
  const r = await t.db.selectFrom('self_report').select(['id', 'version']).where('ref_code', '=', res.json().refCode).executeTakeFirstOrThrow();
  return { id: Number(r.id), version: r.version, headIdNumber };
}

/** A fresh report of the target's place (one-shot actions); for open-case, the household registered after it. */
async function freshReport(target: Target, withHousehold: boolean) {
  if (target === 'missing') return { id: MISSING_ID, version: 1, householdId: ctx.households.ownVillage };
  const place = target as Place;
  const r = await publicReport(place, '周新来');
  let householdId = ctx.households[place];
  if (withHousehold) {
    const registrar = place === 'otherCounty' ? 'othercounty' : 'county';
    const res = await t.as(registrar).post(`${API}/households`, householdBody(ctx.regionCode(place), {
      members: [memberBody({ name: '周新来', relation: 'head', idNumber: r.headIdNumber }), memberBody({ name: '吴小妹', relation: 'spouse', sex: 'female' })],
    }));
    if (res.statusCode !== 201) throw new Error(`登记失败：${res.statusCode} ${res.body}`);
    householdId = res.json().id;
  }
  return { ...r, householdId };
}

const actorOf = (user: MatrixUser) => t.users[user as Exclude<MatrixUser, 'anonymous'>];
const sees = (user: MatrixUser, place: Place) => isInSubtree(actorOf(user).regionCode, ctx.regionCode(place));
const reportId = (target: Target) => (target === 'missing' ? MISSING_ID : reports[target as Place].id);

/** `self_report:read`: READ_BY_PLACE without the line department and the hotline. */
const READ = { ...READ_BY_PLACE, department: '403 403 403 403 403', hotline: '403 403 403 403 403' };
/** The audited reveal: those who handle households in person, in their subtree. */
const REVEAL = {
  ...READ, city: '403 403 403 403 404', province: '403 403 403 403 404', national: '403 403 403 403 404',
};
const ID_NUMBER = /\d{17}[\dX]/;

const ROWS: MatrixRow[] = [
  row({
    action: 'list own subtree',
    route: 'GET /self-reports',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/self-reports?pageSize=200` }),
    expect: everyone('200', { anonymous: '401', department: '403', hotline: '403', sysadmin: '403', secadmin: '403', auditadmin: '403' }),
    check: (res, _c, { user }) => {
      if (res.statusCode !== 200) return;
      const items = res.json().items as { id: number; regionCode: string; headIdNumber: string }[];
      expect(items.every((i) => isInSubtree(actorOf(user).regionCode, i.regionCode))).toBe(true);
      const base = PLACES.map((p) => reports[p].id);
      expect(items.map((i) => i.id).filter((id) => base.includes(id)).sort((a, b) => a - b)).toEqual(PLACES.filter((p) => sees(user, p)).map((p) => reports[p].id).sort((a, b) => a - b));
      expect(res.body, 'lists mask ID numbers').not.toMatch(ID_NUMBER);
    },
  }),
  row({
    action: 'read',
    route: 'GET /self-reports/:id',
    request: (_c, target) => ({ method: 'GET', url: `${API}/self-reports/${reportId(target)}` }),
    expect: READ,
    check: (res, _c, { target }) => {
      if (res.statusCode !== 200) return;
      expect(res.json()).toMatchObject({ id: reportId(target), headName: reports[target as Place].headName, sensitiveRevealed: false });
      expect(res.body).not.toMatch(ID_NUMBER);
    },
  }),
  row({
    action: 'read sensitive',
    route: 'GET /self-reports/:id?reveal=true',
    request: (_c, target) => ({ method: 'GET', url: `${API}/self-reports/${reportId(target)}?reveal=true` }),
    expect: REVEAL,
    check: (res) => {
      if (res.statusCode === 200) expect(res.json().headIdNumber).toMatch(ID_NUMBER);
    },
  }),
  row({
    action: 'reject',
    route: 'POST /self-reports/:id/reject',
    request: async (_c, target) => {
      const r = await freshReport(target, false);
      return { method: 'POST', url: `${API}/self-reports/${r.id}/reject`, payload: { reason: '经核实非本村农户', version: r.version } };
    },
    expect: HANDLING_WRITE(200),
    check: (res) => {
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ state: 'rejected', publicStatus: { statusName: '经核实未纳入' } });
    },
  }),
  row({
    action: 'open case',
    route: 'POST /self-reports/:id/open-case',
    request: async (_c, target) => {
      const r = await freshReport(target, true);
      return { method: 'POST', url: `${API}/self-reports/${r.id}/open-case`, payload: { householdId: r.householdId, version: r.version } };
    },
    expect: HANDLING_WRITE(200),
    check: (res) => {
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ state: 'case_opened' });
    },
  }),
];

describe(`authorization matrix of the self-report worklist [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(`${TODAY}T02:00:00Z`) });
    ctx = await setupMatrix(t);
    const names: Record<Place, string> = { ownVillage: '郑一', siblingVillage: '王二', otherTownship: '冯三', otherCounty: '陈四' };
    for (const p of PLACES) reports[p] = { id: (await publicReport(p, names[p])).id, headName: names[p] };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row, and covers every worklist route', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(50);
    const routes = new Set(ROWS.map((r) => r.route.split('?')[0]));
    for (const r of ['GET /self-reports', 'GET /self-reports/:id', 'POST /self-reports/:id/reject', 'POST /self-reports/:id/open-case']) expect(routes.has(r), r).toBe(true);
  });

  runMatrix(() => ctx, ROWS);
});
