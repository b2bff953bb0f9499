import { countyCodeOf } from '../../domain/region-code.ts';
import { checkHousehold } from '../../domain/household.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findHousehold } from '../../store/households.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, stale } from '../errors.ts';
import { loadScopedHousehold } from './get-household.ts';
import { viewerOf } from '../privacy.ts';
import { HOUSEHOLD_COLUMNS, householdAuditView, householdView, toColumns } from './views.ts';

/** Edits household fields. `version` must match the stored one, else 409 (optimistic concurrency). */
export async function updateHousehold(db: Db, actor: Actor, id: number, raw: unknown) {
  authorize(actor, 'household:write');
  const current = await loadScopedHousehold(db, actor, id);
  authorize(actor, 'household:write', current.region_code);
  const c = new Check();
  const patch = checkHousehold(c, '', raw, true);
  const o = raw as Record<string, unknown>;
  const version = c.integer('version', o?.version, { required: true, min: 1 });
  const merged = { ...householdAuditView(current), ...patch };
  if (merged.responsibilityBasis !== 'registration' && !merged.responsibilityReason)
    c.fail('responsibilityReason', '由常住地或迁入地负责时须填写原因（Q19）');
  if (!merged.fallbackSince !== !merged.fallbackBasis)
    c.fail('fallbackBasis', '整户无劳动能力兜底保障户须同时填写认定日期与依据（Q35）');
  if (merged.povertyExitYear != null && !merged.formerlyPoor) c.fail('povertyExitYear', '一般农户不应填写脱贫年度');
  for (const key of ['regionCode', 'registrationRegionCode', 'residenceRegionCode'] as const)
    if (patch[key] && !(await getRegion(db, patch[key]!))) c.fail(key, '区划代码不存在');
  if (!c.ok) throw invalid(c.errors);
  if (patch.regionCode) authorize(actor, 'household:write', patch.regionCode);
  const set = toColumns(patch, HOUSEHOLD_COLUMNS);
  if (patch.regionCode) set.county_code = countyCodeOf(patch.regionCode);
  return inTransaction(db, async (trx) => {
    const res = await trx
      .updateTable('household')
      .set({ ...(set as any), version: version! + 1, updated_at: new Date() })
      .where('id', '=', id)
      .where('version', '=', version!)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw stale();
    const saved = (await findHousehold(trx, id))!;
    await appendAudit(trx, {
      actor, action: 'household.update', objectType: 'household', objectId: id, countyCode: saved.county_code,
      before: householdAuditView(current), after: householdAuditView(saved), reason: typeof o.reason === 'string' ? o.reason : null,
    });
    return householdView(saved, viewerOf(actor, saved.region_code));
  });
}
