import type { Database } from '../store/connection.ts';
import { migrate } from '../store/migrate.ts';
import { loadRegions, readDivisionTree, regionCount } from '../store/regions.ts';
import { ensureFirstAdmin } from './users/ensure-first-admin.ts';

export interface BootstrapReport {
  migrations: string[];
  regionsLoaded: number;
  firstAdmin: { username: string; password: string } | null;
}

/** Brings a database to a usable state: migrations, the Jiangxi region tree, the first admin. */
export async function bootstrap(database: Database, log: (m: string) => void = () => {}): Promise<BootstrapReport> {
  const migrations = await migrate(database, log);
  let regionsLoaded = 0;
  if ((await regionCount(database.db)) === 0) {
    log('正在载入江西省行政区划（省、市、县、乡镇、村）…');
    regionsLoaded = await loadRegions(database.db, await readDivisionTree('36'));
    log(`已载入 ${regionsLoaded} 个区划`);
  }
  const firstAdmin = await ensureFirstAdmin(database.db);
  return { migrations, regionsLoaded, firstAdmin };
}
