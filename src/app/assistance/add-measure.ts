import { checkMeasure } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { insertMeasure, latestPlan } from '../../store/assistance.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { invalid, notFound } from '../errors.ts';
import { measureView, plannableHousehold } from './views.ts';

/** Adds a measure to the household's current plan (AST-2, AST-4); it starts as planned. */
export async function addMeasure(db: Db, actor: Actor, householdId: number, raw: unknown) {
  const h = await plannableHousehold(db, actor, householdId);
  const plan = await latestPlan(db, householdId);
  if (!plan) throw notFound('本户尚无帮扶计划，请先制定帮扶计划');
  const c = new Check();
  const cols = checkMeasure(c, '', raw);
  if (!cols) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const row = await insertMeasure(trx, { ...cols, plan_id: plan.id, household_id: householdId, county_code: h.county_code, created_by: actor.id || null });
    const view = measureView(row, actor, h.region_code);
    await appendAudit(trx, { actor, action: 'measure.create', objectType: 'household', objectId: householdId, countyCode: h.county_code, after: view });
    return view;
  });
}
