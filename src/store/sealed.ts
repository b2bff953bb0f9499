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
import { contextOf } from './context.ts';

export const SEALED_PREFIX = 'jbenc:1:';

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
  const kid = sealedKeyId(sealed);
  const key = keys.dataKeys.get(kid);
  if (!key) throw new Error(`无法解密：密钥 ${kid} 不在密钥文件中（密钥轮换未完成时不要删除旧密钥）`);
  const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length + kid.length + 1), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('无法解密：密文已损坏或被篡改（认证标签不符）');
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
  return plain == null ? null : sealWith(contextOf(db).keys, plain);
}

export function blindIndex(db: Kysely<any>, kind: BlindIndexKind, value: string): string {
  return blindIndexWith(contextOf(db).keys, kind, value);
}
