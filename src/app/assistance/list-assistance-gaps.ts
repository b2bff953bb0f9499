import { GAP_CLAUSES, GAP_KINDS, GAP_NAMES, MEASURE_CATALOGUE, type GapKind, type MeasureType } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { assistanceGaps, gapCount } from '../../store/assistance.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { householdFilter } from '../households/list-households.ts';
import { viewerOf, viewText } from '../privacy.ts';

export interface GapQuery {
  kind?: string;
  regionCode?: string;
  page?: string;
  pageSize?: string;
}

/**
 * Supervision lists of monitored households in the actor's subtree: without any measure (Q23,
 * AST-1), labour-capable without a development-type measure (Q24, AST-3), labour-capable with
 * fallback measures only (Q8 “一兜了之”, IDN-7). Counts of all three come with the one listed.
 */
export async function listAssistanceGaps(db: Db, actor: Actor, query: GapQuery) {
  authorize(actor, 'assistance:supervise');
  const f = householdFilter(actor, { regionCode: query.regionCode, page: query.page, pageSize: query.pageSize });
  const c = new Check();
  const kind = c.oneOf('kind', query.kind, GAP_KINDS);
  if (!c.ok) throw invalid(c.errors);
  const [{ items, total }, ...counts] = await Promise.all([
    assistanceGaps(db, kind!, f),
    ...GAP_KINDS.map((k) => gapCount(db, k, f.regionPattern)),
  ]);
  return {
    kind,
    name: GAP_NAMES[kind!],
    clause: GAP_CLAUSES[kind!],
    counts: Object.fromEntries(GAP_KINDS.map((k, i) => [k, counts[i]])) as Record<GapKind, number>,
    page: f.page,
    pageSize: f.pageSize,
    total,
    items: items.map((h) => {
      const types = h.measure_types ? (h.measure_types.split(',') as MeasureType[]) : [];
      return {
        householdId: h.id,
        regionCode: h.region_code,
        regionName: h.region_name,
        headName: h.head_name,
        monitoringCategory: h.monitoring_category,
        identifiedOn: h.identified_on,
        fullLaborMembers: h.full_labor,
        developmentDeclinedReason: viewText(viewerOf(actor, h.region_code), h.development_declined_reason),
        measures: types.map((t) => MEASURE_CATALOGUE[t]?.name ?? t),
      };
    }),
  };
}
