import { countyCodeOf } from '../../domain/region-code.ts';
import { insertImportJob, storeImportFile } from '../../store/imports.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorizeImport } from './import-access.ts';
import { forbidden, invalid } from '../errors.ts';
import { importerFor, IMPORT_SHEETS } from './importers.ts';
import { enqueueImport, liveProgress } from './import-queue.ts';
import { importLimits, sniffTable, TableError } from './read-table.ts';
import { thisRunner } from './run-import-job.ts';
import { importJobView } from './views.ts';

export interface UploadedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** A file name as shown back: the last path part, without control characters, at most 100 characters. */
export function cleanFileName(name: string | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || fallback).slice(0, 100);
}

/**
 * Accepts an uploaded file as an import job of `sheet` for the actor's county (DAT-1): the file's
 * kind is checked by content now (a wrong file is refused at once), the file is kept sealed, and
 * the job runs in the background. A township or village importer's rows must lie in its subtree.
 */
export async function startImport(db: Db, actor: Actor, file: UploadedFile, o: { sheet: string; dryRun?: boolean; fileName?: string }, opts: { enqueue?: boolean } = {}) {
  // A sheet may need more than import:run (the population: counties only) or another permission
  // (department warnings); an unknown sheet is refused below.
  authorizeImport(actor, o.sheet);
  const countyCode = countyCodeOf(actor.regionCode);
  if (!countyCode) throw forbidden('导入须由县、乡镇或村级账号在本县内进行');
  const job = await createImportJob(db, {
    sheet: o.sheet, file, fileName: o.fileName, dryRun: !!o.dryRun, regionCode: actor.regionCode, countyCode,
    userId: actor.id || null, actorName: actor.displayName, actorRole: actor.role,
  });
  if (opts.enqueue !== false) enqueueImport(db, job.id);
  return importJobView(job, actor, { live: liveProgress(db, job.id), fileKept: true });
}

/**
 * A queued job with its file stored sealed; the file's kind is checked by content first, so a
 * wrong file is refused at once (400 naming the file). Shared by the API and the command line.
 */
export async function createImportJob(
  db: Db,
  o: { sheet: string; file: UploadedFile; fileName?: string; dryRun: boolean; regionCode: string; countyCode: string; userId: number | null; actorName: string; actorRole: string | null },
) {
  const importer = importerFor(o.sheet);
  if (!importer) throw invalid([{ path: 'sheet', message: `应为 ${IMPORT_SHEETS.join(' / ')} 之一` }]);
  let format;
  try {
    format = await sniffTable(o.file.path, importLimits());
  } catch (e) {
    if (e instanceof TableError) throw invalid([{ path: 'file', message: e.message }]);
    throw e;
  }
  return inTransaction(db, async (trx) => {
    const row = await insertImportJob(trx, {
      sheet: o.sheet, county_code: o.countyCode, region_code: o.regionCode, user_id: o.userId, actor_name: o.actorName,
      actor_role: o.actorRole, dry_run: o.dryRun, file_name: cleanFileName(o.fileName, `${importer.title}.${format.kind}`), file_sha256: o.file.sha256,
      file_bytes: o.file.bytes, file_kind: format.kind, file_encoding: format.encoding ?? null, runner: thisRunner(),
    });
    await storeImportFile(trx, row.id, o.file.path);
    return row;
  });
}
