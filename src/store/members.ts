/**
 * Member data at rest (SEC-7). The one place that turns member values into what the tables
 * store — ID number, phone and bank account sealed (AES-256-GCM, sealed.ts) and the ID number's
 * blind index beside it — and that keeps those columns in shape: sealing the plaintext rows of a
 * database from before migration 008, re-encrypting under a new data key (rotation), and
 * counting rows per key.
 */
import { sql, type Kysely } from 'kysely';
import { contextOf, freshKeys, openSealed } from './context.ts';
import { blindIndex, isSealed, SEALED_PREFIX, seal, sealWith } from './sealed.ts';
import type { Db } from './transaction.ts';

/** Every column that holds sealed values. */
export const SEALED_COLUMNS = [
  { table: 'member', column: 'id_number' },
  { table: 'member', column: 'phone' },
  { table: 'member', column: 'bank_account' },
  { table: 'member_change', column: 'id_number' },
] as const;

export type SealedColumn = (typeof SEALED_COLUMNS)[number];
export const columnName = (c: SealedColumn) => `${c.table}.${c.column}`;

/** The check constraints of migration 008: added NOT VALID, validated once no plaintext is left. */
const SEALING_CONSTRAINTS = [
  ['member', 'member_id_number_sealed'],
  ['member', 'member_phone_sealed'],
  ['member', 'member_bank_account_sealed'],
  ['member', 'member_id_number_bidx_present'],
  ['member_change', 'member_change_id_number_sealed'],
] as const;

/** Same pattern as the check constraints (sealed.ts SEALED_PATTERN). */
const SEALED_SQL_PATTERN = '^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$';

/** The blind index of an ID number (normalised: trimmed, upper-case X). */
export const idNumberIndex = (db: Kysely<any>, idNumber: string) => blindIndex(db, 'id_number', idNumber);

interface PlainMemberColumns {
  id_number?: string;
  phone?: string | null;
  bank_account?: string | null;
}

/**
 * Member columns as the table stores them: the sensitive ones sealed with the current data key,
 * the blind index set whenever the ID number is. Other columns pass through; absent ones stay absent.
 */
export function sealMemberColumns<T extends PlainMemberColumns & { id_number: string }>(db: Kysely<any>, cols: T): T & { id_number_bidx: string };
export function sealMemberColumns<T extends PlainMemberColumns>(db: Kysely<any>, cols: T): T & { id_number_bidx?: string };
export function sealMemberColumns<T extends PlainMemberColumns>(db: Kysely<any>, cols: T): T & { id_number_bidx?: string } {
  const out: Record<string, unknown> = { ...(cols as Record<string, unknown>) };
  if (cols.id_number !== undefined) {
    out.id_number = seal(db, cols.id_number);
    out.id_number_bidx = idNumberIndex(db, cols.id_number);
  }
  if (cols.phone !== undefined) out.phone = seal(db, cols.phone);
  if (cols.bank_account !== undefined) out.bank_account = seal(db, cols.bank_account);
  return out as T & { id_number_bidx?: string };
}

/** The person as a member change keeps it: the ID number sealed. */
export function sealMemberChangeColumns<T extends { id_number: string }>(db: Kysely<any>, cols: T): T {
  return { ...cols, id_number: seal(db, cols.id_number) };
}

export interface SealedColumnCount {
  table: string;
  column: string;
  /** key id → rows sealed with it. */
  byKey: Record<string, number>;
  /** Rows still in plaintext (a database from before 008 not yet bootstrapped). */
  plaintext: number;
}

/** Rows per data key (and in plaintext) of every sealed column. */
export async function sealedColumnCounts(db: Db): Promise<SealedColumnCount[]> {
  const out: SealedColumnCount[] = [];
  for (const c of SEALED_COLUMNS) {
    const col = sql.ref(c.column);
    const rows = await sql<{ kid: string | null; n: number }>`
      select case when ${col} like ${`${SEALED_PREFIX}%`} then split_part(${col}, ':', 3) end as kid, count(*)::int as n
      from ${sql.table(c.table)} where ${col} is not null group by 1 order by 1`.execute(db);
    const byKey: Record<string, number> = {};
    let plaintext = 0;
    for (const r of rows.rows) {
      if (r.kid === null) plaintext += r.n;
      else byKey[r.kid] = r.n;
    }
    out.push({ table: c.table, column: c.column, byKey, plaintext });
  }
  return out;
}

export interface ResealProgress {
  column: string;
  /** Rows rewritten in this batch and so far in this call. */
  batch: number;
  done: number;
}

export interface ResealOptions {
  /**
   * `plaintext`: seal what is not sealed yet and fill missing blind indexes (bootstrap);
   * `stale`: also re-encrypt every value made with a key other than the current one (rotation).
   */
  target: 'plaintext' | 'stale';
  batchSize?: number;
  /** Called after each committed batch; throwing stops the run (the committed batches stay). */
  onBatch?: (p: ResealProgress) => void | Promise<void>;
}

/**
 * Rewrites the sealed columns in batches, each batch its own short transaction, so a running
 * server keeps working and an interruption loses nothing: every row is either as it was or done.
 * A row changed meanwhile by someone else is left alone (compare-and-set on the old value) and
 * picked up by the next pass. Returns the rows rewritten.
 */
export async function resealColumns(db: Db, opts: ResealOptions): Promise<number> {
  const context = contextOf(db);
  const raw = db.withoutPlugins();
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 1000, 5000));
  let done = 0;
  for (const c of SEALED_COLUMNS) {
    const indexed = c.table === 'member' && c.column === 'id_number';
    const col = sql.ref(`t.${c.column}`);
    let after = 0;
    for (;;) {
      const keys = freshKeys(context);
      const wanted =
        opts.target === 'plaintext'
          ? sql`${col} !~ ${SEALED_SQL_PATTERN}`
          : sql`${col} not like ${`${SEALED_PREFIX}${keys.currentDataKeyId}:%`}`;
      const rows = await sql<{ id: number; v: string; bidx: string | null }>`
        select t.id, ${col} as v, ${indexed ? sql.ref('t.id_number_bidx') : sql`null::text`} as bidx
        from ${sql.table(c.table)} t
        where t.id > ${after} and ${col} is not null
          and (${wanted}${indexed ? sql` or t.id_number_bidx is null` : sql``})
        order by t.id limit ${batchSize}`.execute(raw);
      if (rows.rows.length === 0) break;
      after = rows.rows.at(-1)!.id;
      const updates = rows.rows.map((r) => {
        const plain = isSealed(r.v) ? openSealed(context, r.v, columnName(c)) : r.v;
        const keep = opts.target === 'plaintext' ? isSealed(r.v) : r.v.startsWith(`${SEALED_PREFIX}${keys.currentDataKeyId}:`);
        return { id: r.id, old: r.v, next: keep ? r.v : sealWith(keys, plain), bidx: indexed ? idNumberIndex(db, plain) : null };
      });
      const values = sql.join(updates.map((u) => sql`(${u.id}::bigint, ${u.old}::text, ${u.next}::text, ${u.bidx}::text)`));
      const target = sql.ref(c.column);
      const set = indexed ? sql`${target} = v.next, id_number_bidx = v.bidx` : sql`${target} = v.next`;
      const result = await db.transaction().execute((trx) =>
        sql`update ${sql.table(c.table)} as t set ${set} from (values ${values}) as v(id, old, next, bidx)
            where t.id = v.id and ${col} = v.old`.execute(trx.withoutPlugins()),
      );
      const batch = Number(result.numAffectedRows ?? 0n);
      done += batch;
      await opts.onBatch?.({ column: columnName(c), batch, done });
    }
  }
  return done;
}

/** Whether every check of 008 is validated: then no plaintext is left and nothing is to do at start. */
export async function sealingComplete(db: Db): Promise<boolean> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from pg_constraint
    where conname in (${sql.join(SEALING_CONSTRAINTS.map(([, name]) => name))}) and not convalidated`.execute(db);
  return r.rows[0]!.n === 0;
}

/**
 * Brings a database from before migration 008 to sealed form: seals the plaintext rows in batches,
 * fills the blind index, then validates the checks (from then on the database itself guarantees
 * that no plaintext is left). Idempotent and safe to interrupt: a second run continues where the
 * first stopped; a finished database costs one catalogue query.
 */
export async function sealPlaintextMembers(
  db: Db,
  opts: { batchSize?: number; onBatch?: ResealOptions['onBatch'] } = {},
): Promise<{ sealed: number; validated: boolean }> {
  if (await sealingComplete(db)) return { sealed: 0, validated: false };
  const sealed = await resealColumns(db, { target: 'plaintext', ...opts });
  for (const [table, name] of SEALING_CONSTRAINTS)
    await sql`alter table ${sql.table(table)} validate constraint ${sql.ref(name)}`.execute(db);
  return { sealed, validated: true };
}
