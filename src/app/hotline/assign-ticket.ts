import { dueDate } from '../../domain/deadlines.ts';
import { assigneeProblem, checkAssign, DEADLINE_KIND_OF, levelRole, refusalOf } from '../../domain/hotline-ticket.ts';
import { isInSubtree, regionLevel } from '../../domain/region-code.ts';
import { appendAudit } from '../../store/audit.ts';
import { openDeadline } from '../../store/deadlines.ts';
import { findTicket, insertTicketEvent, updateTicket } from '../../store/hotline.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, invalid, stale } from '../errors.ts';
import { loadVisibleTicket, ticketView } from './ticket-view.ts';

/**
 * 交办 (WRN-2): the operator gives an accepted ticket to the township or the county of its place,
 * within the operator's own region. The time limit of the ticket's kind in force today runs
 * from now (Q52, dated parameters); its deadline is the assignee level's (township or county),
 * so it shows on that level's workbench and is escalated from there when it passes.
 */
export async function assignTicket(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'ticket:accept');
  const { input, errors } = checkAssign(raw);
  if (!input) throw invalid(errors);
  const seen = await loadVisibleTicket(db, actor, id);
  const problem = assigneeProblem(seen.region_code, input.regionCode);
  if (problem) throw invalid([{ path: 'regionCode', message: problem }]);
  if (!isInSubtree(actor.regionCode, input.regionCode)) throw invalid([{ path: 'regionCode', message: '交办单位不在您的受理范围内' }]);
  const assignee = await getRegion(db, input.regionCode);
  if (!assignee) throw invalid([{ path: 'regionCode', message: '区划不存在' }]);

  return inTransaction(db, async (trx) => {
    const t = (await findTicket(trx, id))!;
    if (t.version !== input.version) throw stale();
    const refusal = refusalOf('assign', t.state, actor.role);
    if (refusal) throw new AppError(refusal.status, [refusal.error]);
    const level = regionLevel(assignee.code);
    const kind = DEADLINE_KIND_OF[t.kind];
    const dueOn = dueDate(kind, today);
    const moved = await updateTicket(trx, t.id, t.version, {
      state: 'assigned', assigned_region_code: assignee.code, assigned_on: today, due_on: dueOn, supervising_level: level,
    });
    if (!moved) throw stale();
    await openDeadline(trx, {
      kind, openedOn: today, dueOn, countyCode: t.county_code, regionCode: t.region_code, householdId: null,
      subjectType: 'hotline_ticket', subjectId: t.id, responsibleRole: levelRole(level),
    });
    await insertTicketEvent(trx, {
      ticketId: t.id, action: 'assign', fromState: t.state, toState: 'assigned', occurredOn: today, actorId: actor.id, actorName: actor.displayName,
      note: `交办${assignee.name}，${dueOn}前答复${input.note ? `；${input.note}` : ''}`,
    });
    await appendAudit(trx, {
      actor, action: 'hotline_ticket.assign', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
      before: { state: t.state, version: t.version }, after: { state: 'assigned', assignedRegionCode: assignee.code, dueOn },
    });
    return ticketView(trx, actor, (await findTicket(trx, t.id))!, today);
  });
}
