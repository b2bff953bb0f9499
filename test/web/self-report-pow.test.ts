/** The browser's proof-of-work solver (web/src/self-report/pow.ts) agrees with the server's check. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leadingZeroBits, powMessage } from '../../src/domain/self-report.ts';
import { sha256, solveChallenge } from '../../web/src/self-report/pow.ts';

describe('proof of work in the browser', () => {
  it('the JavaScript SHA-256 (pages without crypto.subtle) equals node:crypto, across block boundaries', () => {
    for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 200]) {
      const data = new TextEncoder().encode('监'.repeat(len).slice(0, len) + 'x'.repeat(len));
      expect(Buffer.from(sha256(data)).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('finds the first nonce the server accepts', async () => {
    const challenge = `${'Q'.repeat(22)}.1700000000000.10.${'S'.repeat(43)}`;
    const nonce = await solveChallenge(challenge, 10);
    const ok = (n: string) => leadingZeroBits(createHash('sha256').update(powMessage(challenge, n)).digest()) >= 10;
    expect(ok(nonce)).toBe(true);
    for (let n = 0; n < Number(nonce); n++) expect(ok(String(n))).toBe(false);
  });
});
