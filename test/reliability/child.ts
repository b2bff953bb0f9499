/**
 * Real processes for the tests that must not run in-process: the CLI and the server started as
 * `node bin/jianbang.js …`, on a store both the test and the child can open.
 *
 *   const store = await prepareStore();        // PGlite folder, or a fresh server database + key folder
 *   const db = await store.open(); …; await db.close();   // the test's own handle (same keys)
 *   const r = await runCli(['audit', 'verify'], store.env);
 *   const child = startCli(['serve'], { ...store.env, PORT: '0' }); await child.waitFor(/已启动/);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../src/store/connection.ts';
import { migrate } from '../../src/store/migrate.ts';
import { loadRegions } from '../../src/store/regions.ts';
import { createTestDatabase, TEST_DATABASE_URL, testRegionRows } from '../helpers/db.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/jianbang.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<CliResult>;
}

/** The environment of a child: the store's variables only, none of the test runner's. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (/^(DATABASE_URL|JIANBANG_|PORT$|HOST$|VITEST|TEST_DATABASE_URL)/.test(k)) delete base[k];
  return { ...base, HOST: '127.0.0.1', ...env };
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.on('data', (d) => ((stdout += d), changed()));
  child.stderr!.on('data', (d) => ((stderr += d), changed()));
  const exited = new Promise<CliResult>((resolve) => child.on('exit', (code, signal) => (changed(), resolve({ code, signal, stdout, stderr }))));
  let done = false;
  exited.then(() => (done = true));
  return {
    process: child,
    output: () => stdout + stderr,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`等待 ${pattern} 超时；输出：\n${stdout}${stderr}`)), timeoutMs);
        const check = () => {
          const m = (stdout + stderr).match(pattern);
          if (m) finish(null, m);
          else if (done) finish(new Error(`进程已退出（${child.exitCode ?? child.signalCode}），未出现 ${pattern}；输出：\n${stdout}${stderr}`));
        };
        const finish = (err: Error | null, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve(m!);
        };
        listeners.add(check);
        check();
      }),
  };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).exited;
}

export interface Store {
  kind: 'pglite' | 'postgres';
  /** What a child needs to open the same store with the same keys. */
  env: Record<string, string>;
  /** Folder of keys.json and the audit anchor. */
  keyDir: string;
  /** PGlite data folder (null on a server). */
  dataDir: string | null;
  /** Server URL of the database (null for PGlite). */
  url: string | null;
  /** The test's own handle, with the same keys and anchor the child uses (PGlite: close it before a child opens the folder). */
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

/**
 * A migrated store holding the test regions (于都县, 兴国县 and their ancestors, so no child loads
 * the whole province): a PGlite folder, or a new server database when TEST_DATABASE_URL is set.
 */
export async function prepareStore(): Promise<Store> {
  const tmp = mkdtempSync(join(tmpdir(), 'jb-child-'));
  if (!TEST_DATABASE_URL) {
    const dataDir = join(tmp, 'data');
    const database = await openDatabase({ dataDir, command: 'test' });
    try {
      await migrate(database);
      await loadRegions(database.db, await testRegionRows());
    } finally {
      await database.close();
    }
    return {
      kind: 'pglite', env: { JIANBANG_DATA_DIR: dataDir }, keyDir: join(dataDir, 'keys'), dataDir, url: null,
      open: () => openDatabase({ dataDir, command: 'test' }),
      cleanup: async () => rmSync(tmp, { recursive: true, force: true }),
    };
  }
  // The test database helper creates, migrates, fills and later drops the database; its own
  // handle has this process's ephemeral keys, so the test and the child use a key folder instead.
  const server = await createTestDatabase();
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${server.name}`;
  const url = u.toString();
  const keyDir = join(tmp, 'keys');
  return {
    kind: 'postgres', env: { DATABASE_URL: url, JIANBANG_KEY_DIR: keyDir }, keyDir, dataDir: null, url,
    open: () => openDatabase({ url, keyDir, poolSize: 4 }),
    cleanup: async () => {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
