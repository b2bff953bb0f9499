/**
 * Data key rotation without downtime (SEC-7): a new data key becomes current, then every value
 * sealed with another key is re-encrypted in short batches while the system keeps serving.
 *
 * Run from the command line (`npx jianbang keys rotate`, a PostgreSQL server, or an embedded
 * folder no server holds) or inside the server as a background job (`POST
 * /api/v1/security/data-key/rotate`, the embedded database whose folder the server locks).
 * Other processes on the same server database notice the rewritten key file: they reload it when
 * they meet a value sealed with a key they lack, and look for a new current key before sealing
 * (context.ts); the rotation waits a few of their check intervals before its last pass.
 */
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { addCurrentDataKey, contextOf, KEY_CHECK_INTERVAL_MS, type DatabaseContext } from '../../store/context.ts';
import { resealColumns, rowsToReseal } from '../../store/members.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { conflict, invalid } from '../errors.ts';

export interface RotationProgress {
  newKeyId: string;
  /** Rows to re-encrypt when the rotation started, and rewritten so far (a row holds several values). */
  total: number;
  done: number;
  /** A pass over the tables; a later pass picks up what other writers sealed with an old key meanwhile. */
  pass: number;
}

export interface RotationOptions {
  batchSize?: number;
  /**
   * How long after the new key the last pass may start, so other processes have switched to it
   * (default: a few of their check intervals when the keys live in a file other processes read,
   * none for a database whose keys only this process has).
   */
  graceMs?: number;
  onProgress?: (p: RotationProgress) => void | Promise<void>;
}

export interface RotationReport {
  previousKeyId: string;
  newKeyId: string;
  reencrypted: number;
  passes: number;
}

/** More passes than this means a writer keeps sealing with an old key: stop and say so. */
const MAX_PASSES = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The security admin asks, with a reason (audited). */
export function checkRotationRequest(actor: Actor, raw: unknown): string {
  authorize(actor, 'security:manage');
  const c = new Check();
  const o = c.object('', raw ?? {}, ['reason']);
  const reason = o ? c.string('reason', o.reason, { required: true, max: 500 }) : null;
  if (!c.ok) throw invalid(c.errors);
  return reason!;
}

/** Rotates and re-encrypts; the caller has authorized `actor`. */
export async function runDataKeyRotation(db: Db, actor: Actor, reason: string, opts: RotationOptions = {}): Promise<RotationReport> {
  const context = contextOf(db);
  const previousKeyId = context.keys.currentDataKeyId;
  const graceMs = opts.graceMs ?? (context.keyDir ? 3 * KEY_CHECK_INTERVAL_MS : 0);
  const newKeyId = addCurrentDataKey(context);
  const startedAt = Date.now();
  const total = await rowsToReseal(db, 'stale', newKeyId);
  const audit = (action: string, after: unknown) =>
    inTransaction(db, (trx) => appendAudit(trx, { actor, action, objectType: 'data_key', objectId: newKeyId, after, reason }));
  await audit('data_key.rotate_start', { previousKeyId, newKeyId, rows: total });
  let done = 0;
  let pass = 0;
  await opts.onProgress?.({ newKeyId, total, done, pass });
  try {
    for (;;) {
      pass++;
      if (pass > MAX_PASSES)
        throw new Error(`密钥轮换未能完成：${MAX_PASSES} 遍后仍有进程用旧密钥写入（请确认所有服务进程使用同一密钥目录 ${context.keyDir ?? ''}）`);
      await resealColumns(db, {
        target: 'stale',
        batchSize: opts.batchSize,
        onBatch: async (p) => {
          done += p.batch;
          await opts.onProgress?.({ newKeyId, total, done, pass });
        },
      });
      const waited = Date.now() - startedAt;
      if (waited < graceMs) {
        await sleep(graceMs - waited);
        continue;
      }
      if ((await rowsToReseal(db, 'stale', newKeyId)) === 0) break;
    }
  } catch (e) {
    await audit('data_key.rotate_fail', { newKeyId, done, error: e instanceof Error ? e.message : String(e) }).catch(() => {});
    throw e;
  }
  await audit('data_key.rotate_finish', { previousKeyId, newKeyId, rows: done, passes: pass });
  return { previousKeyId, newKeyId, reencrypted: done, passes: pass };
}

export interface RotationJob {
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  startedBy: string;
  reason: string;
  newKeyId: string | null;
  total: number;
  done: number;
  error: string | null;
}

/** The in-server rotation of each database (one at a time), kept for the status page. */
const jobs = new WeakMap<DatabaseContext, { job: RotationJob; finished: Promise<void> }>();

/** The last in-server rotation of this database, if any, as the status page shows it. */
export function dataKeyRotationJob(db: Db): RotationJob | null {
  const entry = jobs.get(contextOf(db));
  return entry ? { ...entry.job } : null;
}

/** Resolves when the in-server rotation running now (if any) has ended. */
export function dataKeyRotationFinished(db: Db): Promise<void> {
  return jobs.get(contextOf(db))?.finished ?? Promise.resolve();
}

/**
 * Starts a rotation inside the server as a background job and answers at once; the status
 * (`get-data-key-status.ts`) shows its progress. A second start while one runs is refused.
 */
export async function startDataKeyRotation(db: Db, actor: Actor, raw: unknown, opts: RotationOptions = {}): Promise<RotationJob> {
  const reason = checkRotationRequest(actor, raw);
  const context = contextOf(db);
  if (jobs.get(context)?.job.state === 'running') throw conflict('', '密钥轮换正在进行中，请等待完成');
  const job: RotationJob = {
    state: 'running', startedAt: new Date().toISOString(), finishedAt: null, startedBy: actor.displayName, reason,
    newKeyId: null, total: 0, done: 0, error: null,
  };
  const finished = runDataKeyRotation(db, actor, reason, {
    ...opts,
    onProgress: async (p) => {
      Object.assign(job, { newKeyId: p.newKeyId, total: p.total, done: p.done });
      await opts.onProgress?.(p);
    },
  }).then(
    (r) => void Object.assign(job, { state: 'done', newKeyId: r.newKeyId, done: r.reencrypted, finishedAt: new Date().toISOString() }),
    (e) => {
      Object.assign(job, { state: 'failed', error: e instanceof Error ? e.message : String(e), finishedAt: new Date().toISOString() });
      console.error('密钥轮换失败：', e);
    },
  );
  jobs.set(context, { job, finished });
  return { ...job };
}
