import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** Runs a multi-statement SQL script (migrations) in the current session. */
  execScript(script: string, trx?: Kysely<DB>): Promise<void>;
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
  /** PGlite data directory; `memory://` or undefined keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // An idle pooled connection can be closed by the server (restart, admin termination); pg
    // emits that on the pool, and an unhandled 'error' event would end the process.
    pool.on('error', (err) => console.error(`数据库空闲连接断开：${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      execScript: (script, trx) => execScript(script, trx ?? db),
      close: () => db.destroy(),
    };
  }
  if (opts.dataDir && !opts.dataDir.startsWith('memory://')) mkdirSync(opts.dataDir, { recursive: true });
  const lite = new PGlite({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    parsers: { [types.DATE]: (v: string) => v, [types.INT8]: (v: string) => Number(v) },
  });
  await lite.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(lite) });
  return {
    db,
    kind: 'pglite',
    execScript: (script, trx) => execScript(script, trx ?? db),
    close: () => db.destroy(),
  };
}

/** The database the process should use, from the environment. */
export function databaseOptionsFromEnv(env = process.env): OpenOptions {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  return { dataDir: env.JIANBANG_DATA_DIR ?? './data' };
}
