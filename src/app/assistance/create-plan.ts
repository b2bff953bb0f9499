import { viewerOf } from '../privacy.ts';
import { checkMeasure, type MeasureColumns } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { identificationCase, insertMeasure, insertPlan, planForCase } from '../../store/assistance.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { AppError, invalid } from '../errors.ts';
import { measureView, plannableHousehold, planView } from './views.ts';

/** Checks the plan-level fields shared by create and update (paths at the top level). */
export function checkPlanFields(c: Check, o: Record<string, unknown>) {
  return {
    note: c.string('note', o.note, { max: 1000 }),
    developmentDeclinedReason: c.string('developmentDeclinedReason', o.developmentDeclinedReason, { max: 500 }),
  };
}

/**
 * Makes a household's assistance plan with its measures (AST-1, Q23, Q27). The plan follows an
 * identification case (given, or the household's open / latest approved one); one plan per case.
 */
export async function createPlan(db: Db, actor: Actor, householdId: number, raw: unknown, today: string) {
  const h = await plannableHousehold(db, actor, householdId);
  const c = new Check();
  const o = c.object('', raw, ['caseId', 'proposedOn', 'note', 'developmentDeclinedReason', 'measures']) ?? {};
  const caseId = c.id('caseId', o.caseId);
  const proposedOn = c.date('proposedOn', o.proposedOn) ?? today;
  if (proposedOn > today) c.fail('proposedOn', '日期不能晚于今天');
  const fields = checkPlanFields(c, o);
  const measures: MeasureColumns[] = [];
  if (!Array.isArray(o.measures) || o.measures.length === 0) c.fail('measures', '帮扶计划至少包含一项帮扶措施（Q23）');
  else
    o.measures.forEach((m, i) => {
      const cols = checkMeasure(c, `measures[${i}]`, m);
      if (cols) measures.push(cols);
    });
  const kase = c.ok ? await identificationCase(db, householdId, caseId) : undefined;
  if (caseId && !kase) c.fail('caseId', '该识别认定案件不属于本户');
  if (!c.ok) throw invalid(c.errors);
  const planCaseId = kase?.id ?? null;
  const exists = () => new AppError(409, [{ path: 'caseId', message: '本户该次识别认定已有帮扶计划，请在原计划中新增措施' }]);
  if (await planForCase(db, householdId, planCaseId)) throw exists();
  return inTransaction(db, async (trx) => {
    // Two plans made at once would both pass the check above (no unique index covers plans without a case): lock the household and look again.
    await trx.selectFrom('household').select('id').where('id', '=', householdId).forUpdate().execute();
    if (await planForCase(trx, householdId, planCaseId)) throw exists();
    const plan = await insertPlan(trx, {
      household_id: householdId, county_code: h.county_code, case_id: planCaseId, proposed_on: proposedOn,
      note: fields.note, development_declined_reason: fields.developmentDeclinedReason, created_by: actor.id || null,
    });
    const rows = [];
    for (const m of measures)
      rows.push(await insertMeasure(trx, { ...m, plan_id: plan.id, household_id: householdId, county_code: h.county_code, created_by: actor.id || null }));
    const view = { plan: planView(plan, viewerOf(actor, h.region_code)), measures: rows.map((m) => measureView(m, actor, h.region_code)) };
    await appendAudit(trx, { actor, action: 'plan.create', objectType: 'household', objectId: householdId, countyCode: h.county_code, after: view });
    return view;
  });
}
