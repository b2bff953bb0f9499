/**
 * Two conflicting writes at the same moment on a PostgreSQL server ("Reliability", issue 9):
 * exactly one wins, the other gets 409 with a Chinese message, and one audit entry is written.
 * (PGlite runs one transaction at a time, so there is nothing to race there.)
 *
 * Each pair is sent together several times over, so the two transactions really overlap. Two
 * simultaneous county approvals of one case are proved in test/api/cases.test.ts (which runs here
 * too when TEST_DATABASE_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { verifyAuditChain } from '../../src/store/audit.ts';
import { createCaseTestApp, type CaseTestApp } from '../helpers/cases.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

const ROUNDS = 3;
let k: CaseTestApp;

async function auditCount(action: string, objectId?: number) {
  const r = await sql<{ n: number }>`select count(*)::int as n from audit_log where action = ${action} ${objectId === undefined ? sql`` : sql`and object_id = ${String(objectId)}`}`.execute(k.db);
  return r.rows[0]!.n;
}

/** One success (`ok`), one 409 with a Chinese message; returns the winner. */
function expectOneWins(pair: LightMyRequestResponse[], ok: 200 | 201) {
  expect(pair.map((r) => r.statusCode).sort(), pair.map((r) => r.body).join('\n')).toEqual([ok, 409]);
  const loser = pair.find((r) => r.statusCode === 409)!;
  expect(loser.json().errors[0].message).toMatch(/[\u4e00-\u9fff]/);
  return pair.find((r) => r.statusCode === ok)!;
}

/** A household identified through the procedure (approved by the county), so a plan links to its case. */
async function approvedHousehold() {
  const hh = await k.identifiableHousehold();
  const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'screening', leadOn: k.today() });
  await k.runToNotice(c.id, hh.memberIds);
  await k.runToApproval(c.id);
  return hh.id;
}

const measure = (type: string) => ({ type, description: `${type}措施`, plannedStart: k.today() });

describe.skipIf(TEST_DB_KIND !== 'postgres')('concurrent conflicting writes (PostgreSQL server)', () => {
  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
  });
  afterAll(() => k?.close());

  it('two changes of one measure with the same version: one applies, the other 409, one audit entry', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = await approvedHousehold();
      const plan = await k.ok('county', 'POST', `/households/${id}/plan`, { measures: [measure('industry')] });
      const mid = plan.measures[0].id;
      const before = (await auditCount('measure.status', id)) + (await auditCount('measure.update', id));
      const winner = expectOneWins(
        await Promise.all([
          k.call('county', 'PATCH', `/measures/${mid}`, { version: 1, status: 'implementing', on: k.today() }),
          k.call('county2', 'PATCH', `/measures/${mid}`, { version: 1, description: '改为蔬菜种植' }),
        ]),
        200,
      );
      expect(winner.json().version).toBe(2);
      expect((await auditCount('measure.status', id)) + (await auditCount('measure.update', id))).toBe(before + 1);
    }
  });

  /** Two plans sent at once for household `id`: one is made, the other 409, one audit entry. */
  async function racePlans(id: number) {
    expectOneWins(
      await Promise.all([
        k.call('county', 'POST', `/households/${id}/plan`, { measures: [measure('industry')] }),
        k.call('county2', 'POST', `/households/${id}/plan`, { measures: [measure('health')] }),
      ]),
      201,
    );
    const plans = await sql<{ n: number }>`select count(*)::int as n from assistance_plan where household_id = ${id}`.execute(k.db);
    expect(plans.rows[0]!.n).toBe(1);
    expect(await auditCount('plan.create', id)).toBe(1);
  }

  it('two plans for one identified household at once: one is made, the other 409, one audit entry', async () => {
    for (let round = 0; round < ROUNDS; round++) await racePlans(await approvedHousehold());
  });

  it('two plans at once for a household monitored without a case (as registered at go-live): one is made, the other 409', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id } = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA));
      await k.db.updateTable('household').set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: k.today() }).where('id', '=', id).execute();
      await racePlans(id);
    }
  });

  it('the same ID number in two new households at once: one is registered, the other 409, one audit entry', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const shared = nextIdNumber();
      const body = () => householdBody(k.regions.villageA, { members: [memberBody({ name: '赵重复', relation: 'head', idNumber: shared }), memberBody({ name: '钱配偶', relation: 'spouse', sex: 'female' })] });
      const before = await auditCount('household.create');
      expectOneWins(await Promise.all([k.call('county', 'POST', '/households', body()), k.call('county2', 'POST', '/households', body())]), 201);
      expect(await auditCount('household.create')).toBe(before + 1);
    }
  });

  it('the same ID number added as a member of two households at once: one is added, the other 409, one audit entry', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const a = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA));
      const b = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageB));
      const shared = nextIdNumber();
      const member = () => memberBody({ name: '孙新成员', relation: 'child', idNumber: shared });
      const before = await auditCount('member.create');
      expectOneWins(
        await Promise.all([k.call('county', 'POST', `/households/${a.id}/members`, member()), k.call('county2', 'POST', `/households/${b.id}/members`, member())]),
        201,
      );
      expect(await auditCount('member.create')).toBe(before + 1);
    }
  });

  it('keeps one valid audit chain through all of it', async () => {
    expect((await verifyAuditChain(k.db)).problems).toEqual([]);
  });
});
