/**
 * `npm run bench`: measures what the issues set goals for and writes the figures to
 * docs/benchmarks.md. Sizes are sane by default; `--households N` or `--province` scale up.
 *   - assess() throughput on generated households (one core)
 *   - threshold what-if over N stored households, on PGlite and on the PostgreSQL server
 *   - workbench and case list with N cases, 20 concurrent users per role (PostgreSQL server)
 *   - import of a registry file of `--import-members` members (default 100,000) by `jianbang import`,
 *     on the server against COPY of the same rows, and on PGlite (time, peak RSS)
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import { benchAssess } from '../src/policy/bench.ts';
import { migrate } from '../src/store/migrate.ts';
import { openDatabase, type Database } from '../src/store/connection.ts';
import { loadRegions, readDivisionTree } from '../src/store/regions.ts';
import { seededRandom } from '../src/domain/random.ts';
import { generateHouseholds } from '../src/app/demo/generate-households.ts';
import { insertSyntheticHouseholds } from '../src/app/demo/load-demo.ts';
import { simulateThreshold } from '../src/app/assessment/simulate-threshold.ts';
import { SYSTEM_ACTOR } from '../src/app/actor.ts';
import { benchWorkbench } from './workbench.ts';
import { benchImports } from './imports.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const HOUSEHOLDS = Number(flag('--households') ?? (args.includes('--province') ? 1_000_000 : 100_000));
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = flag('--only'); // assess | pglite | postgres | workbench | import
const lines: string[] = [];
const log = (s: string) => {
  console.log(s);
  lines.push(s);
};

async function fill(database: Database, n: number) {
  await migrate(database);
  await loadRegions(database.db, await readDivisionTree('36'));
  const villages = (await database.db.selectFrom('region').select('code').where('level', '=', 5).where('county_code', 'like', '36%').orderBy('code').execute()).map((r) => r.code);
  const byCounty = new Map<string, string[]>();
  for (const v of villages) byCounty.set(v.slice(0, 6), [...(byCounty.get(v.slice(0, 6)) ?? []), v]);
  const rnd = seededRandom(7);
  const used = new Set<string>();
  const counties = [...byCounty.keys()];
  const started = Date.now();
  for (let done = 0; done < n; ) {
    const county = counties[Math.floor(done / 1000) % counties.length]!;
    const size = Math.min(1000, n - done);
    const batch = generateHouseholds(rnd, byCounty.get(county)!, size, county, { lastMonth: '2023-05' }, used);
    await insertSyntheticHouseholds(database.db, county, batch);
    done += size;
    process.stderr.write(`\r  写入 ${done}/${n} 户`);
  }
  process.stderr.write('\n');
  // What autovacuum would do on a live database before anyone queries it.
  await sql`analyze`.execute(database.db);
  return (Date.now() - started) / 1000;
}

async function whatIf(kind: string, database: Database, fillSeconds: number) {
  const actor = { ...SYSTEM_ACTOR, role: 'province' as const };
  const t = performance.now();
  const report = await simulateThreshold(database.db, actor, { threshold: 8000, asOf: '2023-06-15', regionCode: '360000000000' }, (d, total) =>
    process.stderr.write(`\r  what-if ${d}/${total}`),
  );
  const seconds = (performance.now() - t) / 1000;
  process.stderr.write('\n');
  log(`| what-if (threshold 8000, asOf 2023-06-15), ${kind} | ${report.households.toLocaleString('en')} households | **${seconds.toFixed(1)} s** (${Math.round(report.households / seconds).toLocaleString('en')} households/s; ${report.changed} change) | data load ${fillSeconds.toFixed(0)} s |`);
}

async function main() {
  log(`Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`);
  log('');
  log('| measure | size | result | note |');
  log('|---|---|---|---|');
  if (!only || only === 'assess') {
    benchAssess(20_000); // warm-up
    const r = benchAssess(200_000);
    log(`| assess() throughput, one core | ${r.households.toLocaleString('en')} households | **${Math.round(r.perSecond).toLocaleString('en')} households/s** | goal ≥ 100,000/s |`);
  }
  if (!only || only === 'pglite') {
    const lite = await openDatabase({});
    try {
      await whatIf('PGlite (in memory)', lite, await fill(lite, HOUSEHOLDS));
    } finally {
      await lite.close();
    }
  }
  if (!only || only === 'postgres' || only === 'workbench') {
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query('drop database if exists jb_bench');
    await admin.query('create database jb_bench');
    const url = new URL(SERVER_URL);
    url.pathname = '/jb_bench';
    const server = await openDatabase({ url: url.toString() });
    try {
      const fillSeconds = await fill(server, HOUSEHOLDS);
      if (only !== 'workbench') await whatIf('PostgreSQL 15 server', server, fillSeconds);
      await benchWorkbench(server, log, { concurrency: 20, seconds: Number(flag('--seconds') ?? 10), today: '2023-06-15' });
    } finally {
      await server.close();
      await admin.query('drop database if exists jb_bench');
      await admin.end();
    }
  }
  if (!only || only === 'import') await benchImports(log, { members: Number(flag('--import-members') ?? 100_000), serverUrl: SERVER_URL });
  const file = 'docs/benchmarks.md';
  const marker = '<!-- bench:latest -->';
  const head = existsSync(file) ? readFileSync(file, 'utf8').split(marker)[0]! : '# Benchmarks\n\nFigures written by `npm run bench`.\n\n';
  writeFileSync(file, `${head}${marker}\n${lines.join('\n')}\n`);
  console.log(`已写入 ${file}`);
}

await main();
