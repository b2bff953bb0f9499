import { viewerOf } from '../privacy.ts';
import { Check } from '../../domain/validation.ts';
import { latestPlan, updatePlanRow } from '../../store/assistance.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { invalid, notFound, stale } from '../errors.ts';
import { checkPlanFields } from './create-plan.ts';
import { plannableHousehold, planView } from './views.ts';

/**
 * Edits the current plan's note and the household's stated unwillingness to take
 * development-type measures (Q24 “有意愿”); `null` clears it. `version` must match, else 409.
 */
export async function updatePlan(db: Db, actor: Actor, householdId: number, raw: unknown) {
  const h = await plannableHousehold(db, actor, householdId);
  const plan = await latestPlan(db, householdId);
  if (!plan) throw notFound('本户尚无帮扶计划');
  const c = new Check();
  const o = c.object('', raw, ['version', 'note', 'developmentDeclinedReason']) ?? {};
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const fields = checkPlanFields(c, o);
  if (!c.ok) throw invalid(c.errors);
  const set: Record<string, string | null> = {};
  if ('note' in o) set.note = fields.note;
  if ('developmentDeclinedReason' in o) set.development_declined_reason = fields.developmentDeclinedReason;
  return inTransaction(db, async (trx) => {
    const row = await updatePlanRow(trx, plan.id, version!, set);
    if (!row) throw stale();
    const view = planView(row, viewerOf(actor, h.region_code));
    await appendAudit(trx, { actor, action: 'plan.update', objectType: 'household', objectId: householdId, countyCode: h.county_code, before: planView(plan, viewerOf(actor, h.region_code)), after: view });
    return view;
  });
}
