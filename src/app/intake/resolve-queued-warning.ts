import { mergeKey, WARNING_TYPES, type WarningTypeCode } from '../../domain/warnings.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findHousehold } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { closeQueuedWarning, findWarning } from '../../store/warnings.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { conflict, invalid, notFound, stale } from '../errors.ts';
import { openVerificationTask } from './open-verification-task.ts';

async function queued(db: Db, actor: Actor, id: number) {
  authorize(actor, 'warning:queue');
  const w = await findWarning(db, id);
  if (!w) throw notFound('预警不存在');
  authorize(actor, 'warning:queue', w.region_code);
  if (w.queue_state !== 'pending') throw conflict('', '该预警不在待查队列中（已处理）');
  return w;
}

/**
 * The county found the household of a person the registry did not know (the ID number changed,
 * a member not yet registered…): the warning becomes a verification task for that household's
 * village, dated as the warning (Q42), merged like any other.
 */
export async function locateQueuedWarning(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  const w = await queued(db, actor, id);
  const c = new Check();
  const o = c.object('', raw, ['version', 'householdId']) ?? {};
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const householdId = c.id('householdId', o.householdId, { required: true });
  if (!c.ok) throw invalid(c.errors);
  const h = await findHousehold(db, householdId!, scopePattern(actor));
  if (!h) throw notFound('未找到该农户（须在本人辖区内）');
  const type = WARNING_TYPES[w.type as WarningTypeCode];
  return inTransaction(db, async (trx) => {
    const task = await openVerificationTask(trx, actor, {
      householdId: h.id, memberId: null, countyCode: h.county_code, regionCode: h.region_code, source: type.source, warningType: w.type,
      departmentKind: w.department_kind, subjectKey: mergeKey({ memberBidx: w.id_number_bidx }), monitored: h.monitoring_status === 'monitored',
      leadOn: w.warned_on, summary: w.detail ? `${type.label}：${w.detail}` : type.label, ticketId: null,
    });
    if (!(await closeQueuedWarning(trx, w.id, version!, { state: 'located', reason: null, by: actor.id, on: today, taskId: task.id, householdId: h.id }))) throw stale();
    await appendAudit(trx, { actor, action: 'warning.locate', objectType: 'department_warning', objectId: w.id, countyCode: h.county_code, after: { householdId: h.id, taskId: task.id, merged: task.merged } });
    return { id: w.id, queueState: 'located', taskId: task.id, merged: task.merged };
  });
}

/** Not a person of this county (or not a person at all): the county says why. */
export async function rejectQueuedWarning(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  const w = await queued(db, actor, id);
  const c = new Check();
  const o = c.object('', raw, ['version', 'reason']) ?? {};
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const reason = c.string('reason', o.reason, { required: true, max: 500 });
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    if (!(await closeQueuedWarning(trx, w.id, version!, { state: 'rejected', reason, by: actor.id, on: today }))) throw stale();
    await appendAudit(trx, { actor, action: 'warning.reject', objectType: 'department_warning', objectId: w.id, countyCode: w.county_code, reason });
    return { id: w.id, queueState: 'rejected' };
  });
}
