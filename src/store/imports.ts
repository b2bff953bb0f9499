/**
 * Import jobs and their stored files (DAT-1). A file is kept sealed (AES-256-GCM in 1 MB chunks,
 * a key derived from the current data key) so a re-run or an error report needs no copy
 * of the personal data in plaintext anywhere but the temp file of the running job.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { ImportJobTable } from './schema.ts';
import { contextOf, freshKeys } from './context.ts';
import type { Db } from './transaction.ts';

export type ImportJobRow = Selectable<ImportJobTable>;

const CHUNK = 1024 * 1024;

/** The data key's sub-key for files (random IV per chunk; chunks can move to a re-run job). */
function chunkKey(db: Db, keyId: string): Buffer {
  const context = contextOf(db);
  const keys = context.keys.dataKeys.has(keyId) ? context.keys : freshKeys(context, 0);
  const dataKey = keys.dataKeys.get(keyId);
  if (!dataKey) throw new Error(`导入文件的密钥 ${keyId} 不在密钥文件中，文件无法读取`);
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'jianbang import file', 32));
}

export async function insertImportJob(db: Db, values: Insertable<ImportJobTable>): Promise<ImportJobRow> {
  return db.insertInto('import_job').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findImportJob(db: Db, id: number, regionPattern?: string): Promise<ImportJobRow | undefined> {
  let q = db.selectFrom('import_job').selectAll().where('id', '=', id);
  if (regionPattern) q = q.where('region_code', 'like', regionPattern);
  return q.executeTakeFirst();
}

export async function listImportJobs(db: Db, f: { regionPattern: string; sheet?: string; sheets: string[]; limit: number; offset: number }) {
  let q = db.selectFrom('import_job').where('region_code', 'like', f.regionPattern).where('sheet', 'in', f.sheets);
  if (f.sheet) q = q.where('sheet', '=', f.sheet);
  const [items, total] = await Promise.all([
    q.select(['id', 'sheet', 'county_code', 'region_code', 'user_id', 'actor_name', 'actor_role', 'dry_run', 'file_name', 'file_sha256', 'file_bytes', 'file_kind', 'file_encoding', 'status', 'phase', 'rows_read', 'rows_validated', 'rows_written', 'created', 'updated', 'unchanged', 'problem_count', 'message', 'rerun_of', 'runner', 'created_at', 'started_at', 'finished_at'])
      .select(sql<null>`null`.as('problems'))
      .orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items as ImportJobRow[], total: total.n };
}

export async function updateImportJob(db: Db, id: number, set: Updateable<ImportJobTable>): Promise<void> {
  await db.updateTable('import_job').set(set).where('id', '=', id).execute();
}

/** Moves a job from one status to another only if it is still in `from` (compare-and-set). */
export async function claimImportJob(db: Db, id: number, from: ImportJobRow['status'], set: Updateable<ImportJobTable>): Promise<boolean> {
  const r = await db.updateTable('import_job').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Jobs left queued or running, with the process that was to run them. */
export async function unfinishedImportJobs(db: Db) {
  return db.selectFrom('import_job').select(['id', 'runner', 'county_code', 'status']).where('status', 'in', ['queued', 'running']).execute();
}

/** Marks a job whose process died as failed (nothing was written: the write is one transaction). */
export async function failImportJob(db: Db, id: number, message: string): Promise<boolean> {
  const r = await db
    .updateTable('import_job')
    .set({ status: 'failed', phase: null, message, finished_at: new Date() })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Seals the file at `path` into the job's chunks. */
export async function storeImportFile(db: Db, jobId: number, path: string): Promise<void> {
  const keyId = freshKeys(contextOf(db)).currentDataKeyId;
  const key = chunkKey(db, keyId);
  let seq = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(chunk as Buffer), cipher.final()]);
    await db.insertInto('import_file_chunk').values({ job_id: jobId, seq: seq++, key_id: keyId, data: Buffer.concat([iv, cipher.getAuthTag(), ct]) }).execute();
  }
}

/** Writes the job's stored file back to `path` (0600); false when it is no longer kept. */
export async function restoreImportFile(db: Db, jobId: number, path: string): Promise<boolean> {
  const { n } = await db.selectFrom('import_file_chunk').select(sql<number>`count(*)::int`.as('n')).where('job_id', '=', jobId).executeTakeFirstOrThrow();
  if (n === 0) return false;
  const out = createWriteStream(path, { mode: 0o600 });
  try {
    for (let seq = 0; seq < n; seq++) {
      const row = await db.selectFrom('import_file_chunk').select(['key_id', 'data']).where('job_id', '=', jobId).where('seq', '=', seq).executeTakeFirstOrThrow();
      const raw = Buffer.from(row.data);
      const decipher = createDecipheriv('aes-256-gcm', chunkKey(db, row.key_id), raw.subarray(0, 12), { authTagLength: 16 });
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      if (!out.write(plain)) await new Promise((r) => out.once('drain', r));
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  return true;
}

/** Moves a job's stored file to another job (a re-run keeps one copy, with the job that may need it). */
export async function moveImportFile(db: Db, from: number, to: number): Promise<void> {
  await db.updateTable('import_file_chunk').set({ job_id: to }).where('job_id', '=', from).execute();
}

export async function deleteImportFile(db: Db, jobId: number): Promise<void> {
  await db.deleteFrom('import_file_chunk').where('job_id', '=', jobId).execute();
}

/** Drops the stored files of jobs older than `days` (the jobs themselves stay, as the record). */
export async function purgeOldImportFiles(db: Db, days: number): Promise<number> {
  const r = await sql`
    delete from import_file_chunk c using import_job j
    where j.id = c.job_id and j.created_at < now() - make_interval(days => ${days}::int) and j.status not in ('queued', 'running')`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}

export async function hasImportFile(db: Db, jobId: number): Promise<boolean> {
  return !!(await db.selectFrom('import_file_chunk').select('seq').where('job_id', '=', jobId).limit(1).executeTakeFirst());
}

export type ColumnKind = 'text' | 'bigint' | 'int' | 'smallint' | 'boolean' | 'date';

/**
 * Inserts many rows in one statement with one array parameter per column
 * (`insert … select * from unnest($1::text[], …)`): the server parses a handful of parameters
 * instead of one per value, which brings a bulk insert close to COPY on both engines.
 */
export async function insertUnnest(db: Db, table: string, columns: readonly (readonly [string, ColumnKind])[], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map(([name, kind]) => sql`${rows.map((r) => (r[name] === undefined ? null : r[name]))}::${sql.raw(kind)}[]`);
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))}) select * from unnest(${sql.join(arrays)})`.execute(db);
}

/** `n` fresh ids of a sequence, so a bulk insert knows its rows' ids without reading them back. */
export async function nextIds(db: Db, sequence: 'household_id_seq' | 'member_id_seq', n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = await sql<{ id: number }>`select nextval(${sequence})::bigint as id from generate_series(1, ${n})`.execute(db);
  return r.rows.map((x) => Number(x.id));
}
