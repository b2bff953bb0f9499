import { maskIdNumber } from '../../domain/masking.ts';
import { DEPARTMENT_KIND_NAMES, type DepartmentKind } from '../../domain/roles.ts';
import { TASK_STATE_NAMES, type TaskState } from '../../domain/verification-task.ts';
import { QUEUE_STATE_NAMES, WARNING_CHANNEL_NAMES, WARNING_OUTCOME_NAMES, WARNING_TYPE_NAMES, WARNING_TYPES, warningTypesOf } from '../../domain/warnings.ts';
import { listWarnings as listWarningRows } from '../../store/warnings.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can, scopePattern } from '../authz.ts';

export interface WarningListQuery {
  outcome?: string;
  queue?: string;
  page?: string;
  pageSize?: string;
}

/**
 * Warnings received in the actor's region: a department sees its own kind's, with how many
 * became tasks, were merged or name persons not in the registry (WRN-1, WRN-6); the county
 * works the queue of the unknown ones (`queue=pending`). Full ID numbers only for those who
 * locate people (the county's queue); everyone else sees them masked.
 */
export async function listDepartmentWarnings(db: Db, actor: Actor, q: WarningListQuery) {
  authorize(actor, 'warning:read');
  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 50);
  const { rows, total, counts } = await listWarningRows(db, {
    scope: scopePattern(actor), departmentKind: actor.role === 'department' ? actor.departmentKind : null,
    outcome: q.outcome, queueState: q.queue, offset: (page - 1) * pageSize, limit: pageSize,
  });
  const reveal = can(actor, 'warning:queue');
  return {
    total, page, pageSize, counts,
    items: rows.map((w) => ({
      id: Number(w.id), departmentKind: w.department_kind, departmentName: DEPARTMENT_KIND_NAMES[w.department_kind as DepartmentKind] ?? w.department_kind,
      type: w.type, typeName: WARNING_TYPE_NAMES[w.type] ?? w.type, channel: w.channel, channelName: WARNING_CHANNEL_NAMES[w.channel],
      personName: w.person_name, idNumber: reveal && w.queue_state === 'pending' ? w.id_number : maskIdNumber(w.id_number),
      warnedOn: w.warned_on, sourceRef: w.source_ref, regionCode: w.region_code, regionName: w.region_name,
      outcome: w.outcome, outcomeName: WARNING_OUTCOME_NAMES[w.outcome], taskId: w.task_id, taskState: w.task_state,
      taskStateName: w.task_state ? TASK_STATE_NAMES[w.task_state as TaskState] : null,
      queueState: w.queue_state, queueStateName: w.queue_state ? QUEUE_STATE_NAMES[w.queue_state] : null, queueReason: w.queue_reason,
      householdId: w.household_id, receivedAt: w.received_at, version: w.version,
    })),
  };
}

/** The warning types the actor's department may push (all types for the others, to read lists). */
export function warningTypes(actor: Actor) {
  authorize(actor, 'warning:read');
  const codes = actor.role === 'department' ? warningTypesOf(actor.departmentKind) : (Object.keys(WARNING_TYPES) as (keyof typeof WARNING_TYPES)[]);
  return {
    departmentKind: actor.departmentKind,
    types: codes.map((code) => ({ code, label: WARNING_TYPES[code].label, departmentKind: WARNING_TYPES[code].department, departmentName: DEPARTMENT_KIND_NAMES[WARNING_TYPES[code].department] })),
  };
}
