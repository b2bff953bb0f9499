import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { loadScopedCase } from './case-facts.ts';
import { caseView } from './case-view.ts';

export async function getCase(db: Db, actor: Actor, id: number, today: string) {
  authorize(actor, 'case:read');
  return caseView(db, actor, await loadScopedCase(db, actor, id), today);
}
