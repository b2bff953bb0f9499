import { hash, verify } from '@node-rs/argon2';

// argon2id (algorithm 2) with the library's defaults: 19 MiB memory, 2 passes (OWASP minimum).
export const hashPassword = (pw: string) => hash(pw, { algorithm: 2 });
export const verifyPassword = (hashed: string, pw: string) => verify(hashed, pw).catch(() => false);
