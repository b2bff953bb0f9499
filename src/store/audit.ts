/**
 * The audit log (SEC-2, SEC-9): append-only (database trigger), hash-chained and keyed. Each row
 * stores the previous row's hash and HMAC-SHA256(audit key, prev_hash ‖ canonical fields incl.
 * seq); the key lives outside the database (keys.ts), the chain's head is anchored outside it too
 * (audit-anchor.ts). Rows from before migration 009 keep their plain SHA-256 hashes.
 *
 * Retention (等保 2.0: at least six months): no route, job or command deletes audit rows, and the
 * trigger refuses UPDATE, DELETE and TRUNCATE for everyone who is not the table's owner with the
 * trigger disabled. A later archive job may remove only rows older than AUDIT_RETENTION_MONTHS, only
 * after exporting them with their hashes, through a migration that replaces the trigger with one
 * allowing exactly that, and it must move the chain's verified start (keyedFrom/genesis) with it.
 */
import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';
import { contextOf } from './context.ts';
import { afterCommit } from './transaction.ts';
import { anchorOf, canonicalJson, GLOBAL_CHAIN, type AdvancedHead, type AuditAnchor, type CheckpointReason } from './audit-anchor.ts';

export const AUDIT_RETENTION_MONTHS = 6;
/** Advisory lock that serialises writers of the one global chain (held until commit). */
export const AUDIT_CHAIN_LOCK = 7340001;

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
const KEYED = 'hmac-sha256' as const;
const PLAIN = 'sha256';

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

/** Rows before migration 009: anyone can recompute this, which is why it is accepted only before the first keyed row. */
export function plainEntryHash(prevHash: string, f: HashedFields): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(f)).digest('hex');
}

/** The seq is inside the MAC, so a row cannot be moved to another position either. */
function keyedEntryHash(key: Buffer, prevHash: string, seq: number, f: HashedFields): string {
  return createHmac('sha256', key).update(prevHash).update(canonicalJson({ ...f, seq })).digest('hex');
}

/** JSON round trip: what jsonb will store (drops undefined, dates to strings). */
const normalise = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/** The newest entry each open transaction has appended, reported to the anchor once it commits. */
const pendingHeads = new WeakMap<Transaction<DB>, AdvancedHead>();

/**
 * Appends one entry in the caller's transaction (which must come from `inTransaction`, so the
 * anchor hears of the commit). The advisory lock serialises writers so the chain has one order and
 * seq has no gaps; it is held only until the transaction commits.
 */
export async function appendAudit(trx: Transaction<DB>, e: AuditEntry): Promise<void> {
  await appendAuditBatch(trx, [e]);
}

function hashedFields(e: AuditEntry, at: string): HashedFields {
  return {
    at,
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
}

/**
 * Appends entries in order, in the caller's transaction, under one lock and one read of the
 * chain's end: a bulk import keeps one entry per changed record without a round trip per entry.
 */
export async function appendAuditBatch(trx: Transaction<DB>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash', 'hash_alg']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const anchor = anchorOf(trx);
  if (anchor && !anchor.confirms(last)) await guardAnchor(trx, anchor, last);
  const key = contextOf(trx).keys.auditKey;
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS;
  const at = new Date().toISOString();
  const rows = entries.map((e) => {
    const fields = hashedFields(e, at);
    seq += 1;
    const hash = keyedEntryHash(key, prevHash, seq, fields);
    const row = {
      ...fields,
      seq,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      prev_hash: prevHash,
      hash,
      hash_alg: KEYED,
    };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
  const pending = pendingHeads.get(trx);
  if (pending) Object.assign(pending, { seq, hash: prevHash });
  else {
    const head: AdvancedHead = { seq, hash: prevHash, ...(last?.hash_alg === KEYED ? {} : { chainStart: (last?.seq ?? 0) + 1 }) };
    pendingHeads.set(trx, head);
    afterCommit(trx, () => anchorOf(trx)?.advance(head));
  }
}

/**
 * Before this process's first write (or after another process wrote): is the anchored row still
 * in the database as anchored? If not, the newest rows were deleted or rewritten, and the head is
 * frozen so the evidence survives the writes that follow. Rare, so the common write stays one query.
 */
async function guardAnchor(trx: Kysely<DB>, anchor: AuditAnchor, last: { seq: number; hash: string } | undefined) {
  const h = anchor.liveHead();
  if (!h) return;
  if (!last || h.seq > last.seq)
    return anchor.markForked(`锚点记录到 seq=${h.seq}，而数据库最新的记录是 seq=${last?.seq ?? 0}`);
  const anchored = h.seq === last.seq ? last.hash : (await trx.selectFrom('audit_log').select('hash').where('seq', '=', h.seq).executeTakeFirst())?.hash;
  if (anchored !== h.hash) return anchor.markForked(`锚点记录的第 ${h.seq} 条与数据库中该条的哈希不同`);
  anchor.confirm(last);
}

export interface AuditProblem {
  /** row: the table itself is damaged; anchor: the head file; checkpoint: a checkpoint line. */
  kind: 'row' | 'anchor' | 'checkpoint';
  seq?: number;
  message: string;
  /** The anchor file itself is missing or unreadable (no evidence about the rows either way). */
  lost?: true;
}

export interface AuditVerifyReport {
  ok: boolean;
  /** Rows whose link and hash were checked and matched, in order from the first. */
  checked: number;
  /** The database's newest row. */
  last: { seq: number; hash: string } | null;
  /** The first keyed row (null while the log holds only rows from before migration 009). */
  keyedFrom: number | null;
  /** The anchor's head it was compared with. */
  head: { seq: number; hash: string } | null;
  /** Valid checkpoints compared with the database. */
  checkpoints: number;
  problems: AuditProblem[];
  /** Facts worth telling that are not problems (e.g. the database is ahead of its head). */
  notes: string[];
}

export interface VerifyOptions {
  onProgress?: (checked: number) => void;
  /** Defaults to the database's own anchor. */
  anchor?: AuditAnchor | null;
  /** Append a `verify` checkpoint when everything matched (default true). */
  checkpoint?: boolean;
}

type Row = Awaited<ReturnType<typeof readBatch>>[number];
const readBatch = (db: Kysely<DB>, after: number) => db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(5000).execute();

function fieldsOf(r: Row): HashedFields {
  return {
    at: new Date(r.at).toISOString(), actor_id: r.actor_id, actor_name: r.actor_name, actor_role: r.actor_role, action: r.action,
    object_type: r.object_type, object_id: r.object_id, county_code: r.county_code, before: r.before, after: r.after, reason: r.reason,
  };
}

/**
 * Checks the chain against the key, the anchor's head and the checkpoints, and names what is
 * missing or changed. The walk stops at the first broken row (what follows cannot be trusted
 * relative to it); head and checkpoints are compared with the database in any case.
 */
export async function verifyAuditChain(db: Kysely<DB>, opts: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const key = contextOf(db).keys.auditKey;
  const anchor = opts.anchor === undefined ? anchorOf(db) : opts.anchor;
  const headState = anchor?.readHead() ?? null;
  const anchoredHead = headState?.status === 'ok' ? (headState.record.chains[GLOBAL_CHAIN] ?? null) : null;
  const problems: AuditProblem[] = [];
  const notes: string[] = [];
  const rowProblem = (seq: number, message: string) => problems.push({ kind: 'row', seq, message });

  let prevHash = GENESIS;
  let prevSeq = 0;
  let keyedFrom: number | null = null;
  let checked = 0;
  walk: for (let after = 0; ; ) {
    const rows = await readBatch(db, after);
    if (rows.length === 0) break;
    for (const r of rows) {
      const keyed = r.hash_alg === KEYED;
      if (keyed && keyedFrom === null) keyedFrom = r.seq;
      if (prevSeq === 0 && r.prev_hash !== GENESIS) {
        rowProblem(r.seq, `第 ${r.seq} 条之前的记录缺失：现存的第一条记录不是链的起点（最早的审计记录被删除）`);
        break walk;
      }
      if (keyed && prevSeq !== 0 && r.seq !== prevSeq + 1) {
        rowProblem(r.seq, `seq=${prevSeq} 之后是 seq=${r.seq}：中间 ${r.seq - prevSeq - 1} 条审计记录被删除`);
        break walk;
      }
      if (r.prev_hash !== prevHash) {
        rowProblem(r.seq, `第 ${r.seq} 条记录与上一条的哈希链接不符：其间有记录被删除、插入或改写`);
        break walk;
      }
      const fields = fieldsOf(r);
      if (keyed) {
        if (keyedEntryHash(key, prevHash, r.seq, fields) !== r.hash) {
          rowProblem(r.seq, `第 ${r.seq} 条记录的哈希与密钥不符：记录被改写或整条链被重新计算`);
          break walk;
        }
      } else if (r.hash_alg === PLAIN) {
        const since = keyedFrom ?? (anchoredHead && r.seq >= anchoredHead.keyedFrom ? anchoredHead.keyedFrom : null);
        if (since !== null) {
          rowProblem(r.seq, `第 ${r.seq} 条记录的哈希没有用审计密钥计算，而链自第 ${since} 条起已使用密钥：记录被改写或整条链被重新计算`);
          break walk;
        }
        if (plainEntryHash(prevHash, fields) !== r.hash) {
          rowProblem(r.seq, `第 ${r.seq} 条记录内容与其哈希不符（记录被篡改）`);
          break walk;
        }
      } else {
        rowProblem(r.seq, `第 ${r.seq} 条记录的哈希算法“${r.hash_alg}”无法识别（记录被改写）`);
        break walk;
      }
      prevHash = r.hash;
      prevSeq = r.seq;
      checked++;
      after = r.seq;
    }
    opts.onProgress?.(checked);
  }

  const last = (await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()) ?? null;
  const hashesAt = async (seqs: number[]) => {
    const found = new Map<number, string>();
    for (let i = 0; i < seqs.length; i += 1000) {
      const part = seqs.slice(i, i + 1000);
      if (part.length) for (const r of await db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'in', part).execute()) found.set(r.seq, r.hash);
    }
    return found;
  };
  const lastSeq = last?.seq ?? 0;
  const holdings = last ? `数据库只有到 seq=${lastSeq}` : '数据库中没有审计记录';

  // The head: the newest entry the anchor saw committed.
  if (anchor && headState) {
    const hasKeyedRows = keyedFrom !== null || !!(await db.selectFrom('audit_log').select('seq').where('hash_alg', '=', KEYED).limit(1).executeTakeFirst());
    if (headState.status === 'missing') {
      if (hasKeyedRows || anchor.readCheckpoints().length > 0)
        problems.push({ kind: 'anchor', lost: true, message: `头部锚点文件 ${anchor.where} 不存在：无法确认末尾的审计记录没有被删除（文件被删除，或未随数据一同迁移）` });
    } else if (headState.status === 'invalid') problems.push({ kind: 'anchor', lost: true, message: `头部锚点文件 ${anchor.where} ${headState.problem}` });
    else if (!anchoredHead) {
      if (hasKeyedRows) problems.push({ kind: 'anchor', lost: true, message: `头部锚点文件 ${anchor.where} 中没有全局链的记录` });
    }
    else {
      const h = anchoredHead;
      if (h.forked)
        problems.push({ kind: 'anchor', seq: h.seq, message: `头部锚点自 ${h.forked.at} 起冻结：${h.forked.detail}（末尾的审计记录被删除或改写后又有新记录写入）` });
      if (h.seq > lastSeq) problems.push({ kind: 'anchor', seq: h.seq, message: `头部锚点记录到 seq=${h.seq}，${holdings}：最后 ${h.seq - lastSeq} 条审计记录被删除` });
      else {
        const atHead = (await hashesAt([h.seq])).get(h.seq);
        if (atHead === undefined) problems.push({ kind: 'anchor', seq: h.seq, message: `头部锚点记录的第 ${h.seq} 条在数据库中不存在：记录被删除` });
        else if (atHead !== h.hash)
          problems.push({ kind: 'anchor', seq: h.seq, message: `头部锚点记录的第 ${h.seq} 条与数据库中该条的哈希不符：记录被改写或整条链被重新计算` });
        else if (lastSeq > h.seq && !h.forked)
          notes.push(`数据库比头部锚点多 ${lastSeq - h.seq} 条（锚点在提交之后写入，进程被强行中止时会落后一些，属正常）`);
      }
    }
  }

  // Checkpoints: history the head alone would not show (a rewritten middle, a head replaced by hand).
  let validCheckpoints = 0;
  if (anchor) {
    const lines = anchor.readCheckpoints();
    for (const l of lines) if (l.problem) problems.push({ kind: 'checkpoint', lost: true, message: l.problem });
    const cps = lines.map((l) => l.checkpoint!).filter((c) => c && c.chain === GLOBAL_CHAIN);
    validCheckpoints = cps.length;
    const beyond = cps.filter((c) => c.seq > lastSeq).sort((a, b) => b.seq - a.seq)[0];
    if (beyond)
      problems.push({ kind: 'checkpoint', seq: beyond.seq, message: `检查点（${beyond.at}，seq=${beyond.seq}）之后的记录已不存在，${holdings}：最后 ${beyond.seq - lastSeq} 条审计记录被删除` });
    const within = cps.filter((c) => c.seq <= lastSeq);
    const found = await hashesAt([...new Set(within.map((c) => c.seq))]);
    const bad = within.filter((c) => found.get(c.seq) !== c.hash);
    for (const c of bad.slice(0, 5))
      problems.push({
        kind: 'checkpoint', seq: c.seq,
        message: found.has(c.seq)
          ? `检查点（${c.at}，seq=${c.seq}）与数据库中该条记录的哈希不符：记录被改写或整条链被重新计算`
          : `检查点（${c.at}）记录的第 ${c.seq} 条在数据库中不存在：记录被删除`,
      });
    if (bad.length > 5) problems.push({ kind: 'checkpoint', message: `另有 ${bad.length - 5} 个检查点与数据库不符` });
  }

  const ok = problems.length === 0;
  if (ok && last && anchor && opts.checkpoint !== false) anchor.checkpoint(last, 'verify');
  return { ok, checked, last, keyedFrom, head: anchoredHead && { seq: anchoredHead.seq, hash: anchoredHead.hash }, checkpoints: validCheckpoints, problems, notes };
}

/** Brings the anchor up to the database's newest entry and writes a checkpoint (server stop). */
export async function checkpointAudit(db: Kysely<DB>, reason: CheckpointReason): Promise<void> {
  const anchor = anchorOf(db);
  const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!anchor || !last) return;
  // Rows this process did not write (another process, or someone at the table) are followed only if they continue the head.
  if (!anchor.confirms(last)) await guardAnchor(db, anchor, last);
  anchor.advance(last);
  anchor.checkpoint(last, reason);
}

/** The first keyed row's seq, or null. */
export async function firstKeyedSeq(db: Kysely<DB>): Promise<number | null> {
  const r = await db.selectFrom('audit_log').select('seq').where('hash_alg', '=', KEYED).orderBy('seq').limit(1).executeTakeFirst();
  return r?.seq ?? null;
}
