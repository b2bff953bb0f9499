/**
 * Export of the household list (DAT-2, issue 10): the whole list of a province streamed to XLSX,
 * at two sizes on the same database, each export in a fresh child process; time and peak RSS.
 * A streamed export holds one page of rows and the zip buffers, so the peak must not grow with
 * the number of rows.
 */
import { spawn } from 'node:child_process';

interface ExportRun {
  rows: number;
  bytes: number;
  seconds: number;
  baseRss: number;
  peakRss: number;
  peakHeap: number;
}

function runChild(url: string, keyDir: string, flags: string[]): Promise<ExportRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'bench/export-child.ts', url, keyDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`export child exited ${code}`))));
  });
}

const mb = (b: number) => Math.round(b / 1024 / 1024);

/**
 * `grow(n)` brings the database to n households; each size is exported once after it. Returns
 * the table rows for docs/benchmarks.md.
 */
export async function benchExport(url: string, keyDir: string, sizes: number[], grow: (n: number) => Promise<unknown>) {
  const lines: string[] = [];
  for (const n of sizes) {
    await grow(n);
    // As deployed, and with the old generation capped at 64 MB: V8 collects lazily while memory is
    // free, so the first peak is partly garbage; the capped run shows what the export really holds.
    for (const [how, flags] of [['', []], [', heap capped at 64 MB', ['--max-old-space-size=64']]] as const) {
      const r = await runChild(url, keyDir, [...flags]);
      process.stderr.write(`  导出 ${r.rows} 户${how}：${r.seconds.toFixed(1)} s，峰值 RSS ${mb(r.peakRss)} MB\n`);
      lines.push(
        `| household list → XLSX, province user, PostgreSQL 15 server${how} | ${r.rows.toLocaleString('en')} households | **${r.seconds.toFixed(1)} s** (${Math.round(r.rows / r.seconds).toLocaleString('en')} rows/s), **peak RSS ${mb(r.peakRss)} MB** | process before the export ${mb(r.baseRss)} MB, peak JS heap ${mb(r.peakHeap)} MB; file ${(r.bytes / 1024 / 1024).toFixed(1)} MB |`,
      );
    }
  }
  return lines;
}
