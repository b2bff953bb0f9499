import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { loadVisibleTicket, ticketView } from './ticket-view.ts';

/**
 * A ticket with its events, as the actor may see it (ticket-view.ts). `revealCaller`: the
 * operator sees the caller's whole number to call back for the evaluation; that read is
 * audited (SEC-2). Nobody else ever gets the caller (Q52: the tip is about their region).
 */
export async function getTicket(db: Db, actor: Actor, id: number, today: string, opts: { revealCaller?: boolean } = {}) {
  authorize(actor, 'ticket:read');
  const t = await loadVisibleTicket(db, actor, id);
  if (opts.revealCaller) {
    authorize(actor, 'ticket:read_caller', t.region_code);
    await inTransaction(db, (trx) =>
      appendAudit(trx, {
        actor, action: 'hotline_ticket.read_caller', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
        reason: '查看来电人号码（回访评价）',
      }),
    );
  }
  return ticketView(db, actor, t, today, opts);
}
