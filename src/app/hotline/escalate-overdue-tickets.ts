import { daysBetween } from '../../domain/deadlines.ts';
import { levelRole, supervisingLevelOn } from '../../domain/hotline-ticket.ts';
import { LEVEL_NAMES, type RegionLevel } from '../../domain/region-code.ts';
import { appendAudit } from '../../store/audit.ts';
import { insertTicketEvent, overdueAssignedTickets, raiseDeadline, updateTicket } from '../../store/hotline.ts';
import type { Tx } from '../../store/transaction.ts';
import { SYSTEM_ACTOR } from '../actor.ts';

const SCHEDULER = { ...SYSTEM_ACTOR, displayName: '系统（逾期督办）' };

/**
 * 督办 (WRN-2): run by the deadline scheduler in its transaction. Every assigned ticket past its
 * due date goes one region level up (township → county → city → province) the day after, and
 * one more for each further time limit it stays unanswered, never above the province. Its
 * deadline's responsible role becomes that level's role (marked escalated), so the ticket shows
 * on that level's workbench and in its ticket list; each level raised is one 'escalate' event.
 */
export async function escalateOverdueTickets(trx: Tx, today: string) {
  let ticketsEscalated = 0;
  for (const r of await overdueAssignedTickets(trx, today)) {
    const current = r.supervising_level ?? r.assigned_level;
    const target = supervisingLevelOn(
      { assigneeLevel: r.assigned_level, dueOn: r.due_on!, periodDays: daysBetween(r.opened_on, r.deadline_due_on) },
      today,
    );
    if (target >= current) continue;
    const steps = current - target;
    if (!(await updateTicket(trx, r.id, r.version, { supervising_level: target, escalations: r.escalations + steps }))) continue;
    await raiseDeadline(trx, r.deadline_id, levelRole(target));
    for (let level = current - 1; level >= target; level--)
      await insertTicketEvent(trx, {
        ticketId: r.id, action: 'escalate', fromState: 'assigned', toState: 'assigned', occurredOn: today, actorId: null,
        actorName: SCHEDULER.displayName, note: `逾期未答复（期限${r.due_on}），提级由${LEVEL_NAMES[level as RegionLevel]}级督办`,
      });
    await appendAudit(trx, {
      actor: SCHEDULER, action: 'hotline_ticket.escalate', objectType: 'hotline_ticket', objectId: r.id, countyCode: r.county_code,
      before: { supervisingLevel: current, version: r.version }, after: { supervisingLevel: target, responsibleRole: levelRole(target), dueOn: r.due_on },
    });
    ticketsEscalated++;
  }
  return { ticketsEscalated };
}
