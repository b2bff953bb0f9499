/**
 * One process per embedded data folder, and demo loads that can run twice (issue 9 finding 8):
 * a second opener — in-process or a real `jianbang demo` — is refused at once with the Chinese
 * message and changes nothing; a lock left by a process killed with SIGKILL is cleared at the next
 * start; `demo` twice says it is already loaded; `serve --demo` after `demo` starts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/connection.ts';
import { DataDirLockedError } from '../../src/store/data-dir.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { prepareStore, runCli, startCli, type Store } from '../reliability/child.ts';

/** Every file under `dir` with its size and mtime: what "changes nothing" is checked against. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${p} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

async function demoRows(store: Store) {
  const database = await store.open();
  try {
    const q = async (query: string) => (await sql<{ n: number }>`${sql.raw(query)}`.execute(database.db)).rows[0]!.n;
    return {
      households: await q('select count(*)::int as n from household'),
      users: await q(`select count(*)::int as n from app_user where username <> 'admin'`),
      demoEntries: await q(`select count(*)::int as n from audit_log where action = 'demo.load'`),
      audit: await q('select count(*)::int as n from audit_log'),
    };
  } finally {
    await database.close();
  }
}

describe.skipIf(TEST_DB_KIND !== 'pglite')('the data folder lock (PGlite)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await prepareStore();
  });
  afterAll(() => store?.cleanup());

  it('a second openDatabase on the same folder is refused at once, naming the holder, and changes nothing', async () => {
    const first = await store.open();
    try {
      const lock = readFileSync(join(store.dataDir!, 'jianbang.lock'), 'utf8');
      const before = snapshot(store.dataDir!);
      const second = openDatabase({ dataDir: store.dataDir!, command: 'second' });
      await expect(second).rejects.toThrow(DataDirLockedError);
      await expect(second).rejects.toThrow(new RegExp(`正被另一个监帮进程使用（进程号 ${process.pid}，test`));
      expect(snapshot(store.dataDir!)).toEqual(before);
      expect(readFileSync(join(store.dataDir!, 'jianbang.lock'), 'utf8')).toBe(lock);
    } finally {
      await first.close();
    }
  });

  it('a real `jianbang demo` while another process holds the folder is refused with the message and loads nothing', async () => {
    const holder = await store.open();
    let before: string[];
    try {
      before = snapshot(store.dataDir!);
      const r = await runCli(['demo', '--households', '20'], store.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/正被另一个监帮进程使用.*同一数据目录同一时间只能由一个进程打开/);
      expect(r.stdout).not.toMatch(/已生成/);
      expect(snapshot(store.dataDir!)).toEqual(before);
    } finally {
      await holder.close();
    }
    expect(await demoRows(store)).toMatchObject({ households: 0, users: 0, demoEntries: 0 });
  });

  it('a lock left by a server killed with SIGKILL is cleared at the next start', async () => {
    const server = startCli(['serve'], { ...store.env, PORT: '0' });
    await server.waitFor(/监帮已启动：http:\/\/localhost:\d+/);
    const lockFile = join(store.dataDir!, 'jianbang.lock');
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: server.process.pid, command: 'serve' });
    server.process.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(server.process.pid); // left behind
    const reopened = await store.open();
    try {
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, command: 'test' });
    } finally {
      await reopened.close();
    }
  });
});

describe(`demo data can be asked for twice [${TEST_DB_KIND}]`, () => {
  let store: Store;
  beforeAll(async () => {
    store = await prepareStore();
  });
  afterAll(() => store?.cleanup());

  it('`demo` twice: the second run says it is already loaded and writes nothing; `serve --demo` then starts and skips it', async () => {
    const first = await runCli(['demo', '--households', '30'], store.env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/已生成 30 户演示农户/);
    const loaded = await demoRows(store);
    expect(loaded).toMatchObject({ households: 30, demoEntries: 1 });

    const second = await runCli(['demo', '--households', '30'], store.env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/县 360731 的演示数据已于 .* 载入，本次未重复载入/);
    expect(second.stdout).toMatch(/village2/);
    expect(await demoRows(store)).toEqual(loaded);

    const server = startCli(['serve', '--demo'], { ...store.env, PORT: '0' });
    try {
      await server.waitFor(/监帮已启动/);
      expect(server.output()).toMatch(/演示数据已于 .* 载入，本次未重复载入/);
    } finally {
      server.process.kill('SIGTERM');
    }
    const stopped = await server.exited;
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
    expect(await demoRows(store)).toMatchObject({ households: 30, demoEntries: 1 });
    // The stop wrote the head and a signed checkpoint.
    const checkpoints = readFileSync(join(store.keyDir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(checkpoints.at(-1)).toMatchObject({ reason: 'stop', seq: loaded.audit });
    const verify = await runCli(['audit', 'verify'], store.env);
    expect(verify.code, verify.stdout).toBe(0);
  }, 600_000);
});
