/**
 * Key material kept outside the database (SEC-7, SEC-9): data keys for AES-256-GCM field
 * encryption (a ring, so a rotation can re-encrypt while old ciphertexts still open), a key for
 * the blind index (HMAC lookups and uniqueness by ID number) and a key for the audit chain's HMAC.
 *
 * Stored in `<keyDir>/keys.json` (directory 0700, file 0600), created at first start. The audit
 * key may instead come from `JIANBANG_AUDIT_KEY` (hex or base64, at least 32 bytes), so it can live
 * in a secrets manager. A backup never contains this file (docs/security.md).
 */
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { nodeProcessAlive } from './data-dir.ts';

export interface KeyRing {
  /** key id → 32-byte AES-256 key; every id ever used stays here until a rotation has finished. */
  dataKeys: ReadonlyMap<string, Buffer>;
  /** New ciphertexts use this key. */
  currentDataKeyId: string;
  blindIndexKey: Buffer;
  auditKey: Buffer;
  /** key id → when it was made (ISO), where known (status pages). */
  dataKeyCreatedAt?: ReadonlyMap<string, string>;
}

interface KeyFile {
  format: 1;
  current: string;
  dataKeys: { id: string; key: string; createdAt: string }[];
  blindIndexKey: string;
  auditKey: string;
}

export const KEY_FILE = 'keys.json';

/**
 * A key id: the date and 48 random bits. (24 bits collided about once in a thousand runs of the
 * 201-key concurrency test; two keys with one id would leave the data sealed with the first
 * unreadable.) `addDataKey` also draws again while the id is taken.
 */
const newKeyId = () => `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(6).toString('hex')}`;

function decodeKey(text: string, what: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length < 32) throw new Error(`${what}长度不足：至少需要32字节（64位十六进制或 base64）`);
  return buf;
}

function ringFrom(file: KeyFile, env: NodeJS.ProcessEnv): KeyRing {
  const dataKeys = new Map(file.dataKeys.map((k) => [k.id, decodeKey(k.key, `数据密钥 ${k.id} `)] as const));
  if (!dataKeys.has(file.current)) throw new Error(`密钥文件损坏：当前数据密钥 ${file.current} 不存在`);
  for (const [id, key] of dataKeys) if (key.length !== 32) throw new Error(`数据密钥 ${id} 应为32字节（AES-256）`);
  return {
    dataKeys,
    currentDataKeyId: file.current,
    dataKeyCreatedAt: new Map(file.dataKeys.map((k) => [k.id, k.createdAt] as const)),
    blindIndexKey: decodeKey(file.blindIndexKey, '索引密钥'),
    auditKey: env.JIANBANG_AUDIT_KEY ? decodeKey(env.JIANBANG_AUDIT_KEY, 'JIANBANG_AUDIT_KEY ') : decodeKey(file.auditKey, '审计密钥'),
  };
}

/** Writes the file whole or not at all (temp file, 0600, rename). */
function writeKeyFile(dir: string, file: KeyFile) {
  const path = join(dir, KEY_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function readKeyFile(dir: string): KeyFile {
  const path = join(dir, KEY_FILE);
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    // Others could read the keys: tighten rather than refuse, and say so.
    chmodSync(path, 0o600);
    console.warn(`密钥文件 ${path} 的权限过宽（${mode.toString(8)}），已改为 600`);
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  if (file.format !== 1 || !Array.isArray(file.dataKeys)) throw new Error(`无法识别的密钥文件格式：${path}`);
  return file;
}

/** The key ring of `dir`, created with fresh random keys the first time. */
export function loadKeyRing(dir: string, env: NodeJS.ProcessEnv = process.env): KeyRing {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, KEY_FILE))) {
    const id = newKeyId();
    writeKeyFile(dir, {
      format: 1,
      current: id,
      dataKeys: [{ id, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }],
      blindIndexKey: randomBytes(32).toString('base64'),
      auditKey: randomBytes(32).toString('base64'),
    });
  }
  return ringFrom(readKeyFile(dir), env);
}

/**
 * What identifies the key file's current content without reading it: a running process compares
 * this to notice that another process (a rotation) has rewritten the file.
 */
export function keyFileStamp(dir: string): string | null {
  try {
    const st = statSync(join(dir, KEY_FILE));
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs a read-modify-write of keys.json under an exclusive lock file: two processes adding keys
 * at once must not lose one (a key lost after it sealed data would make that data unreadable).
 * The lock appears whole with its owner's pid (hard link of a finished temp file); one left by a
 * dead process is cleared; a live holder is waited for, a few seconds at most.
 */
function withKeyFileLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, `${KEY_FILE}.lock`);
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (let waited = 0; ; waited += 20) {
      try {
        linkSync(mine, lock);
        break;
      } catch (e: any) {
        if (e?.code !== 'EEXIST') throw e;
      }
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      if (!nodeProcessAlive(holder)) {
        try {
          unlinkSync(lock);
        } catch {
          /* cleared by another process first */
        }
        continue;
      }
      if (waited > 5000) throw new Error(`密钥文件正被进程 ${holder} 修改（${lock}），请稍后重试`);
      sleepSync(20);
    }
  } finally {
    unlinkSync(mine);
  }
  try {
    return fn();
  } finally {
    unlinkSync(lock);
  }
}

/**
 * Rotation, step 1: a new data key becomes current; the old ones stay so existing ciphertexts
 * still open until `keys rotate` has re-encrypted them (step 2), after which `retireDataKeys`
 * removes the keys nothing uses any more.
 */
export function addDataKey(dir: string): string {
  return withKeyFileLock(dir, () => {
    const file = readKeyFile(dir);
    let id = newKeyId();
    while (file.dataKeys.some((k) => k.id === id)) id = newKeyId();
    file.dataKeys.push({ id, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() });
    file.current = id;
    writeKeyFile(dir, file);
    return id;
  });
}

/** Removes data keys other than `keep` (the current key is always kept). */
export function retireDataKeys(dir: string, keep: ReadonlySet<string>): string[] {
  return withKeyFileLock(dir, () => {
    const file = readKeyFile(dir);
    const removed = file.dataKeys.filter((k) => k.id !== file.current && !keep.has(k.id)).map((k) => k.id);
    file.dataKeys = file.dataKeys.filter((k) => k.id === file.current || keep.has(k.id));
    writeKeyFile(dir, file);
    return removed;
  });
}

/** The same ring with a fresh data key as current: rotation of a database without a key folder (in memory). */
export function withNewDataKey(ring: KeyRing): KeyRing {
  const id = newKeyId();
  return {
    ...ring,
    dataKeys: new Map([...ring.dataKeys, [id, randomBytes(32)]]),
    currentDataKeyId: id,
    dataKeyCreatedAt: new Map([...(ring.dataKeyCreatedAt ?? []), [id, new Date().toISOString()]]),
  };
}

let ephemeral: KeyRing | null = null;

/**
 * Random keys that live as long as the process: for in-memory databases (tests, the e2e server).
 * One ring per process, so several in-memory databases of one process read each other's
 * ciphertexts the same way a restarted server reads its own.
 */
export function ephemeralKeyRing(): KeyRing {
  ephemeral ??= {
    dataKeys: new Map([['ephemeral', randomBytes(32)]]),
    currentDataKeyId: 'ephemeral',
    blindIndexKey: randomBytes(32),
    auditKey: process.env.JIANBANG_AUDIT_KEY ? decodeKey(process.env.JIANBANG_AUDIT_KEY, 'JIANBANG_AUDIT_KEY ') : randomBytes(32),
  };
  return ephemeral;
}
