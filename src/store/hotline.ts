import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import { ticketNumber } from '../domain/hotline-ticket.ts';
import type { DB, HotlineTicketTable } from './schema.ts';
import { seal } from './sealed.ts';
import type { Db, Tx } from './transaction.ts';

/** 12317 tickets and their events (WRN-2). Caller, content, subject ID number, reply and notes are sealed. */
export type TicketRow = Selectable<HotlineTicketTable>;

/** Serialises the numbering of one day's tickets (held until commit). */
const TICKET_NUMBER_LOCK = 7340317;

/** The next free 12317-YYYYMMDD-NNNN of `acceptedOn`, inside the caller's transaction. */
export async function nextTicketNumber(trx: Tx, acceptedOn: string): Promise<string> {
  await sql`select pg_advisory_xact_lock(${TICKET_NUMBER_LOCK})`.execute(trx);
  const prefix = ticketNumber(acceptedOn, 0).slice(0, -4);
  const r = await sql<{ n: number | null }>`select max(substr(ticket_no, ${prefix.length + 1})::int) as n
    from hotline_ticket where ticket_no like ${`${prefix}%`}`.execute(trx);
  return ticketNumber(acceptedOn, (r.rows[0]?.n ?? 0) + 1);
}

export interface NewTicket {
  ticketNo: string;
  kind: TicketRow['kind'];
  tipKind: TicketRow['tip_kind'];
  callerName: string | null;
  callerPhone: string;
  content: string;
  subjectName: string | null;
  subjectIdNumber: string | null;
  subjectBidx: string | null;
  regionCode: string;
  countyCode: string;
  acceptedBy: number;
  acceptedOn: string;
}

export async function insertTicket(trx: Tx, t: NewTicket): Promise<TicketRow> {
  return trx
    .insertInto('hotline_ticket')
    .values({
      ticket_no: t.ticketNo, kind: t.kind, tip_kind: t.tipKind, caller_name: seal(trx, t.callerName), caller_phone: seal(trx, t.callerPhone),
      content: seal(trx, t.content), subject_name: t.subjectName, subject_id_number: seal(trx, t.subjectIdNumber), subject_bidx: t.subjectBidx,
      region_code: t.regionCode, county_code: t.countyCode, accepted_by: t.acceptedBy, accepted_on: t.acceptedOn,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTicket(db: Db, id: number): Promise<TicketRow | undefined> {
  return db.selectFrom('hotline_ticket').selectAll().where('id', '=', id).executeTakeFirst();
}

export type TicketChange = Partial<{
  state: TicketRow['state'];
  assigned_region_code: string | null;
  assigned_on: string | null;
  due_on: string | null;
  supervising_level: number | null;
  escalations: number;
  reply: string | null;
  replied_on: string | null;
  replied_by: number | null;
  evaluation: TicketRow['evaluation'];
  evaluated_on: string | null;
  reopen_count: number;
  case_id: number | null;
  task_id: number | null;
  closed_on: string | null;
  archived_on: string | null;
}>;

/** Changes a ticket if nobody changed it since `version` was read; false means a concurrent change (409). */
export async function updateTicket(trx: Tx, id: number, version: number, set: TicketChange): Promise<boolean> {
  const res = await trx
    .updateTable('hotline_ticket')
    .set({ ...set, ...(set.reply !== undefined ? { reply: seal(trx, set.reply) } : {}), version: version + 1, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface NewTicketEvent {
  ticketId: number;
  action: string;
  fromState: string | null;
  toState: string;
  occurredOn: string;
  actorId: number | null;
  actorName: string;
  note: string | null;
}

export async function insertTicketEvent(trx: Tx, e: NewTicketEvent): Promise<void> {
  await trx
    .insertInto('hotline_ticket_event')
    .values({
      ticket_id: e.ticketId, action: e.action, from_state: e.fromState, to_state: e.toState, occurred_on: e.occurredOn,
      actor_id: e.actorId, actor_name: e.actorName, note: seal(trx, e.note),
    })
    .execute();
}

export async function ticketEvents(db: Db, ticketId: number) {
  return db.selectFrom('hotline_ticket_event').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
}

/** Names of regions, by code (the ticket's place and its assignee). */
export async function regionNames(db: Db, codes: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => !!c))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('region').select(['code', 'name']).where('code', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/**
 * Which tickets a list shows (src/domain/hotline-ticket.ts `ticketVisibleTo`, as SQL): the
 * operator's by the ticket's region, an assignee's by the assigned region, a supervisor's by
 * region and a supervising level at or above its own.
 */
export type TicketScope =
  | { by: 'region'; scope: string }
  | { by: 'assigned'; scope: string }
  | { by: 'supervised'; scope: string; level: number };

export interface TicketListFilter {
  scope: TicketScope;
  state?: string;
  kind?: string;
  overdue?: boolean;
  /** Only tickets escalated above their assignee. */
  escalated?: boolean;
  today: string;
  limit: number;
  offset: number;
}

function ticketFilter(f: TicketListFilter) {
  return (eb: ExpressionBuilder<DB & { t: DB['hotline_ticket'] }, 't'>) => {
    const s = f.scope;
    const and: Expression<SqlBool>[] = [];
    if (s.by === 'assigned') and.push(eb('t.assigned_region_code', 'like', s.scope));
    else and.push(eb('t.region_code', 'like', s.scope));
    if (s.by === 'supervised') and.push(eb('t.supervising_level', '<=', s.level));
    if (f.state) and.push(eb('t.state', '=', f.state as TicketRow['state']));
    if (f.kind) and.push(eb('t.kind', '=', f.kind as TicketRow['kind']));
    if (f.overdue) and.push(eb('t.state', '=', 'assigned'), eb('t.due_on', '<', f.today));
    if (f.escalated) and.push(eb('t.escalations', '>', 0), eb('t.state', '=', 'assigned'));
    return eb.and(and);
  };
}

export const TICKET_COUNT_CAP = 2_000;

/** Tickets of a list, nearest due date first (tickets still to be assigned first of all, then by number). */
export async function listTickets(db: Db, f: TicketListFilter) {
  const base = db.selectFrom('hotline_ticket as t').where(ticketFilter(f));
  const [rows, count] = await Promise.all([
    base
      .leftJoin('region as r', 'r.code', 't.region_code')
      .leftJoin('region as a', 'a.code', 't.assigned_region_code')
      .select([
        't.id', 't.ticket_no', 't.kind', 't.tip_kind', 't.region_code', 'r.name as region_name', 't.state', 't.assigned_region_code',
        'a.name as assigned_region_name', 'a.level as assigned_level', 't.assigned_on', 't.due_on', 't.supervising_level', 't.escalations',
        't.evaluation', 't.reopen_count', 't.accepted_on', 't.replied_on', 't.closed_on', 't.version',
      ])
      .orderBy(sql`case t.state when 'accepted' then 0 when 'assigned' then 1 when 'replied' then 2 else 3 end`)
      .orderBy(sql`t.due_on asc nulls last`)
      .orderBy('t.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    db
      .selectFrom(base.select(sql.lit(1).as('one')).limit(TICKET_COUNT_CAP + 1).as('x'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Assigned tickets past their due date on `today`, with their open deadline (escalation, 督办). */
export async function overdueAssignedTickets(trx: Tx, today: string) {
  return trx
    .selectFrom('hotline_ticket as t')
    .innerJoin('deadline as d', (j) =>
      j.on('d.subject_type', '=', 'hotline_ticket').onRef('d.subject_id', '=', 't.id').on('d.closed_on', 'is', null),
    )
    .innerJoin('region as a', 'a.code', 't.assigned_region_code')
    .select(['t.id', 't.ticket_no', 't.county_code', 't.supervising_level', 't.escalations', 't.due_on', 't.version', 'a.level as assigned_level',
      'd.id as deadline_id', 'd.opened_on', 'd.due_on as deadline_due_on'])
    .where('t.state', '=', 'assigned')
    .where('t.due_on', '<', today)
    .orderBy('t.id')
    .forUpdate('t')
    .execute();
}

/** Raises the responsible role of a ticket's open deadline (it shows on that level's workbench). */
export async function raiseDeadline(trx: Tx, deadlineId: number, role: string): Promise<void> {
  await trx.updateTable('deadline').set({ responsible_role: role, escalated: true }).where('id', '=', deadlineId).execute();
}

/** Records the case or task a ticket started (written with the ticket, so its version stays 1). */
export async function linkTicket(trx: Tx, id: number, link: { caseId: number | null; taskId: number | null }): Promise<void> {
  await trx.updateTable('hotline_ticket').set({ case_id: link.caseId, task_id: link.taskId }).where('id', '=', id).execute();
}
