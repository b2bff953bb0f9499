import { TICKET_KINDS, TICKET_STATES } from '../../domain/hotline-ticket.ts';
import { ROLE_LEVEL } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import { listTickets as listTicketRows, TICKET_COUNT_CAP, type TicketScope } from '../../store/hotline.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid } from '../errors.ts';
import { ticketListItem } from './ticket-view.ts';

export interface TicketListQuery {
  state?: string;
  kind?: string;
  overdue?: string;
  escalated?: string;
  page?: string | number;
  pageSize?: string | number;
}

/**
 * 工单队列 (WRN-2): the operator's tickets of its region, those waiting to be assigned first,
 * then by due date; a township's or county's the tickets assigned in its subtree; a city's,
 * province's or the national level's the tickets escalated to its level (督办). `overdue`:
 * assigned and past the due date; `escalated`: raised above the assignee and still unanswered.
 */
export async function listTickets(db: Db, actor: Actor, q: TicketListQuery, today: string) {
  authorize(actor, 'ticket:read');
  const c = new Check();
  if (q.state !== undefined) c.oneOf('state', q.state, TICKET_STATES);
  if (q.kind !== undefined) c.oneOf('kind', q.kind, TICKET_KINDS);
  if (q.overdue !== undefined) c.oneOf('overdue', q.overdue, ['true', 'false'] as const);
  if (q.escalated !== undefined) c.oneOf('escalated', q.escalated, ['true', 'false'] as const);
  const page = q.page === undefined ? 1 : Number(q.page);
  const pageSize = q.pageSize === undefined ? 20 : Number(q.pageSize);
  if (!Number.isInteger(page) || page < 1) c.fail('page', '应为正整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) c.fail('pageSize', '应为1至200的整数');
  if (!c.ok) throw invalid(c.errors);

  const scope = scopeOf(actor);
  const { rows, total } = await listTicketRows(db, {
    scope, state: q.state, kind: q.kind, overdue: q.overdue === 'true', escalated: q.escalated === 'true', today,
    limit: pageSize, offset: (page - 1) * pageSize,
  });
  return {
    total,
    totalCapped: total > TICKET_COUNT_CAP,
    page,
    pageSize,
    view: scope.by,
    items: rows.map((r) => ticketListItem(r, today)),
  };
}

/** The list each role works from (`ticketVisibleTo` in src/domain/hotline-ticket.ts). */
function scopeOf(actor: Actor): TicketScope {
  const scope = scopePattern(actor);
  if (actor.role === 'hotline') return { by: 'region', scope };
  if (actor.role === 'township' || actor.role === 'county') return { by: 'assigned', scope };
  return { by: 'supervised', scope, level: ROLE_LEVEL[actor.role]! };
}
