/**
 * Cases through the API with a clock the test moves (sessions expire when time jumps, so each
 * user logs in again after a move).
 *
 *   const k = await createCaseTestApp('2024-03-01');
 *   const hh = await k.identifiableHousehold();
 *   const c = await k.openCase(hh.id, 'cadre_visit');
 *   await k.runToNotice(c.id); k.advance(5); …
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { addDays } from '../../src/domain/deadlines.ts';
import { API, createTestApp, type TestApp } from './app.ts';
import { householdBody } from './households.ts';

export interface CaseTestApp extends TestApp {
  today(): string;
  advance(days: number): void;
  call(user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  ok(user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<any>;
  identifiableHousehold(regionCode?: string, risk?: string): Promise<{ id: number; memberIds: number[]; idNumbers: string[] }>;
  step(user: string, caseId: number, action: string, body?: Record<string, unknown>): Promise<LightMyRequestResponse>;
  okStep(user: string, caseId: number, action: string, body?: Record<string, unknown>): Promise<any>;
  /** Verification, every consent and the appraisal; then the village notice starts today. */
  runToNotice(caseId: number, memberIds: number[]): Promise<any>;
  /** After the notice: result, township review, county approval (moves the clock past the notice). */
  runToApproval(caseId: number): Promise<any>;
}

export async function createCaseTestApp(startOn: string): Promise<CaseTestApp> {
  let now = new Date(`${startOn}T02:00:00Z`);
  const t = await createTestApp({ now: () => now });
  const cookies = new Map<string, string>();
  // Each jump of the clock ends the sessions; log in again (the app helper takes the second step
  // of the admins and signs in from fresh addresses, as login is rate limited per address).
  const login = (username: string) => t.login(username);
  const today = () => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const call = async (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
    const key = `${user}@${now.getTime()}`;
    if (!cookies.has(key)) cookies.set(key, await login(user));
    return t.app.inject({ method, url: `${API}${url}`, payload: body as any, headers: { cookie: cookies.get(key)! } });
  };
  const ok = async (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
    const res = await call(user, method, url, body);
    if (res.statusCode >= 300) throw new Error(`${user} ${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const version = async (caseId: number) => (await ok('county', 'GET', `/cases/${caseId}`)).version;
  const step = async (user: string, caseId: number, action: string, body: Record<string, unknown> = {}) =>
    call(user, 'POST', `/cases/${caseId}/steps/${action}`, { version: await version(caseId), ...body });
  const okStep = async (user: string, caseId: number, action: string, body: Record<string, unknown> = {}) => {
    const res = await step(user, caseId, action, body);
    if (res.statusCode !== 200) throw new Error(`${user} ${action} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
  return {
    ...t,
    today,
    advance: (days) => {
      now = new Date(now.getTime() + days * 86_400_000);
    },
    call,
    ok,
    step,
    okStep,
    identifiableHousehold: async (regionCode = t.regions.villageA, risk = 'illness') => {
      const h = await ok('county', 'POST', '/households', householdBody(regionCode));
      // No income on record and a risk the household cannot resolve: within range + risk (Q10).
      await ok('county', 'POST', `/households/${h.id}/risks`, { type: risk, selfResolvable: false, foundOn: addDays(today(), -1) });
      return { id: h.id, memberIds: h.members.map((m: any) => m.id), idNumbers: [] };
    },
    runToNotice: async (caseId, memberIds) => {
      await okStep('village', caseId, 'record_verification', { occurredOn: today(), visitors: '村干部、驻村工作队', findings: '家庭成员患病，无稳定收入' });
      for (const memberId of memberIds) await ok('village', 'POST', `/cases/${caseId}/consents`, { memberId, signedOn: today() });
      await okStep('village', caseId, 'record_appraisal', { form: 'representatives_meeting', heldOn: today(), attendance: 25, result: 'passed' });
      return okStep('village', caseId, 'start_notice', {
        startOn: today(), endOn: addDays(today(), 4), objectionUnit: '乡镇乡村振兴办', objectionPhone: '0797-6221234',
      });
    },
    runToApproval: async (caseId) => {
      now = new Date(now.getTime() + 5 * 86_400_000);
      await okStep('village', caseId, 'end_notice', { objections: 0 });
      await okStep('township', caseId, 'township_review', {
        opinion: '情况属实，同意上报', proposedMeasures: [{ type: 'public_welfare_job', description: '安排公益性岗位' }],
      });
      return okStep('county', caseId, 'county_approve');
    },
  };
}

export function expectError(res: LightMyRequestResponse, status: number, pattern: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().errors.map((e: any) => e.message).join('\n')).toMatch(pattern);
}
