import { checkReply, refusalOf, replyMessage } from '../../domain/hotline-ticket.ts';
import { appendAudit } from '../../store/audit.ts';
import { closeDeadlines } from '../../store/deadlines.ts';
import { findTicket, insertTicketEvent, regionNames, updateTicket } from '../../store/hotline.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid, stale } from '../errors.ts';
import { queueHouseholdMessage } from '../intake/household-messages.ts';
import { assertAssignee, loadVisibleTicket, messageRegionOf, ticketView } from './ticket-view.ts';

/**
 * 答复 (WRN-2): the township or county the ticket was assigned to answers it. The deadline
 * closes, and the caller gets one SMS saying that an answer is there and where to ask (no
 * personal data, Q47); the operator then calls back for the evaluation.
 */
export async function replyTicket(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'ticket:reply');
  const { input, errors } = checkReply(raw);
  if (!input) throw invalid(errors);
  const seen = await loadVisibleTicket(db, actor, id);
  const assigneeName = seen.assigned_region_code ? (await regionNames(db, [seen.assigned_region_code])).get(seen.assigned_region_code) ?? null : null;
  assertAssignee(actor, seen, assigneeName);

  return inTransaction(db, async (trx) => {
    const t = (await findTicket(trx, id))!;
    if (t.version !== input.version) throw stale();
    const refusal = refusalOf('reply', t.state, actor.role);
    if (refusal) throw new AppError(refusal.status, [refusal.error]);
    const moved = await updateTicket(trx, t.id, t.version, { state: 'replied', reply: input.reply, replied_on: today, replied_by: actor.id });
    if (!moved) throw stale();
    await closeDeadlines(trx, { subjectType: 'hotline_ticket', subjectId: t.id }, today);
    const messageId = await queueHouseholdMessage(trx, {
      householdId: null, countyCode: t.county_code, regionCode: messageRegionOf(t), ticketId: t.id, channel: 'sms',
      recipient: t.caller_phone, event: 'hotline_reply', content: replyMessage(t.ticket_no, assigneeName ?? actor.displayName),
    });
    await insertTicketEvent(trx, {
      ticketId: t.id, action: 'reply', fromState: t.state, toState: 'replied', occurredOn: today, actorId: actor.id, actorName: actor.displayName,
      note: input.reply,
    });
    await appendAudit(trx, {
      actor, action: 'hotline_ticket.reply', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
      before: { state: t.state, version: t.version }, after: { state: 'replied', repliedOn: today, messageId },
    });
    return ticketView(trx, actor, (await findTicket(trx, t.id))!, today);
  });
}
