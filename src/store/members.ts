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

/**
 * The tables with sealed columns. A row is always rewritten whole: the checks of 008 apply to
 * every new row version, so a row whose ID number is sealed while its phone is still plaintext
 * would be refused.
 */
const SEALED_TABLES = [
  { table: 'member', columns: ['id_number', 'phone', 'bank_account'], indexed: true },
  { table: 'member_change', columns: ['id_number'], indexed: false },
  // Authenticator secrets (SEC-6) are sealed with the same ring, so a rotation must cover them too.
  { table: 'app_user', columns: ['totp_secret', 'totp_pending_secret'], indexed: false },
  // Intake (012): ID numbers, phones and free text about people from warnings, tips and reports.
  { table: 'department_warning', columns: ['id_number', 'detail'], indexed: false },
  { table: 'verification_task', columns: ['summary', 'findings', 'reason'], indexed: false },
  { table: 'hotline_ticket', columns: ['caller_name', 'caller_phone', 'content', 'subject_id_number', 'reply'], indexed: false },
  { table: 'hotline_ticket_event', columns: ['note'], indexed: false },
  { table: 'self_report', columns: ['head_id_number', 'phone', 'description'], indexed: false },
  { table: 'self_report_consent', columns: ['id_number'], indexed: false },
  { table: 'household_message', columns: ['recipient'], indexed: false },
] as const;

/** Every column that holds sealed values. */
export const SEALED_COLUMNS = SEALED_TABLES.flatMap((t) => t.columns.map((column) => ({ table: t.table, column })));

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

type SealedTable = (typeof SEALED_TABLES)[number];

/** Rows of `t` (alias t) that a pass of `target` must rewrite. */
function needsRewrite(t: SealedTable, target: ResealOptions['target'], currentKeyId: string) {
  const wrong = t.columns.map((c) => {
    const col = sql.ref(`t.${c}`);
    return target === 'plaintext' ? sql`${col} !~ ${SEALED_SQL_PATTERN}` : sql`${col} not like ${`${SEALED_PREFIX}${currentKeyId}:%`}`;
  });
  return sql`(${sql.join([...wrong, ...(t.indexed ? [sql`t.id_number_bidx is null`] : [])], sql` or `)})`;
}

/** Rows still to rewrite: plaintext ones, or (rotation) all not sealed with `currentKeyId`. */
export async function rowsToReseal(db: Db, target: ResealOptions['target'], currentKeyId: string): Promise<number> {
  let n = 0;
  for (const t of SEALED_TABLES) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t.table)} t where ${needsRewrite(t, target, currentKeyId)}`.execute(db);
    n += r.rows[0]!.n;
  }
  return n;
}

export interface ResealProgress {
  table: string;
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
 * A row changed meanwhile by someone else is left alone (compare-and-set on the old values) and
 * picked up by the next pass. Returns the rows rewritten.
 */
export async function resealColumns(db: Db, opts: ResealOptions): Promise<number> {
  const context = contextOf(db);
  const raw = db.withoutPlugins();
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 1000, 5000));
  let done = 0;
  for (const t of SEALED_TABLES) {
    let after = 0;
    for (;;) {
      const keys = freshKeys(context);
      const current = `${SEALED_PREFIX}${keys.currentDataKeyId}:`;
      const rows = await sql<Record<string, string | number | null>>`
        select t.id, ${sql.join(t.columns.map((c) => sql.ref(`t.${c}`)))}${t.indexed ? sql`, t.id_number_bidx` : sql``}
        from ${sql.table(t.table)} t
        where t.id > ${after} and ${needsRewrite(t, opts.target, keys.currentDataKeyId)}
        order by t.id limit ${batchSize}`.execute(raw);
      if (rows.rows.length === 0) break;
      after = Number(rows.rows.at(-1)!.id);
      const values = rows.rows.map((r) => {
        const next = t.columns.map((c) => {
          const v = r[c] as string | null;
          if (v === null) return null;
          const fine = opts.target === 'plaintext' ? isSealed(v) : v.startsWith(current);
          return fine ? v : sealWith(keys, isSealed(v) ? openSealed(context, v, `${t.table}.${c}`) : v);
        });
        // A rotation leaves the plaintext, so an index already beside a sealed number stays right.
        const id = r.id_number as string;
        const bidx = !t.indexed ? null : r.id_number_bidx && isSealed(id) ? r.id_number_bidx : idNumberIndex(db, isSealed(id) ? openSealed(context, id, 'member.id_number') : id);
        return sql`(${sql.join([sql`${r.id}::bigint`, ...t.columns.map((c) => sql`${r[c]}::text`), ...next.map((v) => sql`${v}::text`), sql`${bidx}::text`])})`;
      });
      const set = sql.join([...t.columns.map((c) => sql`${sql.ref(c)} = v.${sql.ref(`new_${c}`)}`), ...(t.indexed ? [sql`id_number_bidx = v.bidx`] : [])]);
      const unchanged = sql.join(t.columns.map((c) => sql`t.${sql.ref(c)} is not distinct from v.${sql.ref(`old_${c}`)}`), sql` and `);
      const alias = sql.join([sql`id`, ...t.columns.map((c) => sql.ref(`old_${c}`)), ...t.columns.map((c) => sql.ref(`new_${c}`)), sql`bidx`]);
      const result = await sql`
        update ${sql.table(t.table)} as t set ${set} from (values ${sql.join(values)}) as v(${alias})
        where t.id = v.id and ${unchanged}`.execute(raw);
      const batch = Number(result.numAffectedRows ?? 0n);
      done += batch;
      await opts.onBatch?.({ table: t.table, batch, done });
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
