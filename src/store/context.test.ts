import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCurrentDataKey, freshKeys, KEY_CHECK_INTERVAL_MS, openSealed, type DatabaseContext } from './context.ts';
import { addDataKey, loadKeyRing } from './keys.ts';
import { sealWith, SealedValueError } from './sealed.ts';

const dirs: string[] = [];
const contextIn = (): DatabaseContext => {
  const d = mkdtempSync(join(tmpdir(), 'jb-ctx-'));
  dirs.push(d);
  return { keys: loadKeyRing(d, {}), keyDir: d, auditHead: null };
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a context whose key file another process rotates', () => {
  it('opens a value sealed with a key it lacks by reading the key file once more', () => {
    const mine = contextIn();
    const other: DatabaseContext = { keys: mine.keys, keyDir: mine.keyDir, auditHead: null };
    addCurrentDataKey(other);
    const sealed = sealWith(other.keys, '360731199001011234');
    expect(mine.keys.dataKeys.has(other.keys.currentDataKeyId)).toBe(false);
    expect(openSealed(mine, sealed)).toBe('360731199001011234');
    expect(mine.keys.currentDataKeyId).toBe(other.keys.currentDataKeyId);
  });

  it('switches new seals to the new current key at its next look at the file', () => {
    const ctx = contextIn();
    const t0 = Date.now();
    const first = freshKeys(ctx, t0).currentDataKeyId;
    const added = addDataKey(ctx.keyDir!);
    // Within one check interval the ring is not looked at again; after it, the change is seen.
    expect(freshKeys(ctx, t0 + 1).currentDataKeyId).toBe(first);
    expect(freshKeys(ctx, t0 + KEY_CHECK_INTERVAL_MS + 1).currentDataKeyId).toBe(added);
  });

  it('without a key folder it cannot reload and names the missing key and the column', () => {
    const ctx: DatabaseContext = { ...contextIn(), keyDir: null };
    const foreign = contextIn();
    const e = (() => {
      try {
        openSealed(ctx, sealWith(foreign.keys, 'x'), 'phone');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SealedValueError);
    expect((e as Error).message).toMatch(/^字段 phone 无法解密：密钥 \w+ 不在密钥文件中/);
  });
});
