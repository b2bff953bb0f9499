import { assess } from '../../policy/assess.ts';
import { hasAtMostTwoDecimals } from '../../domain/money.ts';
import { isInSubtree, isRegionCode, regionLevel, subtreePrefix } from '../../domain/region-code.ts';
import { isIsoDate } from '../../domain/validation.ts';
import { loadHouseholdBundles } from '../../store/household-bundle.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { forbidden, invalid } from '../errors.ts';
import { registryInput } from './registry-input.ts';

export interface SimulationRequest {
  threshold: number;
  asOf: string;
  regionCode?: string;
}

export interface RegionOutcome {
  regionCode: string;
  regionName: string;
  households: number;
  changed: number;
  /** "track→identify": count */
  transitions: Record<string, number>;
}

export interface SimulationReport {
  asOf: string;
  threshold: number;
  scope: string;
  households: number;
  unassessable: number;
  changed: number;
  transitions: Record<string, number>;
  byRegion: RegionOutcome[];
}

const GROUP_PREFIX = [0, 4, 6, 9, 12, 12]; // a scope at level L is broken down by level L+1

const REQUEST_FIELDS = ['threshold', 'asOf', 'regionCode'];

export function checkSimulationRequest(actor: Actor, raw: Record<string, unknown>, today: string): SimulationRequest {
  const errors = [];
  for (const k of Object.keys(raw)) if (!REQUEST_FIELDS.includes(k)) errors.push({ path: k, message: '未知字段（可能是拼写错误）' });
  const threshold = typeof raw.threshold === 'string' ? Number(raw.threshold) : raw.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || !hasAtMostTwoDecimals(threshold))
    errors.push({ path: 'threshold', message: '监测范围应为不小于0、最多两位小数的金额（元/人/年）' });
  const asOf = (raw.asOf as string | undefined) ?? today;
  if (!isIsoDate(asOf)) errors.push({ path: 'asOf', message: '日期格式应为 YYYY-MM-DD' });
  const regionCode = (raw.regionCode as string | undefined) ?? actor.regionCode;
  if (!isRegionCode(regionCode)) errors.push({ path: 'regionCode', message: '区划代码应为12位数字' });
  if (errors.length) throw invalid(errors);
  // A region outside the user's area is a refusal (403), like every other scoped route.
  if (!isInSubtree(actor.regionCode, regionCode)) throw forbidden('该区划不在您的管辖区域内');
  return { threshold: threshold as number, asOf, regionCode };
}

/**
 * What-if: re-assesses every household in scope for identification with an alternative
 * threshold and counts, by region, who would change recommendation. Writes nothing.
 */
export async function simulateThreshold(
  db: Db,
  actor: Actor,
  req: SimulationRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<SimulationReport> {
  authorize(actor, 'assessment:run');
  const scope = req.regionCode ?? actor.regionCode;
  authorize(actor, 'assessment:run', scope);
  const pattern = `${subtreePrefix(scope)}%`;
  const groupLen = GROUP_PREFIX[regionLevel(scope)]!;
  const total = (await db.selectFrom('household').select((eb) => eb.fn.countAll<number>().as('n')).where('region_code', 'like', pattern).executeTakeFirstOrThrow()).n;
  const groups = new Map<string, { households: number; changed: number; transitions: Record<string, number> }>();
  const transitions: Record<string, number> = {};
  let done = 0;
  let unassessable = 0;
  let changed = 0;
  const BATCH = 2000;
  // Keyset pages; the next page is fetched while this one is assessed (the engine is CPU, the
  // fetch is I/O), which matters on a server where queries run on their own connections.
  const fetchPage = async (after: number) => {
    const households = await db.selectFrom('household').selectAll().where('region_code', 'like', pattern).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    // Identification only: no measures to load.
    return loadHouseholdBundles(db, households, { measures: false });
  };
  let page = fetchPage(0);
  for (;;) {
    const bundles = await page;
    if (bundles.length === 0) break;
    page = bundles.length < BATCH ? Promise.resolve([]) : fetchPage(bundles[bundles.length - 1]!.household.id);
    for (const bundle of bundles) {
      const key = bundle.household.region_code.slice(0, groupLen).padEnd(12, '0');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { households: 0, changed: 0, transitions: {} }));
      g.households++;
      try {
        const input = registryInput(bundle, { kind: 'identification', asOf: req.asOf });
        const base = assess(input).recommendation;
        const alt = assess({ ...input, parameters: { monitoringThreshold: req.threshold } }).recommendation;
        if (base !== alt) {
          const t = `${base}→${alt}`;
          g.changed++;
          g.transitions[t] = (g.transitions[t] ?? 0) + 1;
          transitions[t] = (transitions[t] ?? 0) + 1;
          changed++;
        }
      } catch {
        unassessable++; // e.g. no counted member: the registry needs correcting first
      }
    }
    done += bundles.length;
    onProgress?.(done, total);
  }
  const names = groups.size
    ? new Map((await db.selectFrom('region').select(['code', 'name']).where('code', 'in', [...groups.keys()]).execute()).map((r) => [r.code, r.name]))
    : new Map<string, string>();
  return {
    asOf: req.asOf,
    threshold: req.threshold,
    scope,
    households: done,
    unassessable,
    changed,
    transitions,
    byRegion: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, g]) => ({ regionCode: code, regionName: names.get(code) ?? code, ...g })),
  };
}
