/**
 * Issue 3 through the API: the assessment contract over HTTP (same engine as the CLI, byte for
 * byte), the registry records it reads (INC-1…3, IDN-3, REG-4), the household assessment and
 * the threshold what-if.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assess } from '../../src/policy/assess.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody } from '../helpers/households.ts';

const CONTRACT_EXAMPLE = {
  kind: 'identification',
  asOf: '2023-06-15',
  household: {
    formerlyPoor: true,
    members: [
      { id: 'm1', birthDate: '1968-03-02', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'full' },
      { id: 'm2', birthDate: '1970-05-01', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'weak' },
      { id: 'm3', birthDate: '2010-09-09', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'none' },
    ],
    incomes: [{ type: 'wage', amount: 21600, from: '2022-06', to: '2023-05', memberId: 'm1' }],
    claims: [{ type: 'commercial_insurance', amount: 5000, month: '2023-03', status: 'pending' }],
    expenses: [{ type: 'medical_out_of_pocket', amount: 30000, month: '2023-02' }],
    risks: [{ type: 'illness', selfResolvable: false, incomeDrop: false, resolved: false }],
  },
};

describe(`assessment API (${TEST_DB_KIND})`, () => {
  let t: TestApp;
  let householdId: number;
  let headId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date('2023-06-15T02:00:00Z') });
    const res = await t.as('village').post(`${API}/households`, householdBody(t.regions.villageA));
    expect(res.statusCode).toBe(201);
    householdId = res.json().id;
    headId = res.json().members[0].id;
  });
  afterAll(() => t?.close());

  it('POST /assessments returns the library result for a valid input', async () => {
    const res = await t.as('county').post(`${API}/assessments`, CONTRACT_EXAMPLE);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual(JSON.parse(JSON.stringify(assess(CONTRACT_EXAMPLE as any))));
    expect(body.recommendation).toBe('identify');
    expect(body.category).toBe('unstable_out_of_poverty');
    expect(body.perCapitaNetIncome).toBe(7200);
    expect(body.flags).toContain('pending_claim_follow_up');
    expect(body.reasons[0].clause).toMatch(/^Q\d+/);
  });

  it('POST /assessments answers 400 with one error per bad field, at its path', async () => {
    const bad = structuredClone(CONTRACT_EXAMPLE) as any;
    bad.household.members[0].livesTogther = true;
    delete bad.household.members[1].birthDate;
    const res = await t.as('village').post(`${API}/assessments`, bad);
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: any) => e.path);
    expect(paths).toContain('household.members[0].livesTogther');
    expect(paths).toContain('household.members[1].birthDate');
  });

  it('POST /assessments needs a signed-in working user', async () => {
    expect((await t.anonymous.post(`${API}/assessments`, CONTRACT_EXAMPLE)).statusCode).toBe(401);
    expect((await t.as('auditadmin').post(`${API}/assessments`, CONTRACT_EXAMPLE)).statusCode).toBe(403);
  });

  it('the CLI and the HTTP route give byte-identical results for the same input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jb-assess-'));
    const file = join(dir, 'input.json');
    for (const input of [CONTRACT_EXAMPLE, { ...CONTRACT_EXAMPLE, kind: 'elimination', asOf: '2024-02-10', identifiedOn: '2023-06-20', category: 'marginal_at_risk', guaranteesSecured: true }]) {
      writeFileSync(file, JSON.stringify(input));
      const cli = execFileSync(process.execPath, ['bin/jianbang.js', 'assess', file], { encoding: 'utf8' });
      const http = await t.as('county').post(`${API}/assessments`, input);
      expect(http.statusCode).toBe(200);
      expect(cli.trimEnd()).toBe(http.body);
    }
  });

  it('records income, claims, expenses and risks with field errors in Chinese', async () => {
    const c = t.as('village');
    const bad = await c.post(`${API}/households/${householdId}/incomes`, { type: 'salary', amount: 1.234, from: '2022-13', to: '2022-01', memberId: 999999 });
    expect(bad.statusCode).toBe(400);
    const byPath = Object.fromEntries(bad.json().errors.map((e: any) => [e.path, e.message]));
    expect(Object.keys(byPath)).toEqual(expect.arrayContaining(['type', 'amount', 'from', 'memberId']));
    expect(byPath.amount).toContain('两位小数');

    expect((await c.post(`${API}/households/${householdId}/incomes`, { type: 'wage', amount: 12000, from: '2022-06', to: '2023-05', memberId: headId })).statusCode).toBe(201);
    expect((await c.post(`${API}/households/${householdId}/incomes`, { type: 'business', amount: 3000, from: '2022-01', to: '2022-12' })).statusCode).toBe(201);
    expect((await c.post(`${API}/households/${householdId}/incomes`, { type: 'business_cost', amount: 1000, from: '2022-01', to: '2022-12' })).statusCode).toBe(201);
    const claim = await c.post(`${API}/households/${householdId}/claims`, { type: 'commercial_insurance', amount: 2000, month: '2023-04', status: 'pending' });
    expect(claim.statusCode).toBe(201);
    expect((await c.post(`${API}/households/${householdId}/expenses`, { type: 'medical_out_of_pocket', amount: 9000, month: '2023-01' })).statusCode).toBe(201);
    expect((await c.post(`${API}/households/${householdId}/expenses`, { type: 'other_medical', amount: 500, month: '2023-01' })).statusCode).toBe(201);
    const risk = await c.post(`${API}/households/${householdId}/risks`, { type: 'illness', selfResolvable: false, foundOn: '2023-05-20' });
    expect(risk.statusCode).toBe(201);

    const records = (await c.get(`${API}/households/${householdId}/records`)).json();
    expect(records.incomes).toHaveLength(3);
    expect(records.claims[0]).toMatchObject({ status: 'pending', amount: 2000 });
    expect(records.risks[0]).toMatchObject({ type: 'illness', selfResolvable: false, resolved: false });

    // A stale edit is refused; a current one applies.
    const claimId = claim.json().id;
    expect((await c.patch(`${API}/households/${householdId}/claims/${claimId}`, { status: 'paid', version: 99 })).statusCode).toBe(409);
    expect((await c.patch(`${API}/households/${householdId}/claims/${claimId}`, { status: 'paid', version: 1 })).json()).toMatchObject({ status: 'paid', version: 2 });
  });

  it('assesses the registered household from its records as of a date', async () => {
    const res = await t.as('county').get(`${API}/households/${householdId}/assessment?asOf=2023-06-15&kind=identification`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    // 12000 wage + 7/12 of the 2022 business (2022-06…12 inside the window) − 7/12 of its cost
    // = 12000 + 1750 − 583.33… = 13166.67 over 2 members (INC-4 pro-rating, exact until rounding).
    expect(r.window).toEqual({ from: '2022-06', to: '2023-05' });
    expect(r.countedMembers).toBe(2);
    expect(r.netIncome).toBe(13166.67);
    expect(r.perCapitaNetIncome).toBe(6583.33);
    expect(r.compliantExpenditure).toBe(9000);
    expect(r.recommendation).toBe('identify');
    expect(r.category).toBe('unstable_out_of_poverty');

    // Before the risk was found, the same household is only tracked.
    const earlier = (await t.as('county').get(`${API}/households/${householdId}/assessment?asOf=2023-05-10`)).json();
    expect(earlier.recommendation).toBe('track');

    const explained = (await t.as('village').get(`${API}/households/${householdId}/assessment?asOf=2023-06-15&explain=true`)).json();
    expect(explained.input.household.members).toHaveLength(2);
    expect(explained.result.perCapitaNetIncome).toBe(6583.33);
  });

  it('refuses bad query values, elimination of a non-monitored household and other villages', async () => {
    expect((await t.as('county').get(`${API}/households/${householdId}/assessment?asOf=2023-02-30`)).statusCode).toBe(400);
    expect((await t.as('county').get(`${API}/households/${householdId}/assessment?kind=exit`)).statusCode).toBe(400);
    expect((await t.as('county').get(`${API}/households/${householdId}/assessment?kind=elimination`)).statusCode).toBe(422);
    expect((await t.as('village2').get(`${API}/households/${householdId}/assessment`)).statusCode).toBe(403);
    expect((await t.as('village2').post(`${API}/households/${householdId}/incomes`, { type: 'wage', amount: 1, from: '2023-01', to: '2023-01' })).statusCode).toBe(403);
    expect((await t.as('city').post(`${API}/households/${householdId}/incomes`, { type: 'wage', amount: 1, from: '2023-01', to: '2023-01' })).statusCode).toBe(403);
  });

  it('the fallback flag (Q35) needs its basis and reaches the assessment', async () => {
    const h = (await t.as('village').get(`${API}/households/${householdId}`)).json();
    const missing = await t.as('village').patch(`${API}/households/${householdId}`, { version: h.version, fallbackSince: '2023-01-01' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].message).toContain('Q35');
  });

  it('what-if: a higher threshold changes recommendations, by region, and writes nothing', async () => {
    // A second household just above 7800 per head with an unresolvable risk: review at 7800, identify at 8000.
    const res = await t.as('village').post(`${API}/households`, householdBody(t.regions.villageA, { members: [memberBody({ relation: 'head' })] }));
    const id = res.json().id;
    await t.as('village').post(`${API}/households/${id}/incomes`, { type: 'wage', amount: 7900, from: '2022-06', to: '2023-05' });
    await t.as('village').post(`${API}/households/${id}/risks`, { type: 'disaster', selfResolvable: false });
    const auditBefore = (await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

    const sim = await t.as('county').post(`${API}/simulations/threshold`, { threshold: 8000, asOf: '2023-06-15' });
    expect(sim.statusCode).toBe(200);
    const report = sim.json();
    expect(report.households).toBe(2);
    expect(report.transitions).toEqual({ 'review→identify': 1 });
    const township = report.byRegion.find((r: any) => r.regionCode === t.regions.township);
    expect(township).toMatchObject({ households: 2, changed: 1 });

    const auditAfter = (await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(auditAfter).toBe(auditBefore);
    expect((await t.as('county').post(`${API}/simulations/threshold`, { threshold: 'abc' })).statusCode).toBe(400);
    expect((await t.as('village2').post(`${API}/simulations/threshold`, { threshold: 8000, regionCode: t.regions.villageA })).statusCode).toBe(403);
    // Village B's cadre sees none of village A's households.
    expect((await t.as('village2').post(`${API}/simulations/threshold`, { threshold: 8000, asOf: '2023-06-15' })).json().households).toBe(0);
  });
});
