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
import type { KeyRing } from './keys.ts';
import { isSealed, openWith } from './sealed.ts';

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
    const { keys } = this.context;
    for (const row of args.result.rows)
      for (const k in row) {
        const v = row[k];
        if (isSealed(v)) row[k] = openWith(keys, v);
      }
    return args.result;
  }
}

export function contextOf(db: Kysely<any>): DatabaseContext {
  const plugin = db.getExecutor().plugins.find((p): p is DatabaseContextPlugin => p instanceof DatabaseContextPlugin);
  if (!plugin) throw new Error('数据库连接缺少上下文（请通过 openDatabase 打开）');
  return plugin.context;
}
