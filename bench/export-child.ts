/**
 * One export of the whole household list of Jiangxi as a province user, in a fresh process (so
 * its peak RSS is the export's, not the data load's): the real use case and the streaming writer,
 * into a sink that counts the bytes, as the reply would send them. Prints one JSON line.
 *   node --import tsx bench/export-child.ts <postgres url> <key dir>
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SYSTEM_ACTOR } from '../src/app/actor.ts';
import { exportHouseholds } from '../src/app/households/export-households.ts';
import { openDatabase } from '../src/store/connection.ts';

const [url, keyDir] = process.argv.slice(2);
const database = await openDatabase({ url, keyDir, poolSize: 2 });
const actor = { ...SYSTEM_ACTOR, role: 'province' as const };
// Modules loaded, pool open, one query planned: what the process holds before the export.
await database.db.selectFrom('region').select('code').limit(1).execute();
const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 50);
let bytes = 0;
const started = performance.now();
const exp = await exportHouseholds(database.db, actor, {});
await pipeline(exp.stream, new Writable({ write: (chunk: Buffer, _enc, done) => ((bytes += chunk.length), done()) }));
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const entry = await database.db.selectFrom('audit_log').select('after').where('action', '=', 'export.households').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
await database.close();
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ rows: (entry.after as { rows: number }).rows, bytes, seconds, baseRss, peakRss, peakHeap }));
