import { suspendHouseholdMeasures } from '../../store/assistance.ts';
import type { Tx } from '../../store/transaction.ts';

/**
 * Leaving the green channel suspends the measures started for it (Q29, GRN-2). Returns the
 * measures as they were, for the step's audit entry.
 */
export async function suspendMeasuresOnGreenExit(trx: Tx, householdId: number, on: string, reason: string) {
  const before = await suspendHouseholdMeasures(trx, householdId, on, `退出绿色通道：${reason}`);
  return before.map((m) => ({ id: m.id, type: m.type, status: m.status }));
}
