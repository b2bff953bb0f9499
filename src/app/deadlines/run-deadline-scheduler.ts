import { chinaDate } from '../../domain/clock.ts';
import { lastSchedulerRun, markDeadlines, recordSchedulerRun } from '../../store/deadlines.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { escalateOverdueTickets } from '../hotline/escalate-overdue-tickets.ts';

export const DEADLINE_JOB = 'deadlines';

/**
 * Marks open deadlines due soon or overdue as of the clock's date and records the run (PRC-7).
 * The clock is a function so tests move time instead of waiting.
 */
export async function runDeadlineScheduler(db: Db, now: () => Date) {
  const at = now();
  const today = chinaDate(at);
  return inTransaction(db, async (trx) => {
    const counts = { ...(await escalateOverdueTickets(trx, today)), ...(await markDeadlines(trx, today)) };
    await recordSchedulerRun(trx, DEADLINE_JOB, today, at, counts);
    return { ranFor: today, at, ...counts };
  });
}

export async function schedulerStatus(db: Db) {
  const run = await lastSchedulerRun(db, DEADLINE_JOB);
  return run ? { job: run.job, lastSuccessAt: run.last_success_at, ranFor: run.ran_for, summary: run.summary } : null;
}

/**
 * The loop the server runs: once at start, then every `everyMs`. A failed run is logged and
 * retried at the next tick; the last successful run stays on record.
 */
export function startDeadlineScheduler(db: Db, now: () => Date, log: (msg: string, err?: unknown) => void, everyMs = 3_600_000) {
  let stopped = false;
  const tick = () =>
    runDeadlineScheduler(db, now).catch((err) => {
      if (!stopped) log('期限扫描失败，将在下次重试', err);
    });
  void tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
