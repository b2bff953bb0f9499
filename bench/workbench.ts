/**
 * Workbench and case list under load (issue 4): N cases with their deadlines on a database that
 * already holds N households, the real server on a port, and 20 concurrent users per role
 * issuing requests back to back. Reports p50/p95/p99 latency per route and role.
 */
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Database } from '../src/store/connection.ts';
import { buildServer } from '../src/http/server.ts';
import { createUser } from '../src/app/users/create-user.ts';
import { SYSTEM_ACTOR } from '../src/app/actor.ts';
import { runDeadlineScheduler } from '../src/app/deadlines/run-deadline-scheduler.ts';
import { subtreePrefix } from '../src/domain/region-code.ts';

const STATES = ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'];
const ROLES_FOR: Record<string, string> = {
  lead: 'village,township', verified: 'village,township', appraised: 'village', in_notice: 'village', noticed: 'township', township_reviewed: 'county',
};

/** One open identification case per household, leads spread over 40 days, with its 15-day deadline (Q42). */
export async function fillCases(database: Database, today: string) {
  const { db } = database;
  const t = performance.now();
  const cases = STATES.map((s) => `('${s}', '${ROLES_FOR[s]}')`).join(',');
  await sql`insert into workflow_case (kind, household_id, county_code, region_code, source, lead_on, state, next_roles, created_by)
    select 'identification', h.id, h.county_code, h.region_code, 'screening', ${today}::date - (h.id % 40)::int,
           s.state, s.roles, 0
    from household h
    join (select row_number() over () - 1 as i, state, roles from (values ${sql.raw(cases)}) as v(state, roles)) s on s.i = h.id % ${STATES.length}`.execute(db);
  await sql`insert into deadline (county_code, region_code, household_id, case_id, subject_type, subject_id, kind, clause, responsible_role, opened_on, due_on)
    select county_code, region_code, household_id, id, 'case', id, 'lead_to_identification', 'Q42', 'case', lead_on, lead_on + 15
    from workflow_case`.execute(db);
  await sql`update workflow_case c set due_on = c.lead_on + 15`.execute(db);
  await sql`analyze`.execute(db);
  const n = await db.selectFrom('workflow_case').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await runDeadlineScheduler(db, () => new Date(`${today}T04:00:00Z`));
  return { cases: Number(n.n), seconds: (performance.now() - t) / 1000 };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs the load generator in a worker thread (bench/load-worker.mjs) and summarises its latencies. */
async function load(url: string, cookie: string, concurrency: number, ms: number) {
  const { latencies, errors } = await new Promise<{ latencies: number[]; errors: number }>((resolve, reject) => {
    const w = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: { url, cookie, concurrency, ms } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, errors, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), rps: latencies.length / (ms / 1000) };
}

export async function benchWorkbench(database: Database, log: (s: string) => void, o: { concurrency: number; seconds: number; today: string }) {
  const { db } = database;
  const filled = await fillCases(database, o.today);
  const app = await buildServer({ db, webRoot: null, now: () => new Date(`${o.today}T04:00:00Z`) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${addr.port}/api/v1`;
  try {
    // The busiest village, its township and county, and the province.
    const busiest = await db.selectFrom('workflow_case').select(['region_code', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('region_code').orderBy('n', 'desc').limit(1).executeTakeFirstOrThrow();
    const village = busiest.region_code;
    const users = [
      { role: 'village', region: village },
      { role: 'township', region: `${village.slice(0, 9)}000` },
      { role: 'county', region: `${village.slice(0, 6)}000000` },
      { role: 'province', region: '360000000000' },
    ] as const;
    for (const u of users) {
      const username = `bench_${u.role}`;
      await createUser(db, SYSTEM_ACTOR, { username, displayName: username, role: u.role, regionCode: u.region, password: 'Bench@12345x', mustChangePassword: false }, { skipAuthz: true });
      const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Bench@12345x' }) });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      for (const [name, path] of [['workbench', '/workbench'], ['case list', '/cases?status=open']] as const) {
        await load(`${base}${path}`, cookie, 2, 500); // warm-up
        const r = await load(`${base}${path}`, cookie, o.concurrency, o.seconds * 1000);
        const inScope = u.role === 'province' ? filled.cases : (await db.selectFrom('workflow_case').select((eb) => eb.fn.countAll<number>().as('n')).where('region_code', 'like', `${subtreePrefix(u.region)}%`).executeTakeFirstOrThrow()).n;
        log(`| ${name}, ${u.role} user (${Number(inScope).toLocaleString('en')} cases in scope), ${o.concurrency} concurrent | ${filled.cases.toLocaleString('en')} cases | **p95 ${r.p95.toFixed(0)} ms** (p50 ${r.p50.toFixed(0)}, p99 ${r.p99.toFixed(0)}; ${r.rps.toFixed(0)} req/s${r.errors ? `; ${r.errors} errors` : ''}) | goal p95 < 100 ms |`);
      }
    }
  } finally {
    await app.close();
  }
  return filled;
}
