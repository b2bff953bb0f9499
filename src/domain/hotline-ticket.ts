import { daysBetween, type DeadlineKind } from './deadlines.ts';
import { idNumberProblem } from './id-number.ts';
import { isInSubtree, isRegionCode, LEVEL_NAMES, regionLevel, type RegionLevel } from './region-code.ts';
import { ROLE_LEVEL, type Role } from './roles.ts';
import { Check, type FieldError } from './validation.ts';

/**
 * 12317 tickets (WRN-2, Q52): the platform accepts (受理), assigns (交办), supervises (督办:
 * an overdue ticket is escalated one region level up per time limit it stays unanswered) and
 * records the requester's evaluation (评价). A consultation is answered; a self-report starts an
 * identification case (PRC-1); a tip-off about 应纳未纳 or 体外循环 (Q21) starts a verification
 * task for the village. Pure rules: callers pass the dates and the facts.
 *
 *   accepted ──assign──▶ assigned ──reply──▶ replied ──evaluate 满意/基本满意──▶ closed ──archive──▶ archived
 *                           ▲                    │
 *                           └── 不满意 (once) ───┘   (a second 不满意 closes the ticket)
 */

export const TICKET_KINDS = ['consultation', 'self_report', 'tip_off'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_KIND_NAMES: Record<TicketKind, string> = {
  consultation: '政策咨询',
  self_report: '申报监测对象',
  tip_off: '问题线索举报',
};

/** What a tip-off is about (Q21). */
export const TIP_KINDS = ['missed_inclusion', 'outside_mechanism', 'other'] as const;
export type TipKind = (typeof TIP_KINDS)[number];
export const TIP_KIND_NAMES: Record<TipKind, string> = {
  missed_inclusion: '应纳未纳',
  outside_mechanism: '体外循环',
  other: '其他问题',
};
/** The tips the village verifies in person (WRN-2): a household with risk left outside the mechanism. */
export const VERIFIED_TIP_KINDS: readonly TipKind[] = ['missed_inclusion', 'outside_mechanism'];

export const TICKET_STATES = ['accepted', 'assigned', 'replied', 'closed', 'archived'] as const;
export type TicketState = (typeof TICKET_STATES)[number];
export const TICKET_STATE_NAMES: Record<TicketState, string> = {
  accepted: '已受理，待交办',
  assigned: '已交办，待答复',
  replied: '已答复，待评价',
  closed: '已办结',
  archived: '已归档',
};

export const EVALUATIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Evaluation = (typeof EVALUATIONS)[number];
export const EVALUATION_NAMES: Record<Evaluation, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
/** A 不满意 sends the ticket back to the assignee this many times; the next one closes it. */
export const MAX_REOPENS = 1;

export const TICKET_ACTIONS = ['accept', 'assign', 'reply', 'evaluate', 'archive', 'escalate'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];
export const TICKET_ACTION_NAMES: Record<TicketAction, string> = {
  accept: '受理登记',
  assign: '交办',
  reply: '答复',
  evaluate: '记录评价',
  archive: '归档',
  escalate: '逾期提级督办',
};

/**
 * Which role takes which action, from which states. The operator accepts, assigns, records the
 * requester's evaluation and archives; the township or county it was assigned to answers; the
 * deadline scheduler (no user role) escalates.
 */
export const TICKET_TRANSITIONS: Record<TicketAction, { from: readonly (TicketState | null)[]; roles: readonly Role[] }> = {
  accept: { from: [null], roles: ['hotline'] },
  assign: { from: ['accepted'], roles: ['hotline'] },
  reply: { from: ['assigned'], roles: ['township', 'county'] },
  evaluate: { from: ['replied'], roles: ['hotline'] },
  archive: { from: ['closed'], roles: ['hotline'] },
  escalate: { from: ['assigned'], roles: [] },
};

export interface TicketRefusal {
  status: 403 | 409;
  error: FieldError;
}

const names = (roles: readonly Role[]) => roles.map((r) => ROLE_DISPLAY[r] ?? r).join('、');
const ROLE_DISPLAY: Partial<Record<Role, string>> = { hotline: '12317坐席', township: '乡镇', county: '县级' };

/** Why `role` may not take `action` on a ticket in `state`, or null when it may. */
export function refusalOf(action: TicketAction, state: TicketState | null, role: Role | null): TicketRefusal | null {
  const t = TICKET_TRANSITIONS[action];
  if (role !== null && !t.roles.includes(role))
    return { status: 403, error: { path: '', message: `“${TICKET_ACTION_NAMES[action]}”须由${names(t.roles) || '系统'}办理` } };
  if (!t.from.includes(state))
    return {
      status: 409,
      error: { path: 'state', message: `工单当前为“${state ? TICKET_STATE_NAMES[state] : '未受理'}”，不能${TICKET_ACTION_NAMES[action]}（可能已由他人办理，请刷新）` },
    };
  return null;
}

/** The actions `role` can take now (shown as buttons; the server checks again). */
export function availableActions(state: TicketState, role: Role): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => a !== 'accept' && a !== 'escalate' && refusalOf(a, state, role) === null);
}

/** Where an evaluation leaves the ticket: 不满意 reopens it once, otherwise (and the second time) it closes. */
export function afterEvaluation(evaluation: Evaluation, reopenCount: number): { to: 'assigned' | 'closed'; reopen: boolean } {
  if (evaluation === 'dissatisfied' && reopenCount < MAX_REOPENS) return { to: 'assigned', reopen: true };
  return { to: 'closed', reopen: false };
}

/** The time limit of each kind (Q52; the numbers are dated parameters, docs/intake.md says why). */
export const DEADLINE_KIND_OF: Record<TicketKind, DeadlineKind> = {
  consultation: 'hotline_consultation',
  self_report: 'hotline_self_report',
  tip_off: 'hotline_tip_off',
};

// ---- assignment and supervision -----------------------------------------------------------

/** A ticket goes to a township or a county (交办); supervision climbs from there to the province. */
export const ASSIGNEE_LEVELS: readonly RegionLevel[] = [3, 4];
export const TOP_SUPERVISING_LEVEL: RegionLevel = 1;
/** The role that answers for a region level (the deadline's responsible role). */
export const LEVEL_ROLE: Record<number, Role> = { 1: 'province', 2: 'city', 3: 'county', 4: 'township' };

export function levelRole(level: number): Role {
  const role = LEVEL_ROLE[level];
  if (!role) throw new Error(`no role answers for level ${level}`);
  return role;
}

/** "县级督办" for the supervising level, or "乡镇办理" when nobody above presses yet. */
export function supervisionName(supervisingLevel: number | null, assigneeLevel: number | null): string | null {
  if (supervisingLevel === null || assigneeLevel === null) return null;
  const name = LEVEL_NAMES[supervisingLevel as RegionLevel] ?? String(supervisingLevel);
  return supervisingLevel < assigneeLevel ? `${name}级督办` : `${LEVEL_NAMES[assigneeLevel as RegionLevel]}办理`;
}

/** Problems with assigning a ticket about `ticketRegion` to `assignee` (its own township or county). */
export function assigneeProblem(ticketRegion: string, assignee: string): string | null {
  if (!isRegionCode(assignee)) return '交办单位应为12位区划代码';
  if (!(ASSIGNEE_LEVELS as readonly number[]).includes(regionLevel(assignee))) return '只能交办到县或乡镇';
  if (!isInSubtree(assignee, ticketRegion)) return '交办单位须为工单所涉地区所属的乡镇或县';
  return null;
}

/**
 * The supervising level an assigned ticket should be at on `today` (督办): its assignee's level
 * until the due date; one level up the day after it passes, and one more each further time
 * limit (`periodDays`, the kind's limit) it stays unanswered, at most the province. The
 * scheduler only ever raises a ticket to this level, never lowers it.
 */
export function supervisingLevelOn(t: { assigneeLevel: number; dueOn: string; periodDays: number }, today: string): number {
  const overdue = daysBetween(t.dueOn, today);
  if (overdue <= 0) return t.assigneeLevel;
  const steps = 1 + Math.floor((overdue - 1) / Math.max(1, t.periodDays));
  return Math.max(TOP_SUPERVISING_LEVEL, t.assigneeLevel - steps);
}

// ---- who sees a ticket ----------------------------------------------------------------------

export interface TicketPlace {
  regionCode: string;
  assignedRegionCode: string | null;
  supervisingLevel: number | null;
}

/**
 * Who reads a ticket: the operator every ticket of its region; a township or county the tickets
 * assigned in its subtree; the city, province and national level the tickets escalated to their
 * level (or higher) in their subtree. Nobody else.
 */
export function ticketVisibleTo(viewer: { role: Role; regionCode: string }, t: TicketPlace): boolean {
  switch (viewer.role) {
    case 'hotline':
      return isInSubtree(viewer.regionCode, t.regionCode);
    case 'township':
    case 'county':
      return t.assignedRegionCode !== null && isInSubtree(viewer.regionCode, t.assignedRegionCode);
    case 'city':
    case 'province':
    case 'national':
      return t.supervisingLevel !== null && t.supervisingLevel <= ROLE_LEVEL[viewer.role]! && isInSubtree(viewer.regionCode, t.regionCode);
    default:
      return false;
  }
}

// ---- numbers and messages -------------------------------------------------------------------

/** 12317-YYYYMMDD-NNNN: the accepting day and its running number (more digits past 9999). */
export function ticketNumber(acceptedOn: string, seq: number): string {
  return `12317-${acceptedOn.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
}

/** The text the caller receives when the ticket is answered: no personal data, only where to ask (Q47). */
export function replyMessage(ticketNo: string, assigneeName: string): string {
  return `【12317】您反映的事项（工单号${ticketNo}）已由${assigneeName}答复。了解答复内容或对办理情况进行评价，请拨打12317。`;
}

// ---- input ----------------------------------------------------------------------------------

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export interface AcceptInput {
  kind: TicketKind;
  tipKind: TipKind | null;
  callerName: string | null;
  callerPhone: string;
  content: string;
  regionCode: string;
  subjectName: string | null;
  subjectIdNumber: string | null;
}

export const ACCEPT_FIELDS = ['kind', 'tipKind', 'callerName', 'callerPhone', 'content', 'regionCode', 'subjectName', 'subjectIdNumber'];

/**
 * The 受理登记 form. A call always comes from a number (the reply is sent there); the caller may
 * stay anonymous. A tip-off names its kind; a self-report names the person it is for (the ID
 * number finds the household); a self-report or tip-off is about a village, a consultation about
 * a county or any place below.
 */
export function checkAccept(raw: unknown): { input: AcceptInput | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ACCEPT_FIELDS) ?? {};
  const kind = c.oneOf('kind', o.kind, TICKET_KINDS);
  let tipKind: TipKind | null = null;
  if (kind === 'tip_off') {
    if (o.tipKind === undefined || o.tipKind === null || o.tipKind === '') c.fail('tipKind', '举报类工单须选择举报类别：应纳未纳、体外循环或其他问题（Q21）');
    else tipKind = c.oneOf('tipKind', o.tipKind, TIP_KINDS);
  }
  else if (o.tipKind !== undefined && o.tipKind !== null && o.tipKind !== '') c.fail('tipKind', '只有举报类工单须选择举报类别');
  const callerName = c.string('callerName', o.callerName, { max: 50 });
  const callerPhone = c.string('callerPhone', o.callerPhone, { required: true, max: 20 });
  if (callerPhone && !PHONE.test(callerPhone)) c.fail('callerPhone', '来电号码格式不正确（手机号或带区号的固定电话）');
  const content = c.string('content', o.content, { required: true, max: 2000 });
  const regionCode = c.string('regionCode', o.regionCode, { required: true, max: 12 });
  if (regionCode) {
    if (!isRegionCode(regionCode)) c.fail('regionCode', '区划代码应为12位数字');
    else if (kind && kind !== 'consultation' && regionLevel(regionCode) !== 5) c.fail('regionCode', `${TICKET_KIND_NAMES[kind]}须选到村`);
    else if (regionLevel(regionCode) < 3) c.fail('regionCode', '请至少选到县');
  }
  const needsSubject = kind === 'self_report';
  const subjectName = c.string('subjectName', o.subjectName, { max: 50, required: needsSubject });
  const subjectIdNumber = c.string('subjectIdNumber', o.subjectIdNumber, { max: 18, required: needsSubject })?.toUpperCase() ?? null;
  if (subjectIdNumber) {
    const problem = idNumberProblem(subjectIdNumber);
    if (problem) c.fail('subjectIdNumber', problem);
  }
  if (!c.ok) return { input: null, errors: c.errors };
  return {
    input: { kind: kind!, tipKind, callerName, callerPhone: callerPhone!, content: content!, regionCode: regionCode!, subjectName, subjectIdNumber },
    errors: [],
  };
}

/** The version a change was read at: every change after acceptance carries it (409 when stale). */
function version(c: Check, o: Record<string, unknown>): number | null {
  return c.integer('version', o.version, { required: true, min: 1 });
}

export function checkAssign(raw: unknown): { input: { version: number; regionCode: string; note: string | null } | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['version', 'regionCode', 'note']) ?? {};
  const v = version(c, o);
  const regionCode = c.string('regionCode', o.regionCode, { required: true, max: 12 });
  if (regionCode && !isRegionCode(regionCode)) c.fail('regionCode', '交办单位应为12位区划代码');
  const note = c.string('note', o.note, { max: 500 });
  return c.ok ? { input: { version: v!, regionCode: regionCode!, note }, errors: [] } : { input: null, errors: c.errors };
}

export function checkReply(raw: unknown): { input: { version: number; reply: string } | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['version', 'reply']) ?? {};
  const v = version(c, o);
  const reply = c.string('reply', o.reply, { required: true, max: 2000 });
  return c.ok ? { input: { version: v!, reply: reply! }, errors: [] } : { input: null, errors: c.errors };
}

export function checkEvaluate(raw: unknown): { input: { version: number; evaluation: Evaluation; note: string | null } | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['version', 'evaluation', 'note']) ?? {};
  const v = version(c, o);
  const evaluation = c.oneOf('evaluation', o.evaluation, EVALUATIONS);
  // A 不满意 sends the ticket back: the assignee must learn what the requester found wanting.
  const note = c.string('note', o.note, { max: 500 });
  if (evaluation === 'dissatisfied' && !note && !c.errors.some((e) => e.path === 'note')) c.fail('note', '不满意须记录原因（退回办理单位重办时告知）');
  return c.ok ? { input: { version: v!, evaluation: evaluation!, note }, errors: [] } : { input: null, errors: c.errors };
}

export function checkArchive(raw: unknown): { input: { version: number } | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw ?? {}, ['version']) ?? {};
  const v = version(c, o);
  return c.ok ? { input: { version: v! }, errors: [] } : { input: null, errors: c.errors };
}
