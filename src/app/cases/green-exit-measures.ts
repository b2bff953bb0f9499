import type { Tx } from '../../store/transaction.ts';

/** Leaving the green channel suspends the measures started for it (Q29, GRN-2). Returns how many. */
export async function suspendMeasuresOnGreenExit(_trx: Tx, _householdId: number, _on: string, _reason: string): Promise<number> {
  return 0; // wired to the measure store when it lands (issue 5)
}
