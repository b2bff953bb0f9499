import { sql } from 'kysely';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { findYearlyUpdate } from '../../store/yearly-updates.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, notFound, stale, unprocessable } from '../errors.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { NOBODY, viewerOf } from '../privacy.ts';
import { yearlyUpdateView } from './views.ts';

/**
 * Marks a household's yearly update done (REG-6, Q48). The edits themselves go through the
 * household, member and member-change endpoints; this records that the year's check happened.
 */
export async function completeYearlyUpdate(db: Db, actor: Actor, householdId: number, year: number, raw: unknown, today: string) {
  authorize(actor, 'yearly_update:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'yearly_update:write', h.region_code);
  const current = Number.isInteger(year) ? await findYearlyUpdate(db, householdId, year) : undefined;
  if (!current) throw notFound(`该户没有 ${Number.isInteger(year) ? year : ''} 年度的基础信息更新任务（Q48）`);
  const c = new Check();
  const o = c.object('', raw ?? {}, ['version', 'note']);
  const version = c.integer('version', o?.version, { required: true, min: 1 });
  const note = c.string('note', o?.note, { max: 500 });
  if (!c.ok) throw invalid(c.errors);
  if (current.status === 'done') throw unprocessable('', `该户 ${year} 年度基础信息已于 ${current.done_on} 标记为已更新`);
  return inTransaction(db, async (trx) => {
    const saved = await trx
      .updateTable('household_yearly_update')
      .set({ status: 'done', done_on: today, done_by: actor.id, done_by_name: actor.displayName, note, version: version! + 1, updated_at: sql`now()` })
      .where('id', '=', current.id)
      .where('version', '=', version!)
      .returningAll()
      .executeTakeFirst();
    if (!saved) throw stale();
    await appendAudit(trx, {
      actor, action: 'yearly_update.done', objectType: 'household', objectId: householdId, countyCode: h.county_code,
      before: yearlyUpdateView(current, NOBODY), after: yearlyUpdateView(saved, NOBODY), reason: note,
    });
    return yearlyUpdateView(saved, viewerOf(actor, h.region_code));
  });
}
