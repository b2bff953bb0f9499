import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;
export type Db = Kysely<DB>;

const afterCommitCallbacks = new WeakMap<Tx, (() => void)[]>();

/**
 * Runs `fn` in one transaction: every state change and its audit entry commit together or not at
 * all. Called with a transaction, it joins it instead of nesting, so a bulk loader can run many
 * use cases as one all-or-nothing unit (the demo loader, imports).
 */
export async function inTransaction<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  let tx: Tx | undefined;
  const result = await db.transaction().execute((trx) => {
    tx = trx;
    return fn(trx);
  });
  for (const cb of afterCommitCallbacks.get(tx!) ?? []) {
    try {
      cb();
    } catch (e) {
      // The data is committed; a failed follow-up (e.g. writing the audit anchor) must not turn
      // a done change into an error for the user. It is reported for the operator.
      console.error('事务提交后的处理失败：', e);
    }
  }
  return result;
}

/** Runs `cb` once the outermost transaction `trx` belongs to has committed (never on rollback). */
export function afterCommit(trx: Tx, cb: () => void): void {
  const list = afterCommitCallbacks.get(trx);
  if (list) list.push(cb);
  else afterCommitCallbacks.set(trx, [cb]);
}
