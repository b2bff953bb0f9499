import { contextOf } from '../../store/context.ts';
import { sealedColumnCounts, type SealedColumnCount } from '../../store/members.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { dataKeyRotationJob, type RotationJob } from './rotate-data-key.ts';

export interface DataKeyStatus {
  currentKeyId: string;
  /** Keys of the ring, with the sealed values each still opens (a key with 0 can be retired). */
  keys: { id: string; current: boolean; createdAt: string | null; values: number }[];
  /** Values sealed with a key the ring does not hold: unreadable until that key is restored. */
  missingKeys: { id: string; values: number }[];
  /** Values not sealed yet (a database from before encryption at rest, until its next start). */
  plaintextValues: number;
  columns: SealedColumnCount[];
  /** Where the keys are kept (null: in memory only). */
  keyDir: string | null;
  rotation: RotationJob | null;
}

/** Which data keys exist and how many sealed values each holds, and the in-server rotation's progress (SEC-7). */
export async function getDataKeyStatus(db: Db, actor: Actor, opts: { skipAuthz?: boolean } = {}): Promise<DataKeyStatus> {
  if (!opts.skipAuthz) authorize(actor, 'security:manage');
  const context = contextOf(db);
  const columns = await sealedColumnCounts(db);
  const perKey = new Map<string, number>();
  for (const c of columns) for (const [id, n] of Object.entries(c.byKey)) perKey.set(id, (perKey.get(id) ?? 0) + n);
  const ring = context.keys;
  return {
    currentKeyId: ring.currentDataKeyId,
    keys: [...ring.dataKeys.keys()].map((id) => ({
      id, current: id === ring.currentDataKeyId, createdAt: ring.dataKeyCreatedAt?.get(id) ?? null, values: perKey.get(id) ?? 0,
    })),
    missingKeys: [...perKey].filter(([id]) => !ring.dataKeys.has(id)).map(([id, values]) => ({ id, values })),
    plaintextValues: columns.reduce((n, c) => n + c.plaintext, 0),
    columns,
    keyDir: context.keyDir,
    rotation: dataKeyRotationJob(db),
  };
}
