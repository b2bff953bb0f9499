/**
 * The data folder of an embedded installation (`JIANBANG_DATA_DIR`, default `./data`):
 *
 *   data/pglite/         the PGlite database files
 *   data/keys/           keys.json (0600) and the audit chain's head and checkpoints
 *   data/jianbang.lock   the pid of the one process that has the folder open
 *
 * PGlite is a single-process database: a second process on the same files does not see the
 * first one's writes and can corrupt the folder. The lock refuses it at once; a lock left by a
 * process that died (kill -9, power cut) is recognised as stale and cleared.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirLayout {
  root: string;
  pgliteDir: string;
  keyDir: string;
  lockFile: string;
}

export function dataDirLayout(root: string): DataDirLayout {
  const r = resolve(root);
  return { root: r, pgliteDir: join(r, 'pglite'), keyDir: join(r, 'keys'), lockFile: join(r, 'jianbang.lock') };
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** Whether `pid` is a live Node.js process (a recycled pid of another program does not count). */
export function nodeProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e: any) {
    if (e?.code !== 'EPERM') return false;
  }
  try {
    return /node|tsx|jianbang/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc: trust the signal check
  }
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * Takes the folder's lock (O_EXCL create) or throws `DataDirLockedError` naming the process that
 * holds it. Returns the release function; the lock is also released when the process exits.
 */
export function acquireDataDirLock(root: string, command: string): () => void {
  const { root: dir, lockFile } = dataDirLayout(root);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockFile, 'wx', 0o600);
    } catch (e: any) {
      if (e?.code !== 'EEXIST') throw e;
      const held = readLock(lockFile);
      if (held && held.host === hostname() && nodeProcessAlive(held.pid))
        throw new DataDirLockedError(
          `数据目录 ${dir} 正被另一个监帮进程使用（进程号 ${held.pid}，${held.command}，启动于 ${held.startedAt}）。` +
            '同一数据目录同一时间只能由一个进程打开：请先停止该进程（在运行 npm start 的终端按 Ctrl+C）再执行本命令；' +
            '要在启动时载入演示数据，可用 npm start -- --demo。',
        );
      if (held && held.host !== hostname())
        throw new DataDirLockedError(`数据目录 ${dir} 被另一台主机 ${held.host} 上的进程 ${held.pid} 锁定；确认该进程已停止后删除 ${lockFile}`);
      // Stale: its process is gone (or the file is half-written). Clear it and try again.
      try {
        unlinkSync(lockFile);
      } catch {
        /* another process cleared it first */
      }
      continue;
    }
    const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readLock(lockFile)?.pid === process.pid) unlinkSync(lockFile);
    };
    process.on('exit', release);
    return release;
  }
  throw new DataDirLockedError(`无法获取数据目录 ${dir} 的锁，请重试`);
}

/**
 * Creates the layout. A folder from before the layout (PGlite files directly in it) is moved
 * into `pglite/` once, under the lock.
 */
export function prepareDataDir(root: string): DataDirLayout {
  const layout = dataDirLayout(root);
  mkdirSync(layout.root, { recursive: true });
  if (existsSync(join(layout.root, 'PG_VERSION')) && !existsSync(layout.pgliteDir)) {
    mkdirSync(layout.pgliteDir);
    for (const name of readdirSync(layout.root))
      if (!['pglite', 'keys', 'jianbang.lock'].includes(name)) renameSync(join(layout.root, name), join(layout.pgliteDir, name));
    console.log(`数据目录已整理：数据库文件移入 ${layout.pgliteDir}`);
  }
  mkdirSync(layout.pgliteDir, { recursive: true });
  mkdirSync(layout.keyDir, { recursive: true, mode: 0o700 });
  return layout;
}
