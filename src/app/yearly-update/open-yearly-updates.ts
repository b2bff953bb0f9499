import { countyCodeOf } from '../../domain/region-code.ts';
import { checkYear } from '../../domain/yearly-update.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { countYearlyUpdates, openYearlyUpdates as insertYearlyUpdates } from '../../store/yearly-updates.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { householdFilter } from '../households/list-households.ts';

/**
 * Opens the year's basic-information update for every monitored household and every one whose
 * risk was eliminated (Q48) in the actor's county, or a narrower `regionCode`. Running it again
 * opens only what is missing (new monitoring objects), never a second task per household and year.
 */
export async function openYearlyUpdates(db: Db, actor: Actor, raw: unknown, today: string) {
  authorize(actor, 'yearly_update:open');
  const c = new Check();
  const o = c.object('', raw ?? {}, ['year', 'regionCode']);
  const year = checkYear(c, 'year', o?.year, today);
  if (o?.regionCode != null && typeof o.regionCode !== 'string') c.fail('regionCode', '区划代码应为12位数字');
  if (!c.ok) throw invalid(c.errors);
  const regionCode = typeof o?.regionCode === 'string' && o.regionCode ? o.regionCode : actor.regionCode;
  const { regionPattern } = householdFilter(actor, { regionCode });
  return inTransaction(db, async (trx) => {
    const opened = await insertYearlyUpdates(trx, { regionPattern, year: year!, openedOn: today, openedBy: actor.id });
    const counts = await countYearlyUpdates(trx, regionPattern, year!);
    const result = { year: year!, regionCode, opened, total: counts.pending + counts.done, ...counts };
    await appendAudit(trx, {
      actor, action: 'yearly_update.open', objectType: 'yearly_update', objectId: `${year}:${regionCode}`,
      countyCode: countyCodeOf(regionCode), after: result,
    });
    return result;
  });
}
