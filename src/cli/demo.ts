import { bootstrap } from '../app/bootstrap.ts';
import { loadDemo as load } from '../app/demo/load-demo.ts';
import { ROLE_NAMES } from '../domain/roles.ts';
import { databaseOptionsFromEnv, openDatabase, type Database } from '../store/connection.ts';

export async function demoCommand(o: { seed: string; households: string; county: string }) {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'demo' });
  try {
    const report = await bootstrap(database, (m) => console.log(m));
    if (report.firstAdmin) console.log(`系统管理员 ${report.firstAdmin.username} 的初始密码（仅显示一次）：${report.firstAdmin.password}`);
    await loadDemo(database, { seed: Number(o.seed), households: Number(o.households), county: o.county });
  } finally {
    await database.close();
  }
}

/** Loads the demo in one transaction (nothing is left behind if it fails or is killed); a second run says so and writes nothing. */
export async function loadDemo(database: Database, o: { seed: number; households: number; county: string }) {
  if (!Number.isInteger(o.seed) || !Number.isInteger(o.households) || o.households < 1 || !/^36\d{4}$/.test(o.county))
    throw new Error('参数错误：--seed 与 --households 应为正整数，--county 应为江西省6位县级代码');
  const started = Date.now();
  const r = await load(database.db, o, (done, total) => process.stderr.write(`\r生成演示农户 ${done}/${total}`));
  if (r.alreadyLoadedAt) {
    console.log(`县 ${o.county} 的演示数据已于 ${r.alreadyLoadedAt} 载入，本次未重复载入（如需重新生成，请换一个空的数据目录）。演示账号（密码均为 ${r.password}）：`);
  } else {
    process.stderr.write('\n');
    console.log(`已生成 ${r.households} 户演示农户，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒。演示账号（密码均为 ${r.password}）：`);
  }
  for (const l of r.logins) console.log(`  ${l.username.padEnd(36)} ${ROLE_NAMES[l.role].padEnd(16)} ${l.regionName}${l.note ? `（${l.note}）` : ''}`);
}
