import { getRegion } from '../../store/regions.ts';
import { publicChildRegions } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import { notFound } from '../errors.ts';

/**
 * The village picker of the public page (WRN-5): the children of a region (the top of the tree
 * without `parent`), names and codes only — the region table is public reference data
 * (GB/T 2260 and the statistical division codes); nothing of households is read.
 */
export async function listPublicRegions(db: Db, parent: string | undefined) {
  if (parent !== undefined) {
    const r = await getRegion(db, parent);
    if (!r) throw notFound('区划不存在');
    if (r.level >= 5) return [];
  }
  const rows = await publicChildRegions(db, parent ?? null);
  return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, hasChildren: r.level < 5 && !!r.has_children }));
}
