import type { Database } from '../store/connection.ts';
import { migrate } from '../store/migrate.ts';
import { sealPlaintextMembers } from '../store/members.ts';
import { loadRegions, readDivisionTree, regionCount } from '../store/regions.ts';
import { ensureFirstAdmin } from './users/ensure-first-admin.ts';
import { recoverImportJobs } from './imports/recover-import-jobs.ts';

export interface BootstrapReport {
  migrations: string[];
  /** Plaintext member values sealed at this start (a database from before migration 008). */
  sealed: number;
  regionsLoaded: number;
  firstAdmin: { username: string; password: string } | null;
  /** Import jobs a dead process left unfinished, now marked failed (nothing of them was written). */
  interruptedImports: number[];
}

/**
 * Brings a database to a usable state: migrations, sealing of plaintext left by an older version
 * (SEC-7), the Jiangxi region tree, the first admin, import jobs interrupted by a restart (DAT-1).
 */
export async function bootstrap(database: Database, log: (m: string) => void = () => {}): Promise<BootstrapReport> {
  const migrations = await migrate(database, log);
  // Before serving: an older database still holds ID numbers, phones and accounts in plaintext.
  const { sealed, validated } = await sealPlaintextMembers(database.db, {
    onBatch: (p) => log(`正在加密存量数据：${p.table} 已处理 ${p.done} 行`),
  });
  if (validated) log(`存量数据加密完成：共 ${sealed} 行，数据库约束已生效`);
  let regionsLoaded = 0;
  if ((await regionCount(database.db)) === 0) {
    log('正在载入江西省行政区划（省、市、县、乡镇、村）…');
    regionsLoaded = await loadRegions(database.db, await readDivisionTree('36'));
    log(`已载入 ${regionsLoaded} 个区划`);
  }
  const firstAdmin = await ensureFirstAdmin(database.db);
  const interruptedImports = await recoverImportJobs(database.db);
  if (interruptedImports.length) log(`导入任务 ${interruptedImports.join('、')} 被中断，已标记为失败（未写入任何数据），可在导入页面重新运行`);
  return { migrations, sealed, regionsLoaded, firstAdmin, interruptedImports };
}
