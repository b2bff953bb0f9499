/**
 * The authorization-matrix context for case routes: in each of the four places of
 * test/helpers/authz.ts, one case left just after the verification visit (for steps and
 * consents, which a second verification keeps there) and one case driven through the whole
 * procedure to county approval (for reading and printing). Each place's own cadres drive them,
 * so villages C and D get a village and a township user of their own.
 *
 *   const t = await createTestApp({ now: () => new Date('2024-03-20T02:00:00Z') });
 *   const ctx = await setupCaseMatrix(t, '2024-03-20');
 *   ctx.caseId('siblingVillage', 'approved');
 */
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { createUser } from '../../src/app/users/create-user.ts';
import { addDays } from '../../src/domain/deadlines.ts';
import { parentCode } from '../../src/domain/region-code.ts';
import { setupMatrix, type MatrixContext, type Target } from './authz.ts';
import { API, TEST_PASSWORD, type TestApp } from './app.ts';
import { householdBody, memberBody, nextIdNumber } from './households.ts';

export type Place = Exclude<Target, 'missing' | 'any'>;
export const PLACES: readonly Place[] = ['ownVillage', 'siblingVillage', 'otherTownship', 'otherCounty'];
export const MISSING_ID = 987_654_321;
export type CaseStage = 'verified' | 'approved';

/** The users who handle each place: village cadre, township, county. */
const HANDLERS: Record<Place, { village: string; township: string; county: string }> = {
  ownVillage: { village: 'village', township: 'township', county: 'county' },
  siblingVillage: { village: 'village2', township: 'township', county: 'county' },
  otherTownship: { village: 'm_village_c', township: 'm_township_c', county: 'county' },
  otherCounty: { village: 'm_village_d', township: 'm_township_d', county: 'othercounty' },
};

/** Head of household of each place's approved case: names the notices must show. */
export const HEAD_NAMES: Record<Place, string> = { ownVillage: '赵一山', siblingVillage: '钱二水', otherTownship: '孙三林', otherCounty: '李四海' };

export interface CaseMatrixContext extends MatrixContext {
  today: string;
  cases: Record<Place, Record<CaseStage, number>>;
  /** The case of that stage in the target's place; an id that does not exist for `missing`. */
  caseId(target: Target, stage: CaseStage): number;
  /** The household of that case. */
  caseHouseholdId(target: Target, stage: CaseStage): number;
  /** The county user who registered the households of a place (and may add members there). */
  registrar(place: Place): string;
  /** A new household in the target's place, with its head's ID number (for leads and one-shot actions). */
  freshHousehold(target: Target): Promise<{ id: number; headIdNumber: string }>;
  /** A new member of the household of the target's verified case, who has not signed yet. */
  freshMember(target: Target): Promise<number>;
}

async function ok(t: TestApp, user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await t.as(user).inject({ method, url: `${API}${url}`, payload: payload as any });
  if (res.statusCode >= 300) throw new Error(`${user} ${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

async function createLocalUsers(t: TestApp) {
  const users: [string, 'village' | 'township', string][] = [
    ['m_village_c', 'village', t.regions.villageC],
    ['m_township_c', 'township', t.regions.otherTownship],
    ['m_village_d', 'village', t.regions.villageD],
    ['m_township_d', 'township', parentCode(t.regions.villageD)!],
  ];
  for (const [username, role, regionCode] of users)
    await createUser(t.db, SYSTEM_ACTOR, { username, displayName: username, role, regionCode, password: TEST_PASSWORD, mustChangePassword: false }, { skipAuthz: true });
}

export async function setupCaseMatrix(t: TestApp, today: string): Promise<CaseMatrixContext> {
  const base = await setupMatrix(t);
  await createLocalUsers(t);
  const leadOn = addDays(today, -12);
  const registrar = (place: Place) => HANDLERS[place].county;

  const household = async (place: Place, headName = `户主${base.seq()}`) => {
    const body = householdBody(base.regionCode(place), {
      members: [memberBody({ name: headName, relation: 'head' }), memberBody({ name: `配偶${base.seq()}`, relation: 'spouse', sex: 'female' })],
    });
    const h = await ok(t, registrar(place), 'POST', '/households', body);
    return { id: h.id as number, memberIds: h.members.map((m: { id: number }) => m.id) as number[], headIdNumber: body.members[0]!.idNumber };
  };
  const version = async (caseId: number) =>
    (await t.db.selectFrom('workflow_case').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
  const step = async (user: string, caseId: number, action: string, body: object) =>
    ok(t, user, 'POST', `/cases/${caseId}/steps/${action}`, { version: await version(caseId), ...body });

  /** Opens a case dated twelve days ago and verifies it; with `approve`, runs it on to county approval. */
  const drive = async (place: Place, approve: boolean) => {
    const who = HANDLERS[place];
    const h = await household(place, approve ? HEAD_NAMES[place] : undefined);
    // Within the monitoring range with a risk it cannot resolve (Q10): the engine recommends identification.
    await ok(t, registrar(place), 'POST', `/households/${h.id}/risks`, { type: 'illness', selfResolvable: false, foundOn: leadOn });
    const c = await ok(t, who.village, 'POST', '/cases', { householdId: h.id, source: 'cadre_visit', leadOn });
    await step(who.village, c.id, 'record_verification', { occurredOn: leadOn, visitors: '村干部', findings: '户主患病，无稳定收入' });
    if (!approve) return c.id as number;
    for (const memberId of h.memberIds) await ok(t, who.village, 'POST', `/cases/${c.id}/consents`, { memberId, signedOn: leadOn });
    await step(who.village, c.id, 'record_appraisal', { form: 'villagers_meeting', heldOn: leadOn, attendance: 40, result: 'passed' });
    await step(who.village, c.id, 'start_notice', {
      startOn: addDays(leadOn, 1), endOn: addDays(leadOn, 5), objectionUnit: '乡镇乡村振兴办', objectionPhone: '0797-6221234',
    });
    await step(who.village, c.id, 'end_notice', { objections: 0 });
    await step(who.township, c.id, 'township_review', { opinion: '情况属实', proposedMeasures: [{ type: 'health', description: '医疗救助' }] });
    const approved = await step(who.county, c.id, 'county_approve', { category: 'marginal_at_risk', reason: '因病致贫风险，综合研判纳入' });
    if (approved.state !== 'approved') throw new Error(`案件未批准：${JSON.stringify(approved)}`);
    return c.id as number;
  };

  const cases = {} as Record<Place, Record<CaseStage, number>>;
  const households = {} as Record<Place, Record<CaseStage, number>>;
  const householdOf = async (caseId: number) =>
    Number((await t.db.selectFrom('workflow_case').select('household_id').where('id', '=', caseId).executeTakeFirstOrThrow()).household_id);
  for (const place of PLACES) {
    cases[place] = { verified: await drive(place, false), approved: await drive(place, true) };
    households[place] = { verified: await householdOf(cases[place].verified), approved: await householdOf(cases[place].approved) };
  }
  const inPlace = <T>(target: Target, of: (place: Place) => T, missing: T): T => {
    if (target === 'missing') return missing;
    if (target === 'any') throw new Error('this row has no case target');
    return of(target);
  };

  return {
    ...base,
    today,
    cases,
    registrar,
    caseId: (target, stage) => inPlace(target, (p) => cases[p][stage], MISSING_ID),
    caseHouseholdId: (target, stage) => inPlace(target, (p) => households[p][stage], MISSING_ID),
    freshHousehold: (target) => inPlace(target, (p) => household(p), Promise.resolve({ id: MISSING_ID, headIdNumber: nextIdNumber(), memberIds: [] })),
    freshMember: (target) =>
      inPlace(target, async (p) => {
        const body = memberBody({ name: `新成员${base.seq()}`, relation: 'child', laborAbility: 'none' });
        return (await ok(t, registrar(p), 'POST', `/households/${households[p].verified}/members`, body)).id as number;
      }, Promise.resolve(1)),
  };
}
