/**
 * Field encryption at rest (SEC-7): AES-256-GCM with a key from the key ring (outside the
 * database), and a keyed blind index (HMAC-SHA256) for lookups and uniqueness.
 *
 * A sealed value is text `jbenc:1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>`, so a check
 * constraint can refuse plaintext and a rotation can find what an old key sealed. Reading is
 * transparent: the database context plugin opens every sealed value in every result row
 * (`context.ts`); writing is explicit, `seal(db, value)` where a sensitive column is set.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyRing } from './keys.ts';
import { contextOf, freshKeys } from './context.ts';

export const SEALED_PREFIX = 'jbenc:1:';

/** The whole shape of a sealed value; the database's check constraints use the same pattern (008). */
export const SEALED_PATTERN = /^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$/;

/**
 * A stored value that cannot be opened. `unknown_key`: made with a data key this process does not
 * have (rotated elsewhere, or the key file is not this database's); `tampered`: the GCM tag does not
 * match (the ciphertext, its key id or its IV was changed); `malformed`: not a sealed value at all.
 */
export class SealedValueError extends Error {
  override name = 'SealedValueError';
  constructor(
    readonly kind: 'unknown_key' | 'tampered' | 'malformed',
    readonly keyId: string,
    message: string,
  ) {
    super(message);
  }
}

export function sealWith(keys: KeyRing, plain: string): string {
  const kid = keys.currentDataKeyId;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.dataKeys.get(kid)!, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${kid}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
}

export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith(SEALED_PREFIX);
}

/** The key id a sealed value was made with. */
export function sealedKeyId(v: string): string {
  return v.slice(SEALED_PREFIX.length, v.indexOf(':', SEALED_PREFIX.length));
}

export function openWith(keys: KeyRing, sealed: string): string {
  if (!SEALED_PATTERN.test(sealed)) throw new SealedValueError('malformed', '', '无法解密：存储的值不是完整的密文（格式不符）');
  const kid = sealedKeyId(sealed);
  const key = keys.dataKeys.get(kid);
  if (!key) throw new SealedValueError('unknown_key', kid, `无法解密：密钥 ${kid} 不在密钥文件中（密钥轮换未完成时不要删除旧密钥）`);
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length + kid.length + 1), 'base64url');
  if (raw.length < 28) throw new SealedValueError('malformed', kid, '无法解密：密文过短');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 });
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedValueError('tampered', kid, '无法解密：密文已损坏或被篡改（认证标签不符）');
  }
}

export type BlindIndexKind = 'id_number';

/** HMAC-SHA256 of the normalised value under the blind-index key: equal values, equal index. */
export function blindIndexWith(keys: KeyRing, kind: BlindIndexKind, value: string): string {
  return createHmac('sha256', keys.blindIndexKey).update(`${kind}:${value.trim().toUpperCase()}`).digest('hex');
}

/** Seals `plain` with the current data key of `db`'s key ring; null stays null. */
export function seal(db: Kysely<any>, plain: string): string;
export function seal(db: Kysely<any>, plain: string | null | undefined): string | null;
export function seal(db: Kysely<any>, plain: string | null | undefined): string | null {
  return plain == null ? null : sealWith(freshKeys(contextOf(db)), plain);
}

export function blindIndex(db: Kysely<any>, kind: BlindIndexKind, value: string): string {
  return blindIndexWith(contextOf(db).keys, kind, value);
}
