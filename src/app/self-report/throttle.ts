import type { RateLimit } from '../../domain/self-report.ts';
import { countHit } from '../../store/self-reports.ts';
import type { Db } from '../../store/transaction.ts';
import { AppError } from '../errors.ts';

/**
 * Counts a request of the public page under `key` (per IP, or per ID number's blind index) and
 * refuses it with 429 once the window's limit is passed. The count is one SQL statement
 * (store/self-reports.ts countHit), so parallel requests cannot slip past it.
 */
export async function throttle(db: Db, key: string, rule: RateLimit, now: Date, path = ''): Promise<void> {
  const hits = await countHit(db, key, now, rule.windowSeconds);
  if (hits > rule.limit) throw new AppError(429, [{ path, message: rule.message }]);
}
