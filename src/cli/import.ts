import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { userInfo } from 'node:os';
import { bootstrap } from '../app/bootstrap.ts';
import { AppError } from '../app/errors.ts';
import { writeErrorReport } from '../app/imports/import-error-report.ts';
import { IMPORT_SHEETS } from '../app/imports/importers.ts';
import { importLimits } from '../app/imports/read-table.ts';
import { runImportJob } from '../app/imports/run-import-job.ts';
import { createImportJob } from '../app/imports/start-import.ts';
import type { RowProblem } from '../domain/sheets/spec.ts';
import { databaseOptionsFromEnv, openDatabase } from '../store/connection.ts';
import { getRegion } from '../store/regions.ts';
import { findImportJob } from '../store/imports.ts';
import { copyJobForRerun } from '../app/imports/rerun-import-job.ts';
import type { Db } from '../store/transaction.ts';

export interface ImportCommandOptions {
  sheet: string;
  county?: string;
  region?: string;
  dryRun?: boolean;
  report?: string;
  /** Runs an ended job's stored file again (after an interruption). */
  rerun?: string;
}

const PHASES = { reading: '读取', validating: '校验', writing: '写入' } as const;

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function printProblems(problems: RowProblem[], total: number, log: (s: string) => void) {
  for (const p of problems.slice(0, 50))
    log(`  ${p.sheet ? `“${p.sheet}”` : ''}${p.row ? `第 ${p.row} 行` : ''}${p.column ? `【${p.column}】` : ''}${p.value ? `（${p.value}）` : ''}：${p.reason}`);
  if (total > 50) log(`  ……共 ${total} 处问题，以上为前 50 处${problems.length < total ? `（任务保存了前 ${problems.length} 处）` : ''}`);
}

/**
 * `jianbang import FILE --sheet households --county CODE`: the same job as an upload on the import
 * page, run in this process with its progress on stderr. Exit code 0 when imported (or, with
 * --dry-run, valid), 1 when the file has problems (nothing written) or the job failed.
 */
export async function importCommand(file: string | undefined, o: ImportCommandOptions, log = console.log): Promise<number> {
  if (o.rerun) return rerunCommand(o.rerun, o, log);
  if (!file) return log('请给出要导入的文件（或用 --rerun 任务编号 重新运行）'), 2;
  if (!IMPORT_SHEETS.includes(o.sheet)) return log(`--sheet 应为 ${IMPORT_SHEETS.join(' / ')} 之一`), 2;
  const regionCode = o.region ?? (o.county ? `${o.county}000000` : '');
  if (!/^\d{12}$/.test(regionCode) || (o.county && !/^\d{6}$/.test(o.county))) return log('请用 --county 给出6位县级区划代码（或用 --region 给出12位区划代码）'), 2;
  if (!existsSync(file) || !statSync(file).isFile()) return log(`文件不存在：${file}`), 2;
  const bytes = statSync(file).size;
  const limits = importLimits();
  if (bytes > limits.maxBytes) return log(`文件过大：上限 ${limits.maxBytes / 1048576} MB（JIANBANG_IMPORT_MAX_MB）`), 1;

  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'import' });
  try {
    await bootstrap(database, (m) => process.stderr.write(`${m}\n`));
    const db = database.db;
    const region = await getRegion(db, regionCode);
    if (!region || region.level < 3 || !region.county_code) return log(`区划 ${regionCode} 不存在或不在县级及以下`), 2;
    let job;
    try {
      job = await createImportJob(db, {
        sheet: o.sheet, file: { path: file, bytes, sha256: await sha256(file) }, fileName: basename(file), dryRun: !!o.dryRun,
        regionCode, countyCode: region.county_code, userId: null, actorName: `命令行导入（${userInfo().username}）`, actorRole: 'system_admin',
      });
    } catch (e) {
      if (e instanceof AppError) return log(`不能导入：${e.errors.map((x) => x.message).join('；')}`), 1;
      throw e;
    }
    return await runAndReport(db, job.id, `${basename(file)} → ${region.name}（${o.dryRun ? '只校验，不写入' : '导入'}）`, o, log);
  } finally {
    await database.close();
  }
}

async function runAndReport(db: Db, jobId: number, title: string, o: ImportCommandOptions, log: (s: string) => void): Promise<number> {
  process.stderr.write(`导入任务 ${jobId}：${title}\n`);
  const tty = process.stderr.isTTY;
  let lastPhase = '';
  let lastStep = -1;
  const done = await runImportJob(db, jobId, {
    onProgress: (p) => {
      const n = p.phase === 'writing' ? `${p.rowsWritten}${p.toWrite ? `/${p.toWrite}` : ''} 条` : `${p.rowsRead} 行`;
      const line = `${PHASES[p.phase]}：${n}`;
      // A terminal gets one updating line; a log gets a line per phase and per tenth written.
      const step = p.phase === 'writing' && p.toWrite ? Math.floor((10 * p.rowsWritten) / p.toWrite) : p.rowsRead % 10000 === 0 ? p.rowsRead : 0;
      if (tty) process.stderr.write(`\r${line}   `);
      else if (p.phase !== lastPhase || step !== lastStep) process.stderr.write(`${line}\n`);
      lastPhase = p.phase;
      lastStep = step;
    },
  });
  if (tty) process.stderr.write('\n');
  if (!done) return log('导入任务不存在'), 1;
  log(done.message ?? done.status);
  if (done.status === 'succeeded') log(`读取 ${done.rows_read} 行；新增 ${done.created}、更新 ${done.updated}、不变 ${done.unchanged}`);
  if (done.status === 'rejected') {
    printProblems((done.problems as RowProblem[] | null) ?? [], done.problem_count, log);
    if (o.report) {
      const r = await writeErrorReport(db, done);
      await pipeline(r.stream, createWriteStream(o.report, { mode: 0o600 }));
      log(`错误报告已写入 ${o.report}（原文件加“错误说明”列，改正后可直接重新导入）`);
    }
  }
  return done.status === 'succeeded' ? 0 : 1;
}

async function rerunCommand(id: string, o: ImportCommandOptions, log: (s: string) => void): Promise<number> {
  if (!/^\d{1,15}$/.test(id)) return log('--rerun 应为导入任务编号'), 2;
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'import' });
  try {
    await bootstrap(database, (m) => process.stderr.write(`${m}\n`));
    const old = await findImportJob(database.db, Number(id));
    if (!old) return log(`导入任务 ${id} 不存在`), 1;
    let job;
    try {
      job = await copyJobForRerun(database.db, old, { dryRun: o.dryRun });
    } catch (e) {
      if (e instanceof AppError) return log(`不能重新运行：${e.errors.map((x) => x.message).join('；')}`), 1;
      throw e;
    }
    return await runAndReport(database.db, job.id, `重新运行任务 ${old.id}（${old.file_name}）`, o, log);
  } finally {
    await database.close();
  }
}
