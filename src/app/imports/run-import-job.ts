import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../../store/audit.ts';
import { claimImportJob, deleteImportFile, findImportJob, restoreImportFile, updateImportJob, type ImportJobRow } from '../../store/imports.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Role } from '../../domain/roles.ts';
import { importerFor } from './importers.ts';
import { ImportConflict } from './import-registry.ts';
import { importLimits, sniffTable, TableError, type TableLimits } from './read-table.ts';
import { runImport, type ImportProgress } from './run-import.ts';

/** The process that runs a job (restart recovery tells a dead one from a live one by it). */
export const thisRunner = () => `${hostname()}:${process.pid}`;

/** A unique violation: someone registered one of the file's numbers after it was validated. */
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/**
 * Runs a queued job from its stored file: claims it (so two processes never run one job), runs
 * the import, and records the outcome on the job. Whatever goes wrong, nothing of the file is
 * written (the write is one transaction) and the job says why.
 */
export async function runImportJob(db: Db, jobId: number, opts: { onProgress?: (p: ImportProgress) => void; limits?: TableLimits } = {}): Promise<ImportJobRow | undefined> {
  if (!(await claimImportJob(db, jobId, 'queued', { status: 'running', phase: 'reading', started_at: new Date(), runner: thisRunner() }))) return findImportJob(db, jobId);
  const job = (await findImportJob(db, jobId))!;
  const dir = await mkdtemp(join(tmpdir(), 'jianbang-import-'));
  // Progress writes go one after another and all land before the outcome (never after it).
  let saving: Promise<unknown> = Promise.resolve();
  const finish = async (set: Parameters<typeof updateImportJob>[2]) => {
    await saving;
    await updateImportJob(db, jobId, { phase: null, finished_at: new Date(), ...set });
  };
  try {
    const importer = importerFor(job.sheet);
    if (!importer) return await finish({ status: 'failed', message: `未知的导入表：${job.sheet}` }), await findImportJob(db, jobId);
    const path = join(dir, 'file');
    if (!(await restoreImportFile(db, jobId, path))) return await finish({ status: 'failed', message: '上传的文件已不再保存，请重新上传' }), await findImportJob(db, jobId);
    const limits = opts.limits ?? importLimits();
    const format = await sniffTable(path, limits);
    const region = await getRegion(db, job.region_code);
    let lastSaved = 0;
    const outcome = await runImport(db, {
      importer,
      path,
      format,
      limits,
      dryRun: job.dry_run,
      ctx: {
        scope: { regionCode: job.region_code, regionName: region?.name ?? job.region_code, countyCode: job.county_code },
        actor: { id: job.user_id ?? 0, displayName: job.actor_name, role: (job.actor_role ?? 'system_admin') as Role },
        jobId,
        fileName: job.file_name,
        audit: [],
      },
      onProgress: (p) => {
        opts.onProgress?.(p);
        // The row is updated between phases and now and then while reading, never while the
        // write transaction holds the (embedded, single-connection) database.
        if (p.phase !== 'writing' && (p.phase !== 'reading' || p.rowsRead - lastSaved >= 5000)) {
          lastSaved = p.rowsRead;
          const set = { phase: p.phase, rows_read: p.rowsRead, rows_validated: p.rowsValidated };
          saving = saving.then(() => updateImportJob(db, jobId, set)).catch(() => {});
        }
      },
      jobAudit: (o) => ({
        actor: { id: job.user_id ?? 0, displayName: job.actor_name, role: job.actor_role },
        action: job.dry_run ? 'import.validate' : 'import.run',
        objectType: 'import_job',
        objectId: jobId,
        countyCode: job.county_code,
        after: {
          sheet: job.sheet, fileSha256: job.file_sha256, fileBytes: job.file_bytes, dryRun: job.dry_run, status: o.status,
          rowsRead: o.rowsRead, created: o.created, updated: o.updated, unchanged: o.unchanged, problemCount: o.problemCount,
        },
      }),
    });
    await finish({
      status: outcome.status, file_kind: format.kind, file_encoding: format.encoding ?? null, rows_read: outcome.rowsRead, rows_validated: outcome.rowsValidated,
      rows_written: outcome.rowsWritten, created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged,
      problem_count: outcome.problemCount, problems: JSON.stringify(outcome.problems), message: outcome.message,
    });
    if (outcome.status === 'succeeded' && !job.dry_run) await deleteImportFile(db, jobId);
  } catch (e) {
    const message =
      e instanceof TableError ? e.message
      : e instanceof ImportConflict ? `${e.message}，为避免覆盖，未写入任何数据：请重新导入`
      : isUniqueViolation(e) ? '文件中的身份证号在校验之后已被登记到其他户，未写入任何数据：请重新导入'
      : '导入时出错，未写入任何数据：请重新运行；如仍失败请联系系统管理员';
    if (!(e instanceof TableError || e instanceof ImportConflict || isUniqueViolation(e))) console.error(`导入任务 ${jobId} 出错：`, e);
    await finish({ status: 'failed', message });
    await inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor: { id: job.user_id ?? 0, displayName: job.actor_name, role: job.actor_role }, action: 'import.failed', objectType: 'import_job', objectId: jobId,
        countyCode: job.county_code, after: { sheet: job.sheet, fileSha256: job.file_sha256, dryRun: job.dry_run }, reason: message,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return findImportJob(db, jobId);
}
