import { SYSTEM_ACTOR } from '../app/actor.ts';
import { checkSimulationRequest, simulateThreshold } from '../app/assessment/simulate-threshold.ts';
import { bootstrap } from '../app/bootstrap.ts';
import { AppError } from '../app/errors.ts';
import { chinaDate } from '../domain/clock.ts';
import { databaseOptionsFromEnv, openDatabase } from '../store/connection.ts';

const NAMES: Record<string, string> = { identify: '纳入', track: '持续跟踪', review: '综合研判', exclude: '不纳入' };
const label = (t: string) => t.split('→').map((x) => NAMES[x] ?? x).join('→');

export async function simulateCommand(o: { threshold: string; asOf?: string; region?: string; json?: boolean }) {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'simulate' });
  try {
    await bootstrap(database);
    // The operator's command acts province-wide, like the system actor.
    const actor = { ...SYSTEM_ACTOR, role: 'province' as const };
    const req = checkSimulationRequest(actor, { threshold: o.threshold, asOf: o.asOf, regionCode: o.region }, chinaDate(new Date()));
    const started = Date.now();
    const report = await simulateThreshold(database.db, actor, req, (done, total) => process.stderr.write(`\r重新评估 ${done}/${total} 户`));
    process.stderr.write(`\n用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒（未写入任何数据）\n`);
    if (o.json) return console.log(JSON.stringify(report, null, 2));
    console.log(`假设监测范围 ${report.threshold} 元，评估日期 ${report.asOf}：共 ${report.households} 户，${report.changed} 户建议结论将改变，${report.unassessable} 户无法评估`);
    for (const [t, n] of Object.entries(report.transitions)) console.log(`  ${label(t)}：${n} 户`);
    for (const r of report.byRegion.filter((x) => x.changed > 0))
      console.log(`  ${r.regionName}（${r.regionCode}）：${r.changed}/${r.households} 户 — ${Object.entries(r.transitions).map(([t, n]) => `${label(t)} ${n}`).join('，')}`);
  } catch (e) {
    if (e instanceof AppError) {
      console.error(JSON.stringify({ errors: e.errors }));
      process.exitCode = 2;
    } else throw e;
  } finally {
    await database.close();
  }
}
