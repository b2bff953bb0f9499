import { checkArchive, refusalOf } from '../../domain/hotline-ticket.ts';
import { appendAudit } from '../../store/audit.ts';
import { findTicket, insertTicketEvent, updateTicket } from '../../store/hotline.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid, stale } from '../errors.ts';
import { loadVisibleTicket, ticketView } from './ticket-view.ts';

/** 归档 (WRN-2): the operator files a closed ticket; nothing changes it afterwards. */
export async function archiveTicket(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'ticket:accept');
  const { input, errors } = checkArchive(raw);
  if (!input) throw invalid(errors);
  await loadVisibleTicket(db, actor, id);

  return inTransaction(db, async (trx) => {
    const t = (await findTicket(trx, id))!;
    if (t.version !== input.version) throw stale();
    const refusal = refusalOf('archive', t.state, actor.role);
    if (refusal) throw new AppError(refusal.status, [refusal.error]);
    if (!(await updateTicket(trx, t.id, t.version, { state: 'archived', archived_on: today }))) throw stale();
    await insertTicketEvent(trx, {
      ticketId: t.id, action: 'archive', fromState: t.state, toState: 'archived', occurredOn: today, actorId: actor.id, actorName: actor.displayName, note: null,
    });
    await appendAudit(trx, {
      actor, action: 'hotline_ticket.archive', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
      before: { state: t.state, version: t.version }, after: { state: 'archived', archivedOn: today },
    });
    return ticketView(trx, actor, (await findTicket(trx, t.id))!, today);
  });
}
