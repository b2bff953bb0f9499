import { dueDate } from '../../domain/deadlines.ts';
import { afterEvaluation, checkEvaluate, DEADLINE_KIND_OF, EVALUATION_NAMES, levelRole, refusalOf } from '../../domain/hotline-ticket.ts';
import { regionLevel } from '../../domain/region-code.ts';
import { appendAudit } from '../../store/audit.ts';
import { openDeadline } from '../../store/deadlines.ts';
import { findTicket, insertTicketEvent, updateTicket } from '../../store/hotline.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid, stale } from '../errors.ts';
import { loadVisibleTicket, ticketView } from './ticket-view.ts';

/**
 * 记录评价 (WRN-2): the operator records what the requester said of the answer. 满意 and
 * 基本满意 close the ticket; the first 不满意 sends it back to its assignee with a new time
 * limit from today (and supervision starts again from the assignee); a second 不满意 closes it,
 * the evaluation on record for the supervisors.
 */
export async function evaluateTicket(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'ticket:accept');
  const { input, errors } = checkEvaluate(raw);
  if (!input) throw invalid(errors);
  await loadVisibleTicket(db, actor, id);

  return inTransaction(db, async (trx) => {
    const t = (await findTicket(trx, id))!;
    if (t.version !== input.version) throw stale();
    const refusal = refusalOf('evaluate', t.state, actor.role);
    if (refusal) throw new AppError(refusal.status, [refusal.error]);
    const { to, reopen } = afterEvaluation(input.evaluation, t.reopen_count);
    const base = { state: to, evaluation: input.evaluation, evaluated_on: today } as const;
    let note = `${EVALUATION_NAMES[input.evaluation]}${input.note ? `：${input.note}` : ''}`;
    let dueOn: string | null = null;
    if (reopen) {
      const kind = DEADLINE_KIND_OF[t.kind];
      const level = regionLevel(t.assigned_region_code!);
      dueOn = dueDate(kind, today);
      if (!(await updateTicket(trx, t.id, t.version, { ...base, reopen_count: t.reopen_count + 1, due_on: dueOn, supervising_level: level }))) throw stale();
      await openDeadline(trx, {
        kind, openedOn: today, dueOn, countyCode: t.county_code, regionCode: t.region_code, householdId: null,
        subjectType: 'hotline_ticket', subjectId: t.id, responsibleRole: levelRole(level),
      });
      note += `；退回重办，${dueOn}前重新答复`;
    } else {
      if (!(await updateTicket(trx, t.id, t.version, { ...base, closed_on: today }))) throw stale();
      if (input.evaluation === 'dissatisfied') note += '；已重办一次，仍不满意，办结';
    }
    await insertTicketEvent(trx, {
      ticketId: t.id, action: 'evaluate', fromState: t.state, toState: to, occurredOn: today, actorId: actor.id, actorName: actor.displayName, note,
    });
    await appendAudit(trx, {
      actor, action: 'hotline_ticket.evaluate', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
      before: { state: t.state, version: t.version, reopenCount: t.reopen_count },
      after: { state: to, evaluation: input.evaluation, reopened: reopen, dueOn },
    });
    return ticketView(trx, actor, (await findTicket(trx, t.id))!, today);
  });
}
