/**
 * What a database handle carries besides its connection: the key ring (field encryption, blind
 * index, audit HMAC) and where the keys and the audit anchor live. It travels as a Kysely plugin,
 * so every `Kysely` and every `Transaction` made from it reaches the same context
 * (`contextOf(trx)`) without threading it through each use case.
 *
 * The plugin also opens sealed values (`sealed.ts`) in every result row, so no read path can
 * forget to decrypt; the raw table never holds the plaintext.
 */
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { keyFileStamp, loadKeyRing, withNewDataKey, addDataKey, type KeyRing } from './keys.ts';
import { isSealed, openWith, SealedValueError } from './sealed.ts';

export interface AuditHead {
  seq: number;
  hash: string;
}

/** Where the audit chain's head is anchored outside the database (implemented in audit-anchor.ts). */
export interface AuditHeadSink {
  /** Called after a transaction that appended audit entries has committed. */
  advance(head: AuditHead): void;
}

export interface DatabaseContext {
  keys: KeyRing;
  /** Folder of keys.json and the audit head; null for an in-memory database. */
  keyDir: string | null;
  auditHead: AuditHeadSink | null;
}

export class DatabaseContextPlugin implements KyselyPlugin {
  constructor(readonly context: DatabaseContext) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of args.result.rows)
      for (const k in row) {
        const v = row[k];
        if (isSealed(v)) row[k] = openSealed(this.context, v, k);
      }
    return args.result;
  }
}

/**
 * How often a process looks whether keys.json was rewritten by another process (a rotation run
 * from the command line against the same PostgreSQL server), so its new writes switch to the new
 * current key. A rotation waits a few of these intervals before its last pass (rotate-data-key.ts).
 */
export const KEY_CHECK_INTERVAL_MS = 1000;

const keyFileSeen = new WeakMap<DatabaseContext, { checkedAt: number; stamp: string | null }>();

/** Reads the context's key file again (after another process changed it); false without a key folder. */
export function reloadKeys(context: DatabaseContext): boolean {
  if (!context.keyDir) return false;
  const stamp = keyFileStamp(context.keyDir);
  context.keys = loadKeyRing(context.keyDir);
  keyFileSeen.set(context, { checkedAt: Date.now(), stamp });
  return true;
}

/** The key ring to seal with: reloaded first when keys.json changed since the last look. */
export function freshKeys(context: DatabaseContext, now = Date.now()): KeyRing {
  if (!context.keyDir) return context.keys;
  const seen = keyFileSeen.get(context);
  if (seen && now - seen.checkedAt < KEY_CHECK_INTERVAL_MS) return context.keys;
  const stamp = keyFileStamp(context.keyDir);
  if (!seen || stamp !== seen.stamp) reloadKeys(context);
  else seen.checkedAt = now;
  return context.keys;
}

/**
 * Opens a sealed value. A key id the ring lacks means another process rotated: the key file is
 * read again once and the value retried, so a running server keeps reading during a rotation.
 */
export function openSealed(context: DatabaseContext, sealed: string, column?: string): string {
  try {
    return openWith(context.keys, sealed);
  } catch (e) {
    if (e instanceof SealedValueError && e.kind === 'unknown_key' && !context.keys.dataKeys.has(e.keyId) && reloadKeys(context)) {
      try {
        return openWith(context.keys, sealed);
      } catch (again) {
        throw named(again, column);
      }
    }
    throw named(e, column);
  }
}

function named(e: unknown, column: string | undefined): unknown {
  if (!(e instanceof SealedValueError) || !column) return e;
  return new SealedValueError(e.kind, e.keyId, `字段 ${column} ${e.message}`);
}

/**
 * Rotation, step 1 for this database: a new data key becomes current (written to keys.json, or
 * kept in memory for a database without a key folder). Returns its id.
 */
export function addCurrentDataKey(context: DatabaseContext): string {
  if (!context.keyDir) {
    context.keys = withNewDataKey(context.keys);
    return context.keys.currentDataKeyId;
  }
  const id = addDataKey(context.keyDir);
  reloadKeys(context);
  return id;
}

export function contextOf(db: Kysely<any>): DatabaseContext {
  const plugin = db.getExecutor().plugins.find((p): p is DatabaseContextPlugin => p instanceof DatabaseContextPlugin);
  if (!plugin) throw new Error('数据库连接缺少上下文（请通过 openDatabase 打开）');
  return plugin.context;
}
