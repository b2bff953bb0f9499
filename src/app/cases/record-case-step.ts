import { sql } from 'kysely';
import { machineFor, stateName } from '../../domain/case-machines.ts';
import { addDays } from '../../domain/deadlines.ts';
import { CaseRefusal, decide, nextRoles, type CaseKind, type Decision } from '../../domain/workflow.ts';
import { appendAudit } from '../../store/audit.ts';
import { findCase, moveCase, type CaseRow } from '../../store/cases.ts';
import { closeDeadlines, openDeadline } from '../../store/deadlines.ts';
import { findHousehold, type HouseholdRow } from '../../store/households.ts';
import { inTransaction, type Db, type Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, stale } from '../errors.ts';
import { assessForCase, storeCaseAssessment, summarise } from './case-assessment.ts';
import { loadCaseFacts, loadScopedCase } from './case-facts.ts';
import { notifyHousehold } from './notify-household.ts';
import { caseView } from './case-view.ts';
import { suspendMeasuresOnGreenExit } from './green-exit-measures.ts';

/**
 * Takes one step of a case (verification, appraisal, notice, review, approval, green channel…).
 * The domain machine decides; this writes the move, the step, its audit entry, the deadlines it
 * opens or closes and the household's new status, all in one transaction. `version` must be
 * the case version the user saw: two simultaneous approvals cannot both pass (409).
 */
export async function recordCaseStep(db: Db, actor: Actor, caseId: number, action: string, raw: unknown, today: string) {
  authorize(actor, 'case:step');
  const seen = await loadScopedCase(db, actor, caseId);
  authorize(actor, 'case:step', seen.region_code);
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new AppError(400, [{ path: 'version', message: '必填：案件的当前版本号（防止并发修改）' }]);

  return inTransaction(db, async (trx) => {
    const c = (await findCase(trx, caseId))!;
    if (c.version !== version) throw stale();
    const h = (await findHousehold(trx, c.household_id))!;
    const machine = machineFor(c.kind as CaseKind);
    const facts = await loadCaseFacts(trx, c, h);
    const decisionAssessment = action === 'county_approve' ? await assessForCase(trx, h, c.kind as CaseKind, today) : null;
    if (decisionAssessment) facts.currentAssessment = summarise(decisionAssessment.result);
    let decision: Decision;
    try {
      decision = decide(machine, facts, action, { actor, today, data: raw });
    } catch (e) {
      if (e instanceof CaseRefusal) throw new AppError(e.status, e.errors);
      throw e;
    }
    const data = decision.data as Record<string, any>;
    const occurredOn: string = data.occurredOn ?? data.heldOn ?? data.announcedOn ?? data.enteredOn ?? today;

    // The verification visit stores the assessment it relied on (engine version, parameters).
    if (action === 'record_verification') {
      const a = await assessForCase(trx, h, c.kind as CaseKind, data.occurredOn);
      await storeCaseAssessment(trx, c, 'verification', data.occurredOn, a);
      data.assessment = { recommendation: a.result.recommendation, category: a.result.category, eligible: a.result.eligible };
    }
    if (decisionAssessment) await storeCaseAssessment(trx, c, 'county_approval', today, decisionAssessment);

    const effects = await applyEffects(trx, c, h, action, data, today, decisionAssessment?.result.category ?? null);
    const to = decision.to;
    const moved = await moveCase(trx, c.id, c.version, {
      state: to,
      next_roles: nextRoles(machine, to, { greenChannel: effects.greenChannel ?? c.green_channel, steps: [...facts.steps, { action }] }).join(','),
      ...effects.caseSet,
    });
    if (!moved) throw stale();
    await trx
      .insertInto('case_step')
      .values({
        case_id: c.id, county_code: c.county_code, action, from_state: c.state, to_state: to, occurred_on: occurredOn,
        actor_id: actor.id, actor_name: actor.displayName, actor_role: actor.role,
        reason: data.reason ?? null, data: JSON.stringify(data),
      })
      .execute();
    if (data.notifyChannel)
      await notifyHousehold(trx, actor, c, { event: action, channel: data.notifyChannel, notifiedOn: today, content: `${decision.transition.label}：${stateName(c.kind as CaseKind, to)}` });
    await appendAudit(trx, {
      actor, action: `case.${action}`, objectType: 'workflow_case', objectId: c.id, countyCode: c.county_code,
      before: { state: c.state, version: c.version }, after: { state: to, ...effects.caseSet, data }, reason: data.reason ?? null,
    });
    return caseView(trx, actor, (await findCase(trx, c.id))!, today);
  });
}

interface Effects {
  caseSet: Record<string, unknown>;
  greenChannel?: boolean;
}

/** What a step changes besides the case state: the household's status and the deadlines (PRC-5, PRC-7, GRN). */
async function applyEffects(trx: Tx, c: CaseRow, h: HouseholdRow, action: string, data: Record<string, any>, today: string, engineCategory: string | null): Promise<Effects> {
  const subject = { subjectType: 'case', subjectId: c.id };
  const base = { countyCode: c.county_code, regionCode: c.region_code, householdId: h.id, caseId: c.id, subjectType: 'case' as const, subjectId: c.id };
  const setHousehold = (set: Record<string, unknown>) =>
    trx.updateTable('household').set({ ...set, version: h.version + 1, updated_at: sql`now()` }).where('id', '=', h.id).execute();
  const identification = c.kind === 'identification';

  switch (action) {
    case 'start_notice':
      await openDeadline(trx, { ...base, kind: 'notice_period', openedOn: data.startOn, dueOn: addDays(data.endOn, 1) });
      return { caseSet: {} };
    case 'end_notice':
      await closeDeadlines(trx, subject, today, ['notice_period']);
      return { caseSet: {} };
    case 'county_approve': {
      if (!identification) {
        await setHousehold({ monitoring_status: 'eliminated', eliminated_on: today });
        await closeDeadlines(trx, subject, today);
        return { caseSet: { decided_on: today } };
      }
      // Identification date = approval date; for the green channel, its entry date (Q45, Q29).
      const identifiedOn = c.green_channel ? c.green_entered_on! : today;
      const category = data.category ?? engineCategory ?? c.category;
      await setHousehold({ monitoring_status: 'monitored', monitoring_category: category, identified_on: identifiedOn, eliminated_on: null });
      await closeDeadlines(trx, subject, today, ['lead_to_identification', 'green_channel']);
      await openDeadline(trx, { ...base, kind: 'system_entry', openedOn: today });
      await openDeadline(trx, { ...base, kind: 'plan_publication', openedOn: today });
      return { caseSet: { decided_on: today, category } };
    }
    case 'county_reject':
      await closeDeadlines(trx, subject, today);
      return { caseSet: { decided_on: today, outcome: 'rejected', outcome_reason: data.reason } };
    case 'announce':
      return identification ? { caseSet: {} } : { caseSet: { outcome: 'eliminated' } };
    case 'enter_system':
      await closeDeadlines(trx, subject, today, ['system_entry']);
      return { caseSet: { outcome: 'identified' } };
    case 'close':
      await closeDeadlines(trx, subject, today);
      return { caseSet: { outcome: identification ? 'not_identified' : 'not_eliminated', outcome_reason: data.reason } };
    case 'green_enter':
      // Measures may start at once (Q29): the household is a monitoring object from the entry date.
      await setHousehold({ monitoring_status: 'monitored', monitoring_category: data.category, identified_on: today, eliminated_on: null });
      await openDeadline(trx, { ...base, kind: 'green_channel', openedOn: today });
      return { caseSet: { green_channel: true, green_entered_on: today, category: data.category }, greenChannel: true };
    case 'green_exit':
      await setHousehold({ monitoring_status: 'none', monitoring_category: null, identified_on: null });
      await closeDeadlines(trx, subject, today);
      data.suspendedMeasures = await suspendMeasuresOnGreenExit(trx, h.id, today, data.reason);
      return { caseSet: { outcome: 'green_exit', outcome_reason: data.reason } };
    default:
      return { caseSet: {} };
  }
}
