/**
 * Import benchmark (issue 10, DAT-1): a registry file of N members with their households is
 * imported by `jianbang import` in a child process (as an operator runs it), on the PostgreSQL
 * server and on PGlite; time from the job's own start and end, peak RSS of the child (VmHWM).
 * The same rows are then written by PostgreSQL `COPY` into the same tables of a fresh database
 * (values sealed beforehand, so COPY measures the database write alone): the floor the import is
 * compared with.
 */
import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { makeIdNumber } from '../src/domain/id-number.ts';
import { HOUSEHOLDS_SHEET, MEMBERS_SHEET } from '../src/domain/sheets/registry.ts';
import { openDatabase, type Database } from '../src/store/connection.ts';
import { migrate } from '../src/store/migrate.ts';
import { sealMemberColumns } from '../src/store/members.ts';
import { loadRegions, readDivisionTree } from '../src/store/regions.ts';

const COUNTY = '360731';
const REPO = new URL('../', import.meta.url).pathname;

interface Person {
  name: string;
  idNumber: string;
  relation: string;
}

/** N members in households of 3 (head, spouse, child) over the county's villages. */
function* people(n: number, villages: string[]): Generator<{ village: string; members: Person[] }> {
  const birth = (i: number) => new Date(Date.UTC(1945, 0, 1) + (i % 20000) * 86_400_000).toISOString().slice(0, 10);
  const id = (i: number, sex: 'male' | 'female') => makeIdNumber(COUNTY, birth(i), 2 * Math.floor(i / 20000) + (sex === 'male' ? 1 : 0), sex);
  for (let i = 0, h = 0; i < n; h++) {
    const size = Math.min(3, n - i);
    const members: Person[] = [];
    for (let k = 0; k < size; k++, i++) members.push({ name: `成员${i}`, idNumber: id(i, k === 1 ? 'female' : 'male'), relation: ['户主', '配偶', '子女'][k]! });
    yield { village: villages[h % villages.length]!, members };
  }
}

async function writeFile(path: string, n: number, villages: string[]): Promise<{ households: number; members: number }> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false });
  const hs = wb.addWorksheet(HOUSEHOLDS_SHEET.name);
  hs.addRow(HOUSEHOLDS_SHEET.columns.map((c) => c.header)).commit();
  let households = 0;
  for (const h of people(n, villages)) {
    const head = h.members[0]!;
    hs.addRow([head.name, head.idNumber, h.village, null, null, null, null, '一组', null, '一般农户']).commit();
    households++;
  }
  hs.commit();
  const ms = wb.addWorksheet(MEMBERS_SHEET.name);
  const headers = MEMBERS_SHEET.columns.map((c) => c.header);
  ms.addRow(headers).commit();
  const at = (h: string) => headers.indexOf(h);
  for (const h of people(n, villages))
    for (const m of h.members) {
      const row: (string | null)[] = headers.map(() => null);
      row[at('户主身份证号')] = h.members[0]!.idNumber;
      row[at('姓名')] = m.name;
      row[at('身份证号')] = m.idNumber;
      row[at('与户主关系')] = m.relation;
      row[at('劳动能力')] = '有劳动能力';
      ms.addRow(row).commit();
    }
  ms.commit();
  await wb.commit();
  return { households, members: n };
}

/** Runs `jianbang import` in a child; returns its exit code, output and peak RSS (MB). */
function runImport(file: string, env: Record<string, string>): Promise<{ code: number | null; output: string; peakMb: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/jianbang.js'), 'import', file, '--sheet', 'households', '--county', COUNTY], {
      cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, output, peakMb: peakKb / 1024 });
    });
  });
}

async function jobSeconds(database: Database): Promise<number> {
  const job = await database.db.selectFrom('import_job').select(['started_at', 'finished_at', 'status', 'created']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  if (job.status !== 'succeeded') throw new Error(`导入未成功：${job.status}`);
  return (new Date(job.finished_at!).getTime() - new Date(job.started_at!).getTime()) / 1000;
}

/** COPY of the same households and members into a fresh, migrated database (values sealed before timing). */
async function copyBaseline(url: string, keyDir: string, villages: string[], n: number): Promise<number> {
  const database = await openDatabase({ url, keyDir });
  try {
    await migrate(database);
    await loadRegions(database.db, (await readDivisionTree('36', COUNTY)).filter((r) => r.level < 3 || r.county_code === COUNTY));
    const esc = (v: string | null) => (v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
    const hLines: string[] = [];
    const mLines: string[] = [];
    let hid = 0;
    for (const h of people(n, villages)) {
      hid++;
      hLines.push([hid, COUNTY, h.village, h.village, 'registration', '一组', 'f'].map(String).map(esc).join('\t'));
      for (const m of h.members) {
        const born = `${m.idNumber.slice(6, 10)}-${m.idNumber.slice(10, 12)}-${m.idNumber.slice(12, 14)}`;
        const s = sealMemberColumns(database.db, { id_number: m.idNumber });
        mLines.push([String(hid), COUNTY, m.name, s.id_number, s.id_number_bidx, m.relation === '户主' ? 'head' : m.relation === '配偶' ? 'spouse' : 'child', Number(m.idNumber[16]) % 2 ? 'male' : 'female', born, 'rural', 'full'].map(esc).join('\t'));
      }
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const started = performance.now();
      await client.query('begin');
      await pipeline(Readable.from(hLines.map((l) => `${l}\n`)), client.query(copyFrom('copy household (id, county_code, region_code, registration_region_code, responsibility_basis, village_group, formerly_poor) from stdin')));
      await pipeline(Readable.from(mLines.map((l) => `${l}\n`)), client.query(copyFrom('copy member (household_id, county_code, name, id_number, id_number_bidx, relation, sex, birth_date, registration, labor_ability) from stdin')));
      await client.query('commit');
      return (performance.now() - started) / 1000;
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
  }
}

export async function benchImports(log: (s: string) => void, o: { members: number; serverUrl: string }) {
  const tmp = mkdtempSync(join(tmpdir(), 'jb-bench-import-'));
  try {
    const regions = (await readDivisionTree('36', COUNTY)).filter((r) => r.county_code === COUNTY && r.level === 5);
    const villages = regions.map((r) => r.code);
    const file = join(tmp, 'registry.xlsx');
    const t0 = performance.now();
    const size = await writeFile(file, o.members, villages);
    process.stderr.write(`  生成导入文件：${size.members} 人 / ${size.households} 户，${(statSync(file).size / 1048576).toFixed(1)} MB，${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const admin = new pg.Client({ connectionString: o.serverUrl });
    await admin.connect();
    const dbUrl = (name: string) => {
      const u = new URL(o.serverUrl);
      u.pathname = `/${name}`;
      return u.toString();
    };
    const keyDir = join(tmp, 'keys');
    let serverSeconds = 0;
    let copySeconds = 0;
    try {
      for (const name of ['jb_bench_import', 'jb_bench_copy']) {
        await admin.query(`drop database if exists ${name}`);
        await admin.query(`create database ${name}`);
      }
      // Bootstrap first (migrations, the province's regions) so the import measures the import.
      const boot = await openDatabase({ url: dbUrl('jb_bench_import'), keyDir });
      await migrate(boot);
      await loadRegions(boot.db, await readDivisionTree('36'));
      await boot.close();
      const r = await runImport(file, { DATABASE_URL: dbUrl('jb_bench_import'), JIANBANG_KEY_DIR: keyDir });
      if (r.code !== 0) throw new Error(`导入失败：\n${r.output}`);
      const check = await openDatabase({ url: dbUrl('jb_bench_import'), keyDir });
      serverSeconds = await jobSeconds(check);
      await check.close();
      copySeconds = await copyBaseline(dbUrl('jb_bench_copy'), keyDir, villages, o.members);
      log(`| import of ${size.members.toLocaleString('en')} members (${size.households.toLocaleString('en')} households, XLSX), PostgreSQL 15 server | ${size.members.toLocaleString('en')} members | **${serverSeconds.toFixed(1)} s** (${Math.round(size.members / serverSeconds).toLocaleString('en')} members/s), peak RSS **${Math.round(r.peakMb)} MB** | COPY of the same rows ${copySeconds.toFixed(1)} s → ratio **${(serverSeconds / copySeconds).toFixed(1)}×** (goal ≤ 4×, RSS ≤ 300 MB) |`);
    } finally {
      for (const name of ['jb_bench_import', 'jb_bench_copy']) await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
    const dataDir = join(tmp, 'data');
    const boot = await openDatabase({ dataDir, command: 'bench' });
    await migrate(boot);
    await loadRegions(boot.db, await readDivisionTree('36'));
    await boot.close();
    const r = await runImport(file, { JIANBANG_DATA_DIR: dataDir });
    if (r.code !== 0) throw new Error(`导入失败（PGlite）：\n${r.output}`);
    const check = await openDatabase({ dataDir, command: 'bench' });
    const liteSeconds = await jobSeconds(check);
    await check.close();
    log(`| import of the same file, PGlite (data folder) | ${size.members.toLocaleString('en')} members | **${liteSeconds.toFixed(1)} s** (${Math.round(size.members / liteSeconds).toLocaleString('en')} members/s), peak RSS **${Math.round(r.peakMb)} MB** | ${(liteSeconds / serverSeconds).toFixed(1)}× the server |`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
