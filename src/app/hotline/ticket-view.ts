import { DEADLINE_RULES, daysLeftText, deadlineStatus } from '../../domain/deadlines.ts';
import {
  ASSIGNEE_LEVELS, availableActions, DEADLINE_KIND_OF, EVALUATION_NAMES, supervisionName, TICKET_ACTION_NAMES, TICKET_KIND_NAMES,
  TICKET_STATE_NAMES, ticketVisibleTo, TIP_KIND_NAMES, type TicketAction, type TicketState,
} from '../../domain/hotline-ticket.ts';
import { maskIdNumber, maskPhone } from '../../domain/masking.ts';
import { isInSubtree, LEVEL_NAMES, padRegionCode, regionLevel, type RegionLevel } from '../../domain/region-code.ts';
import { findTicket, regionNames, ticketEvents, type TicketRow } from '../../store/hotline.ts';
import { regionPath } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { can } from '../authz.ts';
import { forbidden, notFound } from '../errors.ts';
import { viewerOf, viewText } from '../privacy.ts';

const NOT_FOUND = '工单不存在，或未交办本单位、未提级至本级督办';

/**
 * The ticket if the actor may read it (`ticketVisibleTo`). Any other ticket is answered as one
 * that does not exist: a township must not learn that a tip about it was given to its county.
 */
export async function loadVisibleTicket(db: Db, actor: Actor, id: number): Promise<TicketRow> {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound(NOT_FOUND);
  const t = await findTicket(db, id);
  if (!t || !ticketVisibleTo(actor, placeOf(t))) throw notFound(NOT_FOUND);
  return t;
}

export const placeOf = (t: TicketRow) => ({ regionCode: t.region_code, assignedRegionCode: t.assigned_region_code, supervisingLevel: t.supervising_level });

/** The assignee answers: the township or county the ticket was assigned to, nobody else (not even its county). */
export function assertAssignee(actor: Actor, t: TicketRow, assigneeName: string | null) {
  if (t.assigned_region_code !== actor.regionCode)
    throw forbidden(`该工单已交办${assigneeName ?? '其他单位'}，须由其答复`);
}

/**
 * Where the message to a tip-off's caller is filed: the province, above every township, county
 * and city the tip may be about, so no list of theirs shows even the masked number of a
 * tipster (Q52). Other tickets' messages are filed under the ticket's place.
 */
export const messageRegionOf = (t: Pick<TicketRow, 'kind' | 'region_code'>) =>
  t.kind === 'tip_off' ? padRegionCode(t.region_code.slice(0, 2)) : t.region_code;

function dueFields(t: Pick<TicketRow, 'state' | 'due_on'>, today: string) {
  const open = t.state === 'assigned' && t.due_on;
  return {
    dueOn: t.due_on,
    dueStatus: open ? deadlineStatus(t.due_on!, today) : null,
    daysLeftText: open ? daysLeftText(t.due_on!, today) : null,
  };
}

const levelOf = (code: string | null) => (code ? regionLevel(code) : null);

/** One row of a ticket list: no caller, no content (the detail shows what the reader may see). */
export function ticketListItem(
  r: Pick<TicketRow, 'id' | 'ticket_no' | 'kind' | 'tip_kind' | 'region_code' | 'state' | 'assigned_region_code' | 'assigned_on' | 'due_on'
    | 'supervising_level' | 'escalations' | 'evaluation' | 'reopen_count' | 'accepted_on' | 'replied_on' | 'closed_on' | 'version'>
    & { region_name: string | null; assigned_region_name: string | null },
  today: string,
) {
  const assigneeLevel = levelOf(r.assigned_region_code);
  return {
    id: r.id,
    ticketNo: r.ticket_no,
    kind: r.kind,
    kindName: TICKET_KIND_NAMES[r.kind],
    tipKind: r.tip_kind,
    tipKindName: r.tip_kind ? TIP_KIND_NAMES[r.tip_kind] : null,
    regionCode: r.region_code,
    regionName: r.region_name,
    state: r.state,
    stateName: TICKET_STATE_NAMES[r.state],
    assignedRegionCode: r.assigned_region_code,
    assignedRegionName: r.assigned_region_name,
    assignedOn: r.assigned_on,
    ...dueFields(r, today),
    supervisingLevel: r.supervising_level,
    supervisionName: supervisionName(r.supervising_level, assigneeLevel),
    escalations: r.escalations,
    evaluation: r.evaluation,
    evaluationName: r.evaluation ? EVALUATION_NAMES[r.evaluation] : null,
    reopenCount: r.reopen_count,
    acceptedOn: r.accepted_on,
    repliedOn: r.replied_on,
    closedOn: r.closed_on,
    version: r.version,
  };
}

/**
 * The ticket as the actor may see it, with its events. The caller's name and number are the
 * operator's alone (`ticket:read_caller`): every other reader gets no caller field at all, not
 * even masked. The operator sees the number masked unless it asked to reveal it (audited by
 * get-ticket). The subject's ID number is always masked; free text is redacted as for any
 * record of the place (SEC-3).
 */
export async function ticketView(db: Db, actor: Actor, t: TicketRow, today: string, opts: { revealCaller?: boolean } = {}) {
  const names = await regionNames(db, [t.region_code, t.assigned_region_code]);
  const events = await ticketEvents(db, t.id);
  const viewer = viewerOf(actor, t.region_code);
  const seesCaller = can(actor, 'ticket:read_caller', t.region_code);
  const assigneeLevel = levelOf(t.assigned_region_code);
  const assignedRegionName = t.assigned_region_code ? names.get(t.assigned_region_code) ?? null : null;
  const actions = availableActions(t.state as TicketState, actor.role).filter(
    (a) => a !== 'reply' || t.assigned_region_code === actor.regionCode,
  );
  const deadline = DEADLINE_RULES[DEADLINE_KIND_OF[t.kind]];
  return {
    ...ticketListItem({ ...t, region_name: names.get(t.region_code) ?? null, assigned_region_name: assignedRegionName }, today),
    ...(seesCaller
      ? {
          callerName: t.caller_name,
          callerPhone: t.caller_phone ? (opts.revealCaller ? t.caller_phone : maskPhone(t.caller_phone)) : null,
          callerRevealed: !!opts.revealCaller,
        }
      : {}),
    content: viewText(viewer, t.content),
    subjectName: t.subject_name,
    subjectIdNumber: t.subject_id_number ? maskIdNumber(t.subject_id_number) : null,
    regionPath: await regionPath(db, t.region_code),
    assigneeLevelName: assigneeLevel ? LEVEL_NAMES[assigneeLevel] : null,
    timeLimit: `${deadline.label}，${deadline.clause}`,
    reply: viewText(viewer, t.reply),
    repliedOn: t.replied_on,
    evaluatedOn: t.evaluated_on,
    archivedOn: t.archived_on,
    caseId: t.case_id,
    taskId: t.task_id,
    actions: actions.map((a: TicketAction) => ({ action: a, label: TICKET_ACTION_NAMES[a] })),
    assignOptions: actions.includes('assign') ? await assignOptions(db, actor, t.region_code) : [],
    events: events.map((e) => ({
      id: e.id,
      action: e.action,
      actionName: TICKET_ACTION_NAMES[e.action as TicketAction] ?? e.action,
      fromState: e.from_state,
      toState: e.to_state,
      toStateName: TICKET_STATE_NAMES[e.to_state as TicketState] ?? e.to_state,
      occurredOn: e.occurred_on,
      actorName: e.actor_name,
      note: viewText(viewer, e.note),
      at: e.at,
    })),
  };
}

export type TicketView = Awaited<ReturnType<typeof ticketView>>;
export type TicketListItem = ReturnType<typeof ticketListItem>;

/** Where the operator may assign a ticket: the township and the county of its place, within the operator's region. */
export async function assignOptions(db: Db, actor: Actor, regionCode: string) {
  const path = await regionPath(db, regionCode);
  return path
    .filter((r) => (ASSIGNEE_LEVELS as readonly number[]).includes(r.level) && isInSubtree(actor.regionCode, r.code))
    .map((r) => ({ code: r.code, name: r.name, level: r.level, levelName: LEVEL_NAMES[r.level as RegionLevel] }))
    .sort((a, b) => b.level - a.level);
}
