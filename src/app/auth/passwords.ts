import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// argon2id (algorithm 2) with the library's defaults: 19 MiB memory, 2 passes (OWASP minimum).
export const hashPassword = (pw: string) => hash(pw, { algorithm: 2 });
export const verifyPassword = (hashed: string, pw: string) => verify(hashed, pw).catch(() => false);

let dummy: Promise<string> | null = null;

/**
 * A hash of a random password with the same parameters, computed once: an unknown username is
 * checked against it, so the answer takes as long as for a real account (no timing oracle).
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}
