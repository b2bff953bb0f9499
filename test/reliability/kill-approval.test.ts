/**
 * kill -9 of the real server in the middle of a county approval ("Reliability", issue 9): after a
 * restart the case is either fully approved — state, household monitoring status and
 * identification date, the approval step, its audit entry, the deadlines it opens and closes — or
 * exactly as it was; never half. The audit chain verifies afterwards.
 *
 * PostgreSQL: the test holds the audit chain's advisory lock, so the approval blocks inside its
 * transaction after all its writes; the server is killed there. PGlite (one process, no lock to
 * hold from outside): the server is killed at several delays across the request, and once right
 * after the answer (a committed approval must survive the kill).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { addDays } from '../../src/domain/deadlines.ts';
import { chinaDate } from '../../src/domain/clock.ts';
import { advanceCase } from '../../src/app/demo/demo-cases.ts';
import { openCase } from '../../src/app/cases/open-case.ts';
import { createHousehold } from '../../src/app/households/create-household.ts';
import { addRecord } from '../../src/app/household-records/record-use-cases.ts';
import { AUDIT_CHAIN_LOCK, verifyAuditChain } from '../../src/store/audit.ts';
import type { Db } from '../../src/store/transaction.ts';
import { createStandardUsers, pickRegions, TEST_PASSWORD } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody } from '../helpers/households.ts';
import { prepareStore, startCli, type RunningCli, type Store } from './child.ts';

const today = chinaDate(new Date());

interface PreparedCase {
  caseId: number;
  householdId: number;
  /** The case as it was before the approval: what "untouched" means. */
  before: Snapshot;
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Everything a county approval changes, for one case. */
async function snapshot(db: Db, caseId: number, householdId: number) {
  const c = await db.selectFrom('workflow_case').select(['state', 'decided_on', 'version']).where('id', '=', caseId).executeTakeFirstOrThrow();
  const h = await db.selectFrom('household').select(['monitoring_status', 'identified_on', 'version']).where('id', '=', householdId).executeTakeFirstOrThrow();
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(db)).rows[0]!.n;
  const deadlines = await db.selectFrom('deadline').select(['kind', 'closed_on']).where('case_id', '=', caseId).orderBy('id').execute();
  return {
    state: c.state, decidedOn: c.decided_on, caseVersion: c.version,
    monitoringStatus: h.monitoring_status, identifiedOn: h.identified_on, householdVersion: h.version,
    approvalSteps: await count(sql<{ n: number }>`select count(*)::int as n from case_step where case_id = ${caseId} and action = 'county_approve'`),
    approvalAudit: await count(sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'case.county_approve' and object_id = ${String(caseId)}`),
    deadlines: deadlines.map((d) => `${d.kind}:${d.closed_on ?? 'open'}`),
  };
}

/** Fully approved, as one transaction leaves it (compared with the case as it was). */
function expectApproved(s: Snapshot, before: Snapshot) {
  expect(s).toMatchObject({
    state: 'approved', decidedOn: today, caseVersion: before.caseVersion + 1,
    monitoringStatus: 'monitored', identifiedOn: today, householdVersion: before.householdVersion + 1,
    approvalSteps: 1, approvalAudit: 1,
  });
  expect(before.deadlines).toContain('lead_to_identification:open');
  expect(s.deadlines).toEqual([
    ...before.deadlines.map((d) => (d === 'lead_to_identification:open' ? `lead_to_identification:${today}` : d)),
    'system_entry:open', 'plan_publication:open',
  ]);
}

/** Either fully approved or exactly as before: never half. */
function expectAllOrNothing(s: Snapshot, before: Snapshot): 'approved' | 'untouched' {
  if (s.state === 'approved') {
    expectApproved(s, before);
    return 'approved';
  }
  expect(s).toEqual(before);
  return 'untouched';
}

/** `n` identification cases reviewed by the township, waiting for the county (the notice ended days ago). */
async function prepareCases(db: Db, n: number): Promise<PreparedCase[]> {
  const regions = await pickRegions(db);
  const users = await createStandardUsers(db, regions);
  const leadOn = addDays(today, -10);
  const out: PreparedCase[] = [];
  for (let i = 0; i < n; i++) {
    const h = await createHousehold(db, users.village, householdBody(regions.villageA));
    await addRecord(db, users.village, 'risks', h.id, { type: 'illness', selfResolvable: false, foundOn: addDays(today, -12) }, today);
    const c = await openCase(db, users.village, { householdId: h.id, source: 'cadre_visit', leadOn }, today);
    await advanceCase(db, { village: users.village, township: users.township }, c.id, leadOn, 'township_reviewed', today);
    out.push({ caseId: c.id, householdId: h.id, before: await snapshot(db, c.id, h.id) });
  }
  expect(out.every((c) => c.before.state === 'township_reviewed')).toBe(true);
  return out;
}

interface Server {
  cli: RunningCli;
  api: string;
  cookie: string;
}

async function startServer(store: Store): Promise<Server> {
  const cli = startCli(['serve'], { ...store.env, PORT: '0' });
  const port = (await cli.waitFor(/监帮已启动：http:\/\/localhost:(\d+)/))[1];
  const api = `http://127.0.0.1:${port}/api/v1`;
  const res = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'county', password: TEST_PASSWORD }) });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('jb_sid='))!;
  return { cli, api, cookie };
}

async function call(s: Server, method: 'GET' | 'POST', path: string, body?: unknown) {
  return fetch(`${s.api}${path}`, { method, headers: { cookie: s.cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
}

/** Sends the approval (at `sentAt`); `answer` resolves with its HTTP status, or null when the server died first. */
async function sendApproval(s: Server, caseId: number) {
  const { version } = await (await call(s, 'GET', `/cases/${caseId}`)).json();
  const sentAt = performance.now();
  const pending = call(s, 'POST', `/cases/${caseId}/steps/county_approve`, { version }).then((r) => r.status, () => null);
  return { sentAt, answer: () => pending };
}

async function kill9(s: Server) {
  s.cli.process.kill('SIGKILL');
  expect((await s.cli.exited).signal).toBe('SIGKILL');
}

async function stop(s: Server) {
  s.cli.process.kill('SIGTERM');
  const r = await s.cli.exited;
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

async function withDb<T>(store: Store, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await store.open();
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

describe.skipIf(TEST_DB_KIND !== 'pglite')('kill -9 during a county approval (PGlite)', () => {
  // When to kill: 'answered' = after the response (first, which also times a whole approval), then
  // at these fractions of that time after sending, so the kills spread across the request.
  const DELAYS: (number | 'answered')[] = ['answered', 0, 0.3, 0.6, 0.9, 1.2];
  let store: Store;
  let cases: PreparedCase[];
  beforeAll(async () => {
    store = await prepareStore();
    cases = await withDb(store, (db) => prepareCases(db, DELAYS.length));
  });
  afterAll(() => store?.cleanup());

  it('after each kill and restart the case is fully approved or untouched; a committed approval survives', async () => {
    let whole = 0;
    const killedAfter: string[] = [];
    for (const [i, delay] of DELAYS.entries()) {
      const server = await startServer(store);
      const { sentAt, answer } = await sendApproval(server, cases[i]!.caseId);
      if (delay === 'answered') {
        expect(await answer()).toBe(200);
        whole = performance.now() - sentAt;
      } else await sleep(delay * whole);
      killedAfter.push(`${Math.round(performance.now() - sentAt)} ms`);
      await kill9(server);
      await answer();
    }
    const outcomes = await withDb(store, async (db) => {
      const found = [];
      for (const c of cases) found.push(expectAllOrNothing(await snapshot(db, c.caseId, c.householdId), c.before));
      expect((await verifyAuditChain(db)).problems).toEqual([]);
      return found;
    });
    expect(outcomes[0]).toBe('approved');
    console.info(`kill -9 after ${killedAfter.join(', ')}: ${outcomes.join(', ')}`);

    // Restarted once more: whatever was left untouched can be approved now, and then is complete.
    const server = await startServer(store);
    try {
      for (const [i, c] of cases.entries()) {
        const state = (await (await call(server, 'GET', `/cases/${c.caseId}`)).json()).state;
        expect(state).toBe(outcomes[i] === 'approved' ? 'approved' : 'township_reviewed');
        if (outcomes[i] === 'untouched') expect(await (await sendApproval(server, c.caseId)).answer()).toBe(200);
      }
    } finally {
      await stop(server);
    }
    await withDb(store, async (db) => {
      for (const c of cases) expectApproved(await snapshot(db, c.caseId, c.householdId), c.before);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, problems: [] });
    });
  }, 900_000);
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('kill -9 during a county approval (PostgreSQL server)', () => {
  let store: Store;
  let c: PreparedCase;
  beforeAll(async () => {
    store = await prepareStore();
    [c] = await withDb(store, (db) => prepareCases(db, 1));
  });
  afterAll(() => store?.cleanup());

  it('killed while its transaction waits for the audit lock, after its writes: untouched; after a restart it is approved whole', async () => {
    const locker = new pg.Client({ connectionString: store.url! });
    await locker.connect();
    let backend: number | undefined;
    try {
      await locker.query('select pg_advisory_lock($1)', [AUDIT_CHAIN_LOCK]);
      const server = await startServer(store);
      const { answer } = await sendApproval(server, c!.caseId);
      // The approval's transaction has changed the case, household and deadlines and now waits for the chain's lock.
      for (let i = 0; i < 600 && !backend; i++) {
        const r = await locker.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory' and pid <> pg_backend_pid()`,
        );
        backend = r.rows[0]?.pid;
        if (!backend) await sleep(100);
      }
      expect(backend, '审批事务没有停在审计锁上').toBeDefined();
      await kill9(server);
      expect(await answer()).toBeNull();
      await withDb(store, async (db) => expect(await snapshot(db, c!.caseId, c!.householdId)).toEqual(c!.before));
      // Let the orphaned transaction go on: it finds its client gone and rolls back.
      await locker.query('select pg_advisory_unlock($1)', [AUDIT_CHAIN_LOCK]);
      for (let i = 0; i < 600; i++) {
        const r = await locker.query('select 1 from pg_stat_activity where pid = $1', [backend]);
        if (r.rowCount === 0) break;
        await sleep(100);
      }
      expect((await locker.query('select 1 from pg_stat_activity where pid = $1', [backend])).rowCount).toBe(0);
    } finally {
      await locker.end();
    }
    await withDb(store, async (db) => {
      expect(await snapshot(db, c!.caseId, c!.householdId)).toEqual(c!.before);
      expect((await verifyAuditChain(db)).problems).toEqual([]);
    });

    const server = await startServer(store);
    try {
      expect(await (await sendApproval(server, c!.caseId)).answer()).toBe(200);
    } finally {
      await stop(server);
    }
    await withDb(store, async (db) => {
      expectApproved(await snapshot(db, c!.caseId, c!.householdId), c!.before);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, problems: [] });
    });
  }, 600_000);
});
