import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDataKey, keyFileStamp, loadKeyRing, retireDataKeys, withNewDataKey } from './keys.ts';
import { openWith, sealWith } from './sealed.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'jb-keys-unit-'));
  dirs.push(d);
  return join(d, 'keys');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fileIds = (dir: string) => (JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')).dataKeys as { id: string }[]).map((k) => k.id);

describe('key file', () => {
  it('is created once, readable by its owner only, and read back the same', () => {
    const dir = tempDir();
    const a = loadKeyRing(dir, {});
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    const b = loadKeyRing(dir, {});
    expect(b.currentDataKeyId).toBe(a.currentDataKeyId);
    expect(openWith(b, sealWith(a, '360731199001011234'))).toBe('360731199001011234');
    expect(b.dataKeyCreatedAt?.get(a.currentDataKeyId)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('addDataKey makes a new current key and keeps the old ones, so old values still open', () => {
    const dir = tempDir();
    const before = loadKeyRing(dir, {});
    const sealed = sealWith(before, '13800138000');
    const stamp = keyFileStamp(dir);
    const id = addDataKey(dir);
    expect(keyFileStamp(dir)).not.toBe(stamp);
    const after = loadKeyRing(dir, {});
    expect(after.currentDataKeyId).toBe(id);
    expect(id).not.toBe(before.currentDataKeyId);
    expect(openWith(after, sealed)).toBe('13800138000');
    expect(after.blindIndexKey.equals(before.blindIndexKey)).toBe(true);
  });

  it('two additions in a row both survive (the file is rewritten under a lock, never half)', () => {
    const dir = tempDir();
    const first = loadKeyRing(dir, {}).currentDataKeyId;
    const a = addDataKey(dir);
    const b = addDataKey(dir);
    expect(fileIds(dir)).toEqual([first, a, b]);
    expect(existsSync(join(dir, 'keys.json.lock'))).toBe(false);
  });

  it('two processes adding keys at once lose none (the read-modify-write holds a lock)', async () => {
    const dir = tempDir();
    loadKeyRing(dir, {});
    const keysModule = fileURLToPath(new URL('./keys.ts', import.meta.url));
    // Both start adding at the same moment, whatever their start-up took.
    const go = Date.now() + 3000;
    const adder = () =>
      new Promise<void>((resolve, reject) => {
        const code = `const m = await import(${JSON.stringify(keysModule)}); while (Date.now() < ${go}); for (let i = 0; i < 100; i++) m.addDataKey(${JSON.stringify(dir)});`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(err))));
      });
    await Promise.all([adder(), adder()]);
    expect(fileIds(dir)).toHaveLength(201); // none lost
    expect(new Set(fileIds(dir)).size).toBe(201); // none with another's id
  });

  it('a lock left by a dead process is cleared', () => {
    const dir = tempDir();
    loadKeyRing(dir, {});
    writeFileSync(join(dir, 'keys.json.lock'), '999999999');
    addDataKey(dir);
    expect(fileIds(dir)).toHaveLength(2);
    expect(existsSync(join(dir, 'keys.json.lock'))).toBe(false);
  });

  it('retireDataKeys removes old keys but never the current one or one asked to keep', () => {
    const dir = tempDir();
    const k0 = loadKeyRing(dir, {}).currentDataKeyId;
    const k1 = addDataKey(dir);
    const k2 = addDataKey(dir);
    expect(retireDataKeys(dir, new Set([k1]))).toEqual([k0]);
    expect(fileIds(dir)).toEqual([k1, k2]);
    expect(retireDataKeys(dir, new Set())).toEqual([k1]);
    expect(fileIds(dir)).toEqual([k2]);
  });

  it('withNewDataKey rotates a ring kept in memory', () => {
    const ring = loadKeyRing(tempDir(), {});
    const next = withNewDataKey(ring);
    expect(next.currentDataKeyId).not.toBe(ring.currentDataKeyId);
    expect(openWith(next, sealWith(ring, 'x'))).toBe('x');
    expect(ring.dataKeys.size).toBe(1);
  });
});
