import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export interface AuditEntry {
  actor: { id: number; displayName: string; role: string | null };
  action: string;
  objectType: string;
  objectId?: string | number | null;
  countyCode?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const GENESIS = '0'.repeat(64);

/** Canonical JSON (sorted keys) so jsonb's own key order cannot change a hash. */
function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

interface HashedFields {
  at: string;
  actor_id: number | null;
  actor_name: string;
  actor_role: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  county_code: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

function entryHash(prevHash: string, f: HashedFields): string {
  return createHash('sha256').update(prevHash).update(canonical(f)).digest('hex');
}

/** JSON round trip: what jsonb will store (drops undefined, dates to strings). */
const normalise = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/**
 * Appends one entry in the caller's transaction. The advisory lock serialises writers so the
 * chain has one order; it is held only until the transaction commits.
 */
export async function appendAudit(trx: Transaction<DB>, e: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(7340001)`.execute(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  const fields: HashedFields = {
    at: new Date().toISOString(),
    actor_id: e.actor.id || null,
    actor_name: e.actor.displayName,
    actor_role: e.actor.role,
    action: e.action,
    object_type: e.objectType,
    object_id: e.objectId == null ? null : String(e.objectId),
    county_code: e.countyCode ?? null,
    before: normalise(e.before),
    after: normalise(e.after),
    reason: e.reason ?? null,
  };
  await trx
    .insertInto('audit_log')
    .values({
      ...fields,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      prev_hash: prevHash,
      hash: entryHash(prevHash, fields),
    })
    .execute();
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; problem: string };
}

/** Recomputes the chain in order; names the first entry whose link or content does not match. */
export async function verifyAuditChain(db: Kysely<DB>, onProgress?: (checked: number) => void): Promise<ChainReport> {
  let prevHash = GENESIS;
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(5000).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.prev_hash !== prevHash)
        return { ok: false, checked, firstBroken: { seq: r.seq, problem: '与上一条记录的哈希链接不符（可能有记录被删除或插入）' } };
      const expected = entryHash(prevHash, {
        at: new Date(r.at).toISOString(),
        actor_id: r.actor_id,
        actor_name: r.actor_name,
        actor_role: r.actor_role,
        action: r.action,
        object_type: r.object_type,
        object_id: r.object_id,
        county_code: r.county_code,
        before: r.before,
        after: r.after,
        reason: r.reason,
      });
      if (expected !== r.hash) return { ok: false, checked, firstBroken: { seq: r.seq, problem: '记录内容与其哈希不符（记录被篡改）' } };
      prevHash = r.hash;
      checked++;
      after = r.seq;
    }
    onProgress?.(checked);
  }
  return { ok: true, checked };
}
