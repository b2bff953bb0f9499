import type { Role } from './roles.ts';
import { Check, type FieldError } from './validation.ts';

/**
 * A workflow case as a state machine (OpenG2P style: ordered stages, each with the roles allowed
 * and its preconditions), checked on the server. The machine is pure: the use case gathers the
 * facts, asks `decide`, and writes what it answers in one transaction.
 */

export type CaseKind = 'identification' | 'elimination';

export interface StepFact {
  action: string;
  actorId: number;
  actorRole: string;
  occurredOn: string;
  data: Record<string, any>;
}

/** What the machine needs to know about a case and its household to judge a step. */
export interface CaseFacts {
  kind: CaseKind;
  state: string;
  source: string;
  leadOn: string;
  greenChannel: boolean;
  greenEnteredOn: string | null;
  /** The timeline so far, oldest first. */
  steps: StepFact[];
  /** Members counted by the latest verification assessment (Q15/Q17/Q18), who must consent (Q22). */
  countedMemberIds: number[];
  consentedMemberIds: number[];
  /** An unresolved disaster or accident risk is on record (green channel, Q29). */
  hasSuddenRisk: boolean;
  /** Whole-household no-labour fallback mark (Q34, Q35). */
  fallbackHousehold: boolean;
  identifiedOn: string | null;
  /** The engine's assessment as of today, filled in by the use case for county decisions. */
  currentAssessment?: AssessmentSummary;
}

export interface AssessmentSummary {
  recommendation: string | null;
  category: string | null;
  eligible: boolean | null;
  checks: { rule: string; passed: boolean; clause: string; message: string }[];
  reasons: { rule: string; clause: string; message: string }[];
}

export interface StepRequest {
  actor: { id: number; role: Role };
  today: string;
  data: unknown;
}

export interface Transition<D = any> {
  action: string;
  label: string;
  from: readonly string[];
  to: string | ((facts: CaseFacts, data: D) => string);
  roles: readonly Role[];
  /** Validates and normalises the step's input; report problems on `c`. */
  parse: (c: Check, raw: Record<string, unknown>, facts: CaseFacts, today: string) => D;
  /** Policy preconditions; each refusal names its clause. */
  guard?: (facts: CaseFacts, data: D, req: StepRequest) => FieldError[];
  /** Fields the body may carry besides `version`. */
  fields: readonly string[];
  /** Offered (workbench) only once this step was taken, e.g. the township confirms after the village (Q29). */
  after?: string;
}

export interface Machine {
  kind: CaseKind;
  /** States along the normal path, in order; terminal states come after. */
  path: readonly string[];
  terminal: readonly string[];
  stateNames: Record<string, string>;
  /** What is still missing in a state, with its clause (shown when a later step is tried too early). */
  pending: Record<string, string>;
  transitions: readonly Transition[];
}

export class CaseRefusal extends Error {
  constructor(
    readonly status: 400 | 403 | 409 | 422,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => e.message).join('；'));
  }
}

export interface Decision<D = any> {
  transition: Transition<D>;
  to: string;
  data: D;
}

export function transitionOf(machine: Machine, action: string): Transition | undefined {
  return machine.transitions.find((t) => t.action === action);
}

/** Judges one step: the role, the state, the input and the policy preconditions, in that order. */
export function decide(machine: Machine, facts: CaseFacts, action: string, req: StepRequest): Decision {
  const t = transitionOf(machine, action);
  if (!t) throw new CaseRefusal(400, [{ path: 'action', message: `未知的办理步骤：${action}` }]);
  if (!t.roles.includes(req.actor.role))
    throw new CaseRefusal(403, [{ path: '', message: `“${t.label}”须由${t.roles.map(roleName).join('、')}办理` }]);
  if (!t.from.includes(facts.state)) throw stateRefusal(machine, facts.state, t);
  const c = new Check();
  const raw = c.object('', req.data ?? {}, [...t.fields, 'version']) ?? {};
  const data = t.parse(c, raw, facts, req.today);
  if (!c.ok) throw new CaseRefusal(400, c.errors);
  const refusals = t.guard?.(facts, data, req) ?? [];
  if (refusals.length) throw new CaseRefusal(422, refusals);
  const to = typeof t.to === 'function' ? t.to(facts, data) : t.to;
  return { transition: t, to, data };
}

function stateRefusal(machine: Machine, state: string, t: Transition): CaseRefusal {
  const here = machine.path.indexOf(state);
  const firstFrom = Math.min(...t.from.map((s) => machine.path.indexOf(s)).filter((i) => i >= 0));
  const name = machine.stateNames[state] ?? state;
  // Too early: say what is still missing (with its clause). Too late or closed: a conflict.
  if (here >= 0 && here < firstFrom)
    return new CaseRefusal(422, [{ path: 'state', message: `当前为“${name}”，${machine.pending[state] ?? '前序步骤尚未完成'}，不能${t.label}` }]);
  return new CaseRefusal(409, [{ path: 'state', message: `案件当前为“${name}”，不能${t.label}（可能已由他人办理，请刷新）` }]);
}

/** Roles that can take some step from `state` (for the workbench). */
export function nextRoles(
  machine: Machine,
  state: string,
  facts?: Pick<CaseFacts, 'greenChannel'> & { steps?: readonly Pick<StepFact, 'action'>[] },
): Role[] {
  if (machine.terminal.includes(state)) return [];
  const done = new Set(facts?.steps?.map((s) => s.action));
  const roles = new Set<Role>();
  for (const t of machine.transitions) {
    if (!t.from.includes(state) || t.action.startsWith('close') || t.action.endsWith('return')) continue;
    // In the green channel every green step is past its prerequisite.
    if (t.after && !facts?.greenChannel && !done.has(t.after)) continue;
    for (const r of t.roles) roles.add(r);
  }
  return [...roles];
}

/** The main forward steps possible from `state` (labels for the case page). */
export function availableSteps(machine: Machine, state: string, role: Role): { action: string; label: string }[] {
  return machine.transitions
    .filter((t) => t.from.includes(state) && t.roles.includes(role))
    .map((t) => ({ action: t.action, label: t.label }));
}

const ROLE_NAMES: Partial<Record<Role, string>> = { village: '村级', township: '乡镇', county: '县级' };
function roleName(r: Role): string {
  return ROLE_NAMES[r] ?? r;
}

// ---- shared step parts (the identification and elimination procedures are the same, Q46) ----

export const lastStep = (facts: CaseFacts, action: string): StepFact | undefined =>
  [...facts.steps].reverse().find((s) => s.action === action);

export function dateNotAfterToday(c: Check, path: string, v: unknown, today: string, notBefore?: { on: string; what: string }) {
  const d = c.date(path, v, { required: true });
  if (d && d > today) c.fail(path, '不能晚于今天');
  if (d && notBefore && d < notBefore.on) c.fail(path, `不能早于${notBefore.what}（${notBefore.on}）`);
  return d;
}

export const requiredReason = (c: Check, raw: Record<string, unknown>) => c.string('reason', raw.reason, { required: true, max: 500 });
