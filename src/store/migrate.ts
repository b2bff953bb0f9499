import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from './connection.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies the numbered plain-SQL migrations not applied yet, each in its own transaction
 * together with its row in schema_migration. Returns the names applied.
 */
export async function migrate(database: Database, log: (msg: string) => void = () => {}): Promise<string[]> {
  const { db } = database;
  await sql`create table if not exists schema_migration (
    version int primary key, name text not null, applied_at timestamptz not null default now())`.execute(db);
  const done = new Set(
    (await sql<{ version: number }>`select version from schema_migration`.execute(db)).rows.map((r) => r.version),
  );
  const applied: string[] = [];
  for (const m of migrationFiles()) {
    if (done.has(m.version)) continue;
    await db.transaction().execute(async (trx) => {
      await database.execScript(m.sql, trx);
      await sql`insert into schema_migration (version, name) values (${m.version}, ${m.name})`.execute(trx);
    });
    log(`已应用迁移 ${m.name}`);
    applied.push(m.name);
  }
  return applied;
}
