import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CHALLENGE_TTL_MS, challengeBody, challengeToken, parseChallenge, powBitsFrom, powMessage, solves, type ProofFields,
} from '../../domain/self-report.ts';
import { challengeKey, pruneProtection, spendChallenge } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import { AppError, invalid } from '../errors.ts';

/**
 * The proof of work that guards the public page instead of a captcha (WRN-5): the server hands
 * out a challenge signed with a key derived from the key ring, valid for 10 minutes; the browser
 * finds a nonce whose SHA-256(`challenge:nonce`) starts with `bits` zero bits (JIANBANG_POW_BITS,
 * default 16); the server checks it with one hash and spends the challenge (once only, in one
 * statement). A challenge costs the server an HMAC and no database row until it is solved.
 */
export function issueChallenge(db: Db, now: Date, bits = powBitsFrom(process.env.JIANBANG_POW_BITS)) {
  const id = randomBytes(16).toString('base64url');
  const expiresAt = now.getTime() + CHALLENGE_TTL_MS;
  const signature = sign(db, challengeBody({ id, expiresAt, bits }));
  return { challenge: challengeToken({ id, expiresAt, bits, signature }), bits, expiresAt: new Date(expiresAt).toISOString(), algorithm: 'SHA-256' as const };
}

function sign(db: Db, body: string): string {
  return createHmac('sha256', challengeKey(db)).update(body).digest('base64url');
}

const refused = (path: 'challenge' | 'nonce', message: string) => new AppError(403, [{ path, message }]);

/** Spent challenges are kept a little longer than any challenge lives; counters longer than any window. */
let sinceLastPrune = 0;
const PRUNE_EVERY = 100;

/**
 * Checks a solved challenge and spends it. Forged or altered: 403; expired: 403; a nonce that
 * does not solve it: 403; already used: 403 — each with a Chinese message naming the field.
 */
export async function spendProofOfWork(db: Db, p: ProofFields, now: Date): Promise<void> {
  const c = parseChallenge(p.challenge);
  if (!c) throw invalid([{ path: 'challenge', message: '人机验证信息无效，请刷新页面后重新提交' }]);
  const expected = Buffer.from(sign(db, challengeBody(c)));
  const given = Buffer.from(c.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refused('challenge', '人机验证信息无效（签名不符），请刷新页面后重新提交');
  if (c.expiresAt <= now.getTime() || c.expiresAt > now.getTime() + CHALLENGE_TTL_MS) throw refused('challenge', '人机验证已过期，请重新提交');
  const hash = createHash('sha256').update(powMessage(p.challenge, p.nonce)).digest();
  if (!solves(hash, c.bits)) throw refused('nonce', '人机验证未通过，请重新提交');
  if (!(await spendChallenge(db, c.id, now))) throw refused('challenge', '该人机验证已使用过，请重新提交');
  if (++sinceLastPrune >= PRUNE_EVERY) {
    sinceLastPrune = 0;
    await pruneProtection(db, now, { throttleSeconds: 2 * 86_400, challengeSeconds: (2 * CHALLENGE_TTL_MS) / 1000 });
  }
}
