import { householdMemberChanges } from '../../store/member-changes.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, can } from '../authz.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { viewerOf } from '../privacy.ts';
import { memberChangeView } from './views.ts';

/** The natural member changes of one household, latest event first (REG-5). */
export async function listHouseholdMemberChanges(db: Db, actor: Actor, householdId: number) {
  authorize(actor, 'member_change:read');
  const h = await loadScopedHousehold(db, actor, householdId);
  const rows = await householdMemberChanges(db, householdId);
  return { items: rows.map((r) => memberChangeView(r, viewerOf(actor, h.region_code))), canRecord: can(actor, 'member_change:write', h.region_code) };
}
