import { dueDate } from '../../domain/deadlines.ts';
import { WARNING_TYPE_NAMES } from '../../domain/warnings.ts';
import { appendAudit } from '../../store/audit.ts';
import { openDeadline } from '../../store/deadlines.ts';
import { openOrMergeTask, type NewTask } from '../../store/verification-tasks.ts';
import type { Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';

export type TaskLead = Omit<NewTask, 'dueOn'>;

/**
 * Opens a verification task for the responsible village (Q43), or merges the lead into the open
 * task of the same person and type (WRN-1). A new task gets its deadline (verification_task,
 * from the lead date), which puts it on the village's workbench and in the supervisors' overdue
 * counts; a merge only counts. Runs in the caller's transaction with its audit entry.
 */
export async function openVerificationTask(trx: Tx, actor: Pick<Actor, 'id' | 'displayName' | 'role'>, lead: TaskLead) {
  const dueOn = dueDate('verification_task', lead.leadOn);
  const task = await openOrMergeTask(trx, { ...lead, dueOn });
  if (!task.merged)
    await openDeadline(trx, {
      kind: 'verification_task', openedOn: lead.leadOn, dueOn, countyCode: lead.countyCode, regionCode: lead.regionCode,
      householdId: lead.householdId, subjectType: 'verification_task', subjectId: task.id,
    });
  await appendAudit(trx, {
    actor, action: task.merged ? 'verification_task.merge' : 'verification_task.open', objectType: 'verification_task',
    objectId: task.id, countyCode: lead.countyCode,
    after: { householdId: lead.householdId, source: lead.source, type: lead.warningType, typeName: WARNING_TYPE_NAMES[lead.warningType] ?? lead.warningType, leadOn: lead.leadOn, ticketId: lead.ticketId },
  });
  return task;
}
