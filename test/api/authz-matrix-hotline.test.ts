/**
 * Authorization matrix of the 12317 routes (SEC-1 for WRN-2): role × where the ticket lies ×
 * action → HTTP status, every cell through the API. Policy (src/app/authz.ts,
 * src/domain/hotline-ticket.ts): the operator accepts tickets about its own region, assigns them,
 * records the evaluation and archives; the township or county a ticket was assigned to answers
 * it (a county does not answer for its township); a township or county reads what was assigned
 * in its subtree, the city, province and national level what was escalated to them; a ticket
 * the user may not read is answered as one that does not exist (404), so a township cannot learn
 * that a tip about it went to its county. The caller is the operator's alone.
 *
 * Ticket columns: about village A (own) · village B (same township) · village C (another
 * township of 于都县) · village D (兴国县) · a missing id. Region columns: the same four villages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { runDeadlineScheduler } from '../../src/app/deadlines/run-deadline-scheduler.ts';
import { createUser } from '../../src/app/users/create-user.ts';
import { addDays } from '../../src/domain/deadlines.ts';
import { parentCode } from '../../src/domain/region-code.ts';
import { everyone, expandMatrix, NO_TARGET, REGION_TARGETS, row, runMatrix, setupMatrix, type MatrixContext, type MatrixRow, type MatrixUser, type Target } from '../helpers/authz.ts';
import { API, createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';

const TODAY = '2024-03-20';
const MISSING_ID = 987_654_321;
const CALLER_NAME = '矩阵来电人';
const CALLER_PHONE = '13688776655';

type Place = 'ownVillage' | 'siblingVillage' | 'otherTownship' | 'otherCounty';
const PLACES: readonly Place[] = ['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty'];
type Stage = 'accepted' | 'assigned' | 'assigned_county' | 'replied' | 'closed';

/** Who works each place: the operator that accepts about it, its township, its county. */
const WORKERS: Record<Place, { hotline: string; township: string; county: string }> = {
  ownVillage: { hotline: 'hotline', township: 'township', county: 'county' },
  siblingVillage: { hotline: 'hotline', township: 'township', county: 'county' },
  otherTownship: { hotline: 'hotline', township: 'x_township_c', county: 'county' },
  otherCounty: { hotline: 'x_hotline_d', township: 'x_township_d', county: 'othercounty' },
};

let t: TestApp;
let ctx: MatrixContext;
/** Per place: a ticket assigned to its township, and one escalated to the province. */
const fixtures = {} as Record<Place, { assigned: number; escalated: number }>;

async function ok(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await t.as(user).inject({ method, url: `${API}${url}`, payload: payload as any });
  if (res.statusCode >= 300) throw new Error(`${user} ${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A new ticket about the place, driven by that place's own workers to `stage`. */
async function freshTicket(place: Place, stage: Stage): Promise<{ id: number; version: number }> {
  const w = WORKERS[place];
  const village = ctx.regionCode(place);
  let v = await ok(w.hotline, 'POST', '/hotline/tickets', {
    kind: 'tip_off', tipKind: 'other', callerName: CALLER_NAME, callerPhone: CALLER_PHONE, content: `矩阵测试${ctx.seq()}`, regionCode: village,
  });
  if (stage === 'accepted') return v;
  const toCounty = stage === 'assigned_county';
  v = await ok(w.hotline, 'POST', `/hotline/tickets/${v.id}/assign`, { version: v.version, regionCode: toCounty ? `${village.slice(0, 6)}000000` : parentCode(village) });
  if (stage === 'assigned' || toCounty) return v;
  v = await ok(w.township, 'POST', `/hotline/tickets/${v.id}/reply`, { version: v.version, reply: '已核实处理' });
  if (stage === 'replied') return v;
  return ok(w.hotline, 'POST', `/hotline/tickets/${v.id}/evaluate`, { version: v.version, evaluation: 'satisfied' });
}

const ticketOf = (target: Target, kind: 'assigned' | 'escalated') => (target === 'missing' ? MISSING_ID : fixtures[target as Place][kind]);

/** The id a write row just prepared (read by its check). */
let current = 0;
const writeRow = (action: string, path: string, stage: Stage, body: (v: number, target: Target) => object, expected: Record<MatrixUser, string>, state: string) =>
  row({
    action,
    route: `POST /hotline/tickets/:id/${path}`,
    request: async (_c, target) => {
      if (target === 'missing') return { method: 'POST', url: `${API}/hotline/tickets/${MISSING_ID}/${path}`, payload: body(1, target) };
      const f = await freshTicket(target as Place, stage);
      current = f.id;
      return { method: 'POST', url: `${API}/hotline/tickets/${f.id}/${path}`, payload: body(f.version, target) };
    },
    expect: expected,
    check: (res) => {
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ id: current, state });
    },
  });

const NOBODY_BUT = (overrides: Partial<Record<MatrixUser, string>>) => everyone('403 403 403 403 403', { anonymous: '401 401 401 401 401', ...overrides });
const NOT_VISIBLE = '404 404 404 404 404';

/** Tickets assigned to the township of their place. */
const READ_ASSIGNED = NOBODY_BUT({
  township: '200 200 404 404 404',
  county: '200 200 200 404 404',
  othercounty: '404 404 404 200 404',
  city: NOT_VISIBLE, province: NOT_VISIBLE, national: NOT_VISIBLE,
  hotline: '200 200 200 404 404',
});
/** Tickets escalated to the province: every supervisor above sees them. */
const READ_ESCALATED = { ...READ_ASSIGNED, city: '200 200 200 200 404', province: '200 200 200 200 404', national: '200 200 200 200 404' };
/** The operator's actions, on tickets of its region. */
const OPERATOR = (ok: number) => NOBODY_BUT({ hotline: `${ok} ${ok} ${ok} 404 404` });

/** Which fixture tickets each user's list shows. */
const LISTED: Partial<Record<MatrixUser, [Place[], Place[]]>> = {
  township: [['ownVillage', 'siblingVillage'], ['ownVillage', 'siblingVillage']],
  county: [['ownVillage', 'siblingVillage', 'otherTownship'], ['ownVillage', 'siblingVillage', 'otherTownship']],
  othercounty: [['otherCounty'], ['otherCounty']],
  city: [[], [...PLACES]],
  province: [[], [...PLACES]],
  national: [[], [...PLACES]],
  hotline: [['ownVillage', 'siblingVillage', 'otherTownship'], ['ownVillage', 'siblingVillage', 'otherTownship']],
};

const byNumber = (ids: number[]) => [...ids].sort((a, b) => a - b);
const noCaller = (body: string) => {
  expect(body).not.toContain(CALLER_NAME);
  expect(body).not.toContain(CALLER_PHONE);
  expect(body).not.toContain('callerPhone');
};

const ROWS: MatrixRow[] = [
  row({
    action: 'list',
    route: 'GET /hotline/tickets',
    targets: NO_TARGET,
    request: () => ({ method: 'GET', url: `${API}/hotline/tickets?pageSize=200` }),
    expect: everyone('200', { anonymous: '401', village: '403', department: '403', sysadmin: '403', secadmin: '403', auditadmin: '403' }),
    check: (res, _c, { user }) => {
      if (res.statusCode !== 200) return;
      const ids = (res.json().items as { id: number }[]).map((i) => i.id);
      const all = PLACES.flatMap((p) => [fixtures[p].assigned, fixtures[p].escalated]);
      const [assigned, escalated] = LISTED[user]!;
      expect(byNumber(ids.filter((id) => all.includes(id)))).toEqual(byNumber([...assigned.map((p) => fixtures[p].assigned), ...escalated.map((p) => fixtures[p].escalated)]));
      if (user !== 'hotline') noCaller(res.body);
    },
  }),
  row({
    action: 'read (assigned to the township)',
    route: 'GET /hotline/tickets/:id',
    request: (_c, target) => ({ method: 'GET', url: `${API}/hotline/tickets/${ticketOf(target, 'assigned')}` }),
    expect: READ_ASSIGNED,
    check: (res, _c, { user, target }) => {
      if (res.statusCode !== 200) return;
      expect(res.json()).toMatchObject({ id: ticketOf(target, 'assigned'), state: 'assigned', regionCode: ctx.regionCode(target) });
      if (user === 'hotline') expect(res.json()).toMatchObject({ callerName: CALLER_NAME, callerPhone: '136****6655' });
      else noCaller(res.body);
    },
  }),
  row({
    action: 'read (escalated to the province)',
    route: 'GET /hotline/tickets/:id',
    request: (_c, target) => ({ method: 'GET', url: `${API}/hotline/tickets/${ticketOf(target, 'escalated')}` }),
    expect: READ_ESCALATED,
    check: (res, _c, { user, target }) => {
      if (res.statusCode !== 200) return;
      expect(res.json()).toMatchObject({ id: ticketOf(target, 'escalated'), supervisingLevel: 1, escalations: 3 });
      if (user !== 'hotline') noCaller(res.body);
    },
  }),
  row({
    action: 'reveal the caller',
    route: 'GET /hotline/tickets/:id?revealCaller=true',
    request: (_c, target) => ({ method: 'GET', url: `${API}/hotline/tickets/${ticketOf(target, 'escalated')}?revealCaller=true` }),
    // Readers who are not the operator: refused once they can see the ticket at all.
    expect: {
      ...NOBODY_BUT({ hotline: '200 200 200 404 404' }),
      township: '403 403 404 404 404', county: '403 403 403 404 404', othercounty: '404 404 404 403 404',
      city: '403 403 403 403 404', province: '403 403 403 403 404', national: '403 403 403 403 404',
    },
    check: (res, _c, { user }) => {
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ callerName: CALLER_NAME, callerPhone: CALLER_PHONE, callerRevealed: true });
      if (user !== 'hotline') noCaller(res.body);
    },
  }),
  row({
    action: 'accept',
    route: 'POST /hotline/tickets',
    targets: REGION_TARGETS,
    request: (_c, target) => ({
      method: 'POST', url: `${API}/hotline/tickets`,
      payload: { kind: 'tip_off', tipKind: 'other', callerPhone: CALLER_PHONE, content: `受理${ctx.seq()}`, regionCode: ctx.regionCode(target) },
    }),
    expect: everyone('403 403 403 403', { anonymous: '401 401 401 401', hotline: '201 201 201 403' }),
    check: (res, _c, { target }) => {
      if (res.statusCode === 201) expect(res.json()).toMatchObject({ state: 'accepted', regionCode: ctx.regionCode(target), ticketNo: expect.stringMatching(/^12317-20240320-\d{4}$/) });
    },
  }),
  writeRow('assign to the township', 'assign', 'accepted', (version, target) => ({ version, regionCode: parentCode(target === 'missing' ? t.regions.villageA : ctx.regionCode(target)) }), OPERATOR(200), 'assigned'),
  writeRow('reply (assigned to the township)', 'reply', 'assigned', (version) => ({ version, reply: '已核实' }), NOBODY_BUT({
    township: '200 200 404 404 404',
    // The county sees its townships' tickets but does not answer for them.
    county: '403 403 403 404 404',
    othercounty: '404 404 404 403 404',
  }), 'replied'),
  writeRow('reply (assigned to the county)', 'reply', 'assigned_county', (version) => ({ version, reply: '已核实' }), NOBODY_BUT({
    township: NOT_VISIBLE,
    county: '200 200 200 404 404',
    othercounty: '404 404 404 200 404',
  }), 'replied'),
  writeRow('evaluate', 'evaluate', 'replied', (version) => ({ version, evaluation: 'basically_satisfied' }), OPERATOR(200), 'closed'),
  writeRow('archive', 'archive', 'closed', (version) => ({ version }), OPERATOR(200), 'archived'),
];

describe(`authorization matrix of the 12317 routes [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(`${TODAY}T02:00:00Z`) });
    ctx = await setupMatrix(t);
    const local: [string, 'hotline' | 'township', string][] = [
      ['x_hotline_d', 'hotline', t.regions.otherCounty],
      ['x_township_c', 'township', t.regions.otherTownship],
      ['x_township_d', 'township', parentCode(t.regions.villageD)!],
    ];
    for (const [username, role, regionCode] of local)
      await createUser(t.db, SYSTEM_ACTOR, { username, displayName: username, role, regionCode, password: TEST_PASSWORD, mustChangePassword: false }, { skipAuthz: true });
    for (const p of PLACES) fixtures[p] = { assigned: (await freshTicket(p, 'assigned')).id, escalated: (await freshTicket(p, 'assigned')).id };
    // The escalated ones: assigned 46 days ago with a 15-day limit, overdue 31 days → three levels up (the scheduler's own rule).
    const escalated = PLACES.map((p) => fixtures[p].escalated);
    await t.db.updateTable('hotline_ticket').set({ due_on: addDays(TODAY, -31), assigned_on: addDays(TODAY, -46) }).where('id', 'in', escalated).execute();
    await t.db.updateTable('deadline').set({ opened_on: addDays(TODAY, -46), due_on: addDays(TODAY, -31) })
      .where('subject_type', '=', 'hotline_ticket').where('subject_id', 'in', escalated).execute();
    await runDeadlineScheduler(t.db, t.app.now);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row, and covers every 12317 route', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(100);
    const routes = new Set(ROWS.map((r) => r.route.split('?')[0]));
    for (const r of [
      'GET /hotline/tickets', 'POST /hotline/tickets', 'GET /hotline/tickets/:id', 'POST /hotline/tickets/:id/assign',
      'POST /hotline/tickets/:id/reply', 'POST /hotline/tickets/:id/evaluate', 'POST /hotline/tickets/:id/archive',
    ])
      expect(routes.has(r), r).toBe(true);
  });

  it('the setup left a township-assigned and a province-escalated ticket in each place', async () => {
    const rows = await t.db.selectFrom('hotline_ticket').select(['id', 'state', 'region_code', 'supervising_level', 'assigned_region_code'])
      .where('id', 'in', PLACES.flatMap((p) => [fixtures[p].assigned, fixtures[p].escalated])).execute();
    for (const p of PLACES) {
      expect(rows.find((r) => r.id === fixtures[p].assigned)).toMatchObject({ state: 'assigned', region_code: ctx.regionCode(p), supervising_level: 4 });
      expect(rows.find((r) => r.id === fixtures[p].escalated)).toMatchObject({ state: 'assigned', supervising_level: 1, assigned_region_code: parentCode(ctx.regionCode(p)) });
    }
  });

  runMatrix(() => ctx, ROWS);
});
