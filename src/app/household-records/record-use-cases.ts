import { checkRecord, RECORD_KIND_NAMES, RECORD_TABLES, recordView, type RecordKind } from '../../domain/household-records.ts';
import { Check } from '../../domain/validation.ts';
import { chinaDate } from '../../domain/clock.ts';
import { insertCase } from '../cases/open-case.ts';
import { openCaseOf } from '../../store/cases.ts';
import { appendAudit } from '../../store/audit.ts';
import { findRecord, recordsOf } from '../../store/household-records.ts';
import { householdMembers } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid, notFound, stale, unprocessable } from '../errors.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { NOBODY, viewerOf, viewText, type Viewer } from '../privacy.ts';

/** A record as the viewer may see it: its note and void reason are free text (SEC-3). */
export function shownRecord(kind: RecordKind, r: Record<string, any>, viewer: Viewer) {
  const view = recordView(kind, r);
  return { ...view, note: viewText(viewer, view.note), voidReason: viewText(viewer, view.voidReason) };
}

async function writableHousehold(db: Db, actor: Actor, householdId: number) {
  authorize(actor, 'household:write');
  const h = await loadScopedHousehold(db, actor, householdId);
  authorize(actor, 'household:write', h.region_code);
  return h;
}

async function checkMemberOfHousehold(db: Db, c: Check, householdId: number, memberId: unknown) {
  if (typeof memberId !== 'number') return;
  const members = await householdMembers(db, householdId);
  if (!members.some((m) => m.id === memberId)) c.fail('memberId', '该成员不属于本户');
}

/** A risk's dates must agree with its state; the table's check would otherwise answer 500. */
export function checkRiskDates(c: Check, kind: RecordKind, r: Record<string, any>) {
  if (kind !== 'risks' || c.errors.some((e) => e.path === 'resolvedOn')) return;
  if (r.resolved_on && !r.resolved) c.fail('resolvedOn', '风险未解决时不应填写解决日期');
  else if (r.resolved_on && r.found_on && r.resolved_on < r.found_on) c.fail('resolvedOn', '解决日期不能早于发现日期');
}

/** All income, claim, expenditure and risk records of a household (read permission). */
export async function listRecords(db: Db, actor: Actor, householdId: number) {
  authorize(actor, 'household:read');
  const h = await loadScopedHousehold(db, actor, householdId);
  const viewer = viewerOf(actor, h.region_code);
  const out: Record<string, unknown[]> = {};
  for (const kind of ['incomes', 'claims', 'expenses', 'risks'] as const)
    out[kind] = (await recordsOf(db, kind, [householdId], true)).map((r) => shownRecord(kind, r, viewer));
  return out;
}

export async function addRecord(db: Db, actor: Actor, kind: RecordKind, householdId: number, raw: unknown, today = chinaDate(new Date())) {
  const h = await writableHousehold(db, actor, householdId);
  const c = new Check();
  const cols = checkRecord(kind, c, raw);
  await checkMemberOfHousehold(db, c, householdId, cols.member_id);
  checkRiskDates(c, kind, cols);
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto(RECORD_TABLES[kind] as 'income_record')
      .values({ ...(cols as any), household_id: householdId, county_code: h.county_code })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = shownRecord(kind, row, viewerOf(actor, h.region_code));
    await appendAudit(trx, { actor, action: `${kind}.create`, objectType: 'household', objectId: householdId, countyCode: h.county_code, after: shownRecord(kind, row, NOBODY) });
    // Q39: a new risk of a household whose risk was eliminated starts a new identification case.
    if (kind === 'risks' && h.monitoring_status === 'eliminated' && !(row as Record<string, unknown>).resolved && !(await openCaseOf(trx, householdId, 'identification'))) {
      const caseId = await insertCase(trx, actor, h, { kind: 'identification', source: 'new_risk', leadOn: ((row as Record<string, unknown>).found_on as string | null) ?? today, leadNote: '风险消除后出现新的风险（Q39）' });
      return { ...view, openedCaseId: caseId };
    }
    return view;
  });
}

/** Edits a record (a claim paid, a risk resolved). `version` must match, else 409. */
export async function updateRecord(db: Db, actor: Actor, kind: RecordKind, householdId: number, id: number, raw: unknown) {
  const h = await writableHousehold(db, actor, householdId);
  const current = await findRecord(db, kind, householdId, id);
  if (!current) throw notFound(`${RECORD_KIND_NAMES[kind]}记录不存在`);
  if (current.voided_at) throw unprocessable('', '该记录已作废，不能修改');
  const c = new Check();
  const cols = checkRecord(kind, c, raw, true);
  const o = raw as Record<string, unknown>;
  const version = c.integer('version', o?.version, { required: true, min: 1 });
  await checkMemberOfHousehold(db, c, householdId, cols.member_id);
  const merged = { ...current, ...cols };
  if (kind === 'incomes' && merged.to_month < merged.from_month) c.fail('to', '截止月份不能早于起始月份');
  if (kind === 'risks' && merged.resolved === false && cols.resolved === false) cols.resolved_on = null;
  checkRiskDates(c, kind, { ...merged, ...cols });
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable(RECORD_TABLES[kind] as 'income_record')
      .set({ ...(cols as any), version: version! + 1 })
      .where('id', '=', id)
      .where('version', '=', version!)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stale();
    await appendAudit(trx, {
      actor, action: `${kind}.update`, objectType: 'household', objectId: householdId, countyCode: h.county_code,
      before: shownRecord(kind, current, NOBODY), after: shownRecord(kind, row, NOBODY), reason: typeof o.reason === 'string' ? o.reason : null,
    });
    return shownRecord(kind, row, viewerOf(actor, h.region_code));
  });
}

/** Records are never deleted: a wrong entry is voided with a reason and stays visible. */
export async function voidRecord(db: Db, actor: Actor, kind: RecordKind, householdId: number, id: number, raw: unknown) {
  const h = await writableHousehold(db, actor, householdId);
  const current = await findRecord(db, kind, householdId, id);
  if (!current) throw notFound(`${RECORD_KIND_NAMES[kind]}记录不存在`);
  const c = new Check();
  const o = c.object('', raw, ['version', 'reason']);
  const version = c.integer('version', o?.version, { required: true, min: 1 });
  const reason = c.string('reason', o?.reason, { required: true, max: 500 });
  if (current.voided_at) c.fail('', '该记录已作废');
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable(RECORD_TABLES[kind] as 'income_record')
      .set({ voided_at: new Date(), void_reason: reason, version: version! + 1 })
      .where('id', '=', id)
      .where('version', '=', version!)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw stale();
    await appendAudit(trx, {
      actor, action: `${kind}.void`, objectType: 'household', objectId: householdId, countyCode: h.county_code,
      before: shownRecord(kind, current, NOBODY), reason,
    });
    return shownRecord(kind, row, viewerOf(actor, h.region_code));
  });
}
