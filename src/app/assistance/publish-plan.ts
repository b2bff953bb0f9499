import { viewerOf } from '../privacy.ts';
import { countsForPeriod, type MeasureStatus } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { householdMeasures, latestPlan, updatePlanRow } from '../../store/assistance.ts';
import { appendAudit } from '../../store/audit.ts';
import { closeDeadlines } from '../../store/deadlines.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { invalid, notFound, stale, unprocessable } from '../errors.ts';
import { plannableHousehold, planView } from './views.ts';

/**
 * Records that the current plan was publicized in the village (Q27) and closes the
 * plan-publication deadline the county approval opened (10 days, PRC-6, PRC-7).
 */
export async function publishPlan(db: Db, actor: Actor, householdId: number, raw: unknown, today: string) {
  const h = await plannableHousehold(db, actor, householdId);
  const plan = await latestPlan(db, householdId);
  if (!plan) throw notFound('本户尚无帮扶计划');
  const c = new Check();
  const o = c.object('', raw, ['version', 'publishedOn']) ?? {};
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const publishedOn = c.date('publishedOn', o.publishedOn) ?? today;
  if (publishedOn > today) c.fail('publishedOn', '日期不能晚于今天');
  if (publishedOn < plan.proposed_on) c.fail('publishedOn', `公示日期不能早于计划提出日期（${plan.proposed_on}）`);
  if (!c.ok) throw invalid(c.errors);
  if (version !== plan.version) throw stale();
  if (plan.published_on) throw unprocessable('', `帮扶计划已于${plan.published_on}在村内公示`);
  const measures = await householdMeasures(db, householdId);
  const inForce = measures.filter((m) => m.plan_id === plan.id && countsForPeriod({ status: m.status as MeasureStatus, endedOn: m.ended_on }, h.identified_on));
  if (inForce.length === 0) throw unprocessable('', '帮扶计划没有有效的帮扶措施，不能公示（Q23、Q27）');
  return inTransaction(db, async (trx) => {
    const row = await updatePlanRow(trx, plan.id, version!, { published_on: publishedOn });
    if (!row) throw stale();
    const closedDeadlines = plan.case_id ? await closeDeadlines(trx, { subjectType: 'case', subjectId: plan.case_id }, publishedOn, ['plan_publication']) : 0;
    const view = { ...planView(row, viewerOf(actor, h.region_code)), closedDeadlines };
    await appendAudit(trx, { actor, action: 'plan.publish', objectType: 'household', objectId: householdId, countyCode: h.county_code, before: planView(plan, viewerOf(actor, h.region_code)), after: view });
    return view;
  });
}
