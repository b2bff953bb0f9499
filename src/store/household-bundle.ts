import { recordsOf } from './household-records.ts';
import type { HouseholdRow, MemberRow } from './households.ts';
import type { Db } from './transaction.ts';

/**
 * What an assessment reads of a member. Not the sealed columns (ID number, phone, account): the
 * context plugin would decrypt them for nothing, three values per member of a what-if (SEC-7).
 */
const ASSESSED_MEMBER_COLUMNS = [
  'id', 'household_id', 'active', 'birth_date', 'registration', 'urban_guarantees', 'lives_together', 'labor_ability', 'joined_on', 'left_on',
] as const;
export type AssessedMember = Pick<MemberRow, (typeof ASSESSED_MEMBER_COLUMNS)[number]>;

function groupBy<T extends Record<string, any>>(rows: T[], key = 'household_id'): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r[key]);
    if (list) list.push(r);
    else m.set(r[key], [r]);
  }
  return m;
}

/**
 * Loads households with their active members and live records in a few set-based queries
 * (no per-household round trips), for assessments and what-if runs.
 */
export async function loadHouseholdBundles(db: Db, households: HouseholdRow[], o: { measures?: boolean } = {}) {
  const ids = households.map((h) => h.id);
  if (ids.length === 0) return [];
  const [members, incomes, claims, expenses, risks, measures] = await Promise.all([
    // Members who left by a natural decrease too (REG-5): registryInput counts them before their left_on.
    db.selectFrom('member').select(ASSESSED_MEMBER_COLUMNS).where('household_id', 'in', ids)
      .where((eb) => eb.or([eb('active', '=', true), eb('left_on', 'is not', null)])).orderBy('id').execute(),
    recordsOf(db, 'incomes', ids),
    recordsOf(db, 'claims', ids),
    recordsOf(db, 'expenses', ids),
    recordsOf(db, 'risks', ids),
    // Assistance measures, for the elimination checks (Q37 substantive measures).
    // (identification alone, e.g. the what-if, does not read them: `measures: false`).
    o.measures === false ? [] : db.selectFrom('measure').select(['household_id', 'type', 'developmental', 'status', 'planned_start', 'period_end'])
      .where('household_id', 'in', ids).orderBy('id').execute(),
  ]);
  const by = {
    members: groupBy((members as AssessedMember[]).filter((m) => m.active)),
    formerMembers: groupBy((members as AssessedMember[]).filter((m) => !m.active)), incomes: groupBy(incomes), claims: groupBy(claims),
    expenses: groupBy(expenses), risks: groupBy(risks), measures: groupBy(measures),
  };
  return households.map((h) => ({
    household: h,
    members: by.members.get(h.id) ?? [],
    formerMembers: by.formerMembers.get(h.id) ?? [],
    incomes: by.incomes.get(h.id) ?? [],
    claims: by.claims.get(h.id) ?? [],
    expenses: by.expenses.get(h.id) ?? [],
    risks: by.risks.get(h.id) ?? [],
    measures: by.measures.get(h.id) ?? [],
  }));
}
