/**
 * `npm run bench`: measures what the issues set goals for and writes the figures to
 * docs/benchmarks.md. Sizes are sane by default; `--households N` or `--province` scale up.
 *   - assess() throughput on generated households (one core)
 *   - threshold what-if over N stored households, on PGlite and on the PostgreSQL server
 *   - workbench and case list with N cases, 20 concurrent users per role (PostgreSQL server)
 *   - export of the household list to XLSX at two sizes, time and peak RSS (PostgreSQL server;
 *     `--export-households N`, default 20,000, 100,000 with `--province`)
 *   - import of a registry file of `--import-members` members (default 100,000) by `jianbang import`,
 *     on the server against COPY of the same rows, and on PGlite (time, peak RSS)
 */
import { writeFileSync, readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
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
import { benchExport } from './export.ts';
import { benchImports } from './imports.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const HOUSEHOLDS = Number(flag('--households') ?? (args.includes('--province') ? 1_000_000 : 100_000));
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EXPORT_HOUSEHOLDS = Number(flag('--export-households') ?? (args.includes('--province') ? 100_000 : 20_000));
const only = flag('--only'); // assess | pglite | postgres | workbench | import | export
const lines: string[] = [];
const log = (s: string) => {
  console.log(s);
  lines.push(s);
};

/** Migrates, loads Jiangxi's regions and returns `upTo(n)`, which adds households until there are n. */
async function filler(database: Database) {
  await migrate(database);
  await loadRegions(database.db, await readDivisionTree('36'));
  const villages = (await database.db.selectFrom('region').select('code').where('level', '=', 5).where('county_code', 'like', '36%').orderBy('code').execute()).map((r) => r.code);
  const byCounty = new Map<string, string[]>();
  for (const v of villages) byCounty.set(v.slice(0, 6), [...(byCounty.get(v.slice(0, 6)) ?? []), v]);
  const rnd = seededRandom(7);
  const used = new Set<string>();
  const counties = [...byCounty.keys()];
  let done = 0;
  return async function upTo(n: number) {
    const started = Date.now();
    while (done < n) {
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
  };
}

async function fill(database: Database, n: number) {
  return (await filler(database))(n);
}

/** A fresh database on the server for one part of the run, dropped afterwards. */
async function withServerDatabase<T>(name: string, keyDir: string | undefined, run: (database: Database, url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), keyDir });
  try {
    return await run(database, url.toString());
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  }
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
    await withServerDatabase('jb_bench', undefined, async (server) => {
      const fillSeconds = await fill(server, HOUSEHOLDS);
      if (only !== 'workbench') await whatIf('PostgreSQL 15 server', server, fillSeconds);
      await benchWorkbench(server, log, { concurrency: 20, seconds: Number(flag('--seconds') ?? 10), today: '2023-06-15' });
    });
  }
  const exportLines: string[] = [];
  if (!only || only === 'export') {
    // The child processes that export must open the sealed ID numbers: one key directory for all.
    const keyDir = mkdtempSync(join(os.tmpdir(), 'jb-bench-keys-'));
    try {
      await withServerDatabase('jb_bench_export', keyDir, async (server, url) => {
        const upTo = await filler(server);
        exportLines.push(...(await benchExport(url, keyDir, [EXPORT_HOUSEHOLDS / 5, EXPORT_HOUSEHOLDS], upTo)));
      });
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
    for (const l of exportLines) console.log(l);
  }
  const importLines: string[] = [];
  if (!only || only === 'import') {
    await benchImports((l) => (console.log(l), importLines.push(l)), { members: Number(flag('--import-members') ?? 100_000), serverUrl: SERVER_URL });
  }
  const file = 'docs/benchmarks.md';
  const marker = '<!-- bench:latest -->';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures written by `npm run bench`.\n\n';
  if (!text.includes(marker)) text += `${marker}\n`;
  // The export and import figures have sections of their own, so `--only export|import` leaves the others as they are.
  const section = (name: string, rows: string[]) => {
    if (!rows.length) return;
    const [start, end] = [`<!-- bench:${name} -->`, `<!-- /bench:${name} -->`];
    const block = `${start}\nRun ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.\n\n| measure | size | result | note |\n|---|---|---|---|\n${rows.join('\n')}\n${end}`;
    text = text.includes(start) ? text.slice(0, text.indexOf(start)) + block + text.slice(text.indexOf(end) + end.length) : text.replace(marker, `${block}\n\n${marker}`);
  };
  section('export', exportLines);
  section('import', importLines);
  if (only !== 'export' && only !== 'import') text = `${text.split(marker)[0]!}${marker}\n${lines.join('\n')}\n`;
  writeFileSync(file, text);
  console.log(`已写入 ${file}`);
}

await main();
