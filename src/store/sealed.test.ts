import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { KeyRing } from './keys.ts';
import { blindIndexWith, isSealed, openWith, SEALED_PATTERN, SealedValueError, sealedKeyId, sealWith } from './sealed.ts';

const ring = (current = 'k1', ids = ['k1', 'k2']): KeyRing => ({
  dataKeys: new Map(ids.map((id) => [id, randomBytes(32)])),
  currentDataKeyId: current,
  blindIndexKey: randomBytes(32),
  auditKey: randomBytes(32),
});

/** The error `fn` throws. */
function thrown(fn: () => unknown): SealedValueError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SealedValueError) return e;
    throw e;
  }
  throw new Error('expected a SealedValueError');
}

describe('sealed values (AES-256-GCM)', () => {
  const keys = ring();

  it('open to what was sealed, including the empty string and Chinese text', () => {
    for (const plain of ['360731199001011234', '13800138000', '', '陈秀英 江西省于都县'])
      expect(openWith(keys, sealWith(keys, plain))).toBe(plain);
  });

  it('differ at every sealing (random IV) and name the current key', () => {
    const a = sealWith(keys, '360731199001011234');
    const b = sealWith(keys, '360731199001011234');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(a).toMatch(SEALED_PATTERN);
    expect(sealWith(keys, '')).toMatch(SEALED_PATTERN);
    expect(sealedKeyId(a)).toBe('k1');
    expect(a).not.toContain('360731199001011234');
  });

  it('refuse a changed ciphertext, tag or IV (tampered)', () => {
    const s = sealWith(keys, '6222020200112233445');
    const payload = s.slice(s.lastIndexOf(':') + 1);
    const bytes = (p: string) => Buffer.from(p, 'base64url').toString('hex');
    for (const at of [0, 14, 20, payload.length - 1]) {
      // A replacement that changes the decoded bytes: the last character's low bits may be padding,
      // so 'A' → 'B' there can decode to the same bytes (and then nothing was tampered with).
      const edit = (c: string) => `${payload.slice(0, at)}${c}${payload.slice(at + 1)}`;
      const c = [...'AgQw_'].find((x) => x !== payload[at] && bytes(edit(x)) !== bytes(payload))!;
      const changed = `${s.slice(0, s.lastIndexOf(':') + 1)}${edit(c)}`;
      const e = thrown(() => openWith(keys, changed));
      expect(e.kind).toBe('tampered');
      expect(e.message).toBe('无法解密：密文已损坏或被篡改（认证标签不符）');
    }
  });

  it('refuse a value moved under another key id of the ring (tampered)', () => {
    const s = sealWith(keys, '13800138000');
    expect(thrown(() => openWith(keys, s.replace(':k1:', ':k2:'))).kind).toBe('tampered');
  });

  it('name a key the ring does not hold (unknown_key)', () => {
    const other = ring('k9', ['k9']);
    const e = thrown(() => openWith(keys, sealWith(other, 'x')));
    expect(e.kind).toBe('unknown_key');
    expect(e.keyId).toBe('k9');
    expect(e.message).toContain('密钥 k9 不在密钥文件中');
  });

  it('refuse text that only looks like a sealed value (malformed)', () => {
    for (const v of ['jbenc:1:k1', 'jbenc:1:k1:abc', `jbenc:1:k1:${'A'.repeat(37)}`, 'jbenc:1::AAAA'])
      expect(thrown(() => openWith(keys, v)).kind, v).toBe('malformed');
  });
});

describe('blind index (HMAC-SHA256)', () => {
  it('is equal for the same number however it is typed, and differs for another number', () => {
    const keys = ring();
    const a = blindIndexWith(keys, 'id_number', '36073119900101123X');
    expect(blindIndexWith(keys, 'id_number', ' 36073119900101123x ')).toBe(a);
    expect(blindIndexWith(keys, 'id_number', '360731199001011234')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the key: without it the index says nothing', () => {
    expect(blindIndexWith(ring(), 'id_number', '360731199001011234')).not.toBe(blindIndexWith(ring(), 'id_number', '360731199001011234'));
  });
});
