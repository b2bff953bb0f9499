import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';
import { DatabaseContextPlugin, type DatabaseContext } from './context.ts';
import { ephemeralKeyRing, loadKeyRing, type KeyRing } from './keys.ts';
import { acquireDataDirLock, prepareDataDir, type DataDirLayout } from './data-dir.ts';
import { anchorFor } from './audit-anchor.ts';

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** Keys and anchors of this database (`contextOf(db)` reaches the same object). */
  context: DatabaseContext;
  /** The embedded data folder (null for a server or an in-memory database). */
  dataDir: string | null;
  /** Runs a multi-statement SQL script (migrations) in the current session. */
  execScript(script: string, trx?: Kysely<DB>): Promise<void>;
  /** PGlite only: the whole data directory as a gzipped tarball (backup). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

// Same value shapes from both engines: dates stay 'YYYY-MM-DD' strings, int8 becomes number
// (ids and counts stay far below 2^53), numeric stays a string.
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * A parameterless query may hold several statements: pg sends it over the simple protocol and
 * the PGlite dialect runs it through exec.
 */
async function execScript(script: string, db: Kysely<DB>): Promise<void> {
  await sql.raw(script).execute(db);
}

export interface OpenOptions {
  /** PostgreSQL server URL; when absent, embedded PGlite is used. */
  url?: string;
  /** Embedded data folder (PGlite files, keys, lock); `memory://` or undefined keeps it in memory. */
  dataDir?: string;
  /** Folder of keys.json and the audit anchor (default: `<dataDir>/keys`; none in memory). */
  keyDir?: string;
  /** Keys to use instead of reading `keyDir` (tests). */
  keys?: KeyRing;
  poolSize?: number;
  /** What the process is doing, written into the data folder's lock (`serve`, `demo` …). */
  command?: string;
  /** PGlite: a data directory tarball (`dumpDataDir`) to start from instead of an empty one (restore). */
  loadDataDir?: Blob;
  /** PGlite: runs under the folder's lock before the database opens (restore moves the old files aside here). */
  onLocked?: (layout: DataDirLayout) => void;
}

function contextFor(opts: OpenOptions, keyDir: string | null): DatabaseContext {
  const keys = opts.keys ?? (keyDir ? loadKeyRing(keyDir) : ephemeralKeyRing());
  // The audit head lives beside the key (a file), or in memory for an in-memory database.
  return { keys, keyDir, auditHead: anchorFor(keyDir, keys.auditKey) };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const context = contextFor(opts, opts.keyDir ?? null);
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // An idle pooled connection can be closed by the server (restart, admin termination); pg
    // emits that on the pool, and an unhandled 'error' event would end the process.
    pool.on('error', (err) => console.error(`数据库空闲连接断开：${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new DatabaseContextPlugin(context)] });
    return {
      db,
      kind: 'postgres',
      context,
      dataDir: null,
      execScript: (script, trx) => execScript(script, trx ?? db),
      close: () => db.destroy(),
    };
  }
  const onDisk = !!opts.dataDir && !opts.dataDir.startsWith('memory://');
  // A second process on the same PGlite files is refused before it touches them.
  const release = onDisk ? acquireDataDirLock(opts.dataDir!, opts.command ?? process.argv.slice(2).join(' ')) : () => {};
  try {
    const layout = onDisk ? prepareDataDir(opts.dataDir!) : null;
    if (layout) opts.onLocked?.(layout);
    const context = contextFor(opts, opts.keyDir ?? layout?.keyDir ?? null);
    const lite = new PGlite({
      ...(layout ? { dataDir: layout.pgliteDir } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      parsers: { [types.DATE]: (v: string) => v, [types.INT8]: (v: string) => Number(v) },
    });
    await lite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(lite), plugins: [new DatabaseContextPlugin(context)] });
    return {
      db,
      kind: 'pglite',
      context,
      dataDir: layout?.root ?? null,
      execScript: (script, trx) => execScript(script, trx ?? db),
      dumpDataDir: () => lite.dumpDataDir('gzip'),
      close: async () => {
        try {
          await db.destroy();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * The database the process should use, from the environment: `DATABASE_URL` for a server (keys
 * in `JIANBANG_KEY_DIR`, default `./data/keys`), else the embedded folder `JIANBANG_DATA_DIR`
 * (default `./data`).
 */
export function databaseOptionsFromEnv(env = process.env): OpenOptions {
  const keyDir = env.JIANBANG_KEY_DIR || undefined;
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, keyDir: keyDir ?? join(env.JIANBANG_DATA_DIR ?? './data', 'keys') };
  return { dataDir: env.JIANBANG_DATA_DIR ?? './data', keyDir };
}
