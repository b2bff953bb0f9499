import { checkTaskOutcome, stateAfter, TASK_OUTCOME_NAMES } from '../../domain/verification-task.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { openCaseOf } from '../../store/cases.ts';
import { closeDeadlines } from '../../store/deadlines.ts';
import { findHousehold, type HouseholdRow } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { closeTask, findTask, insertTaskRisk } from '../../store/verification-tasks.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { invalid, notFound, stale, unprocessable } from '../errors.ts';
import { insertCase } from '../cases/open-case.ts';
import { taskView } from './task-view.ts';

/**
 * The village (or township) records the verification visit (Q43): no risk closes the task (the
 * household stays under 持续跟踪); risk found opens the identification case with the task's lead
 * date and source (so Q42's 15 days count from the warning); on a monitoring object the new risk
 * goes on its record. One transaction: the task, its deadline, the case or risk, the audit entry.
 */
export async function recordTaskOutcome(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'task:resolve');
  const task = await findTask(db, id);
  if (!task) throw notFound('核实任务不存在');
  authorize(actor, 'task:resolve', task.region_code);
  const vc = new Check();
  const version = vc.integer('version', (raw as Record<string, unknown> | null)?.version, { required: true, min: 1 });
  if (!vc.ok) throw invalid(vc.errors);
  const current = task.household_id ? await findHousehold(db, task.household_id, scopePattern(actor)) : undefined;
  const { input, errors } = checkTaskOutcome(raw, {
    state: task.state, source: task.source, leadOn: task.lead_on, householdId: task.household_id, monitored: current?.monitoring_status === 'monitored',
  }, today);
  if (!input) throw invalid(errors);

  let h: HouseholdRow | undefined = current;
  if (input.householdId) {
    h = await findHousehold(db, input.householdId, scopePattern(actor));
    if (!h) throw notFound('未找到该农户（须在本人辖区内）');
    if (input.outcome === 'risk_found' && h.monitoring_status === 'monitored') throw unprocessable('outcome', '该户已是监测对象：新的风险请选择“登记新增风险”');
    if (input.outcome === 'already_monitored' && h.monitoring_status !== 'monitored') throw unprocessable('outcome', '该户不是监测对象：发现风险请选择“启动识别程序”');
  }

  return inTransaction(db, async (trx) => {
    let caseId: number | null = null;
    let riskRecordId: number | null = null;
    if (input.outcome === 'risk_found') {
      // A case already open for the household takes the lead; otherwise a new one starts from it.
      const open = await openCaseOf(trx, h!.id, 'identification');
      caseId = open ? Number(open.id) : await insertCase(trx, actor, h!, {
        kind: 'identification', source: task.source, leadOn: task.lead_on, leadNote: `核实任务 ${task.id}：入户核实发现风险`, sourceRef: `task:${task.id}`,
      });
    }
    if (input.outcome === 'already_monitored')
      riskRecordId = await insertTaskRisk(trx, { householdId: h!.id, countyCode: h!.county_code, type: input.riskType!, foundOn: task.lead_on, note: `核实任务 ${task.id} 确认的新增风险` });
    const closed = await closeTask(trx, task.id, version!, {
      state: stateAfter(input.outcome), visitedOn: input.visitedOn, visitors: input.visitors, findings: input.findings, reasonCode: input.reasonCode,
      reason: input.reason, caseId, riskRecordId, householdId: input.householdId, closedOn: today, closedBy: actor.id,
    });
    if (!closed) throw stale();
    await closeDeadlines(trx, { subjectType: 'verification_task', subjectId: task.id }, today);
    await appendAudit(trx, {
      actor, action: 'verification_task.close', objectType: 'verification_task', objectId: task.id, countyCode: task.county_code,
      before: { state: task.state, version: task.version },
      after: { state: stateAfter(input.outcome), outcome: input.outcome, outcomeName: TASK_OUTCOME_NAMES[input.outcome], visitedOn: input.visitedOn, reasonCode: input.reasonCode, caseId, riskRecordId },
      reason: input.reason,
    });
    return taskView(trx, actor, task.id, today);
  });
}
