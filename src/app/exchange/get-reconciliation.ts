import { maskIdNumber } from '../../domain/masking.ts';
import { RECONCILIATION_KIND_NAMES, RECONCILIATION_KINDS, type ReconciliationKind } from '../../domain/sheets/national.ts';
import { Check } from '../../domain/validation.ts';
import { countItems, findRun, listRuns, runErrors, runItems, type ReconciliationErrorRow, type ReconciliationItemRow, type ReconciliationRunRow } from '../../store/reconciliation.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { scopePattern } from '../authz.ts';
import { invalid, notFound } from '../errors.ts';
import { viewerOf, viewText } from '../privacy.ts';
import { authorizeExchange } from './access.ts';
import { summaryOf } from './reconcile-national.ts';

export interface ItemQuery {
  kind?: string;
  page?: string | number;
  pageSize?: string | number;
}

/** Errors shown with the run; the rest are in the Excel export. */
const ERRORS_SHOWN = 200;

/** A run the actor may read: its region lies in the actor's subtree (a city reads its counties' runs). */
export async function loadRun(db: Db, actor: Actor, id: number): Promise<ReconciliationRunRow> {
  authorizeExchange(actor);
  const run = Number.isSafeInteger(id) && id > 0 ? await findRun(db, id, scopePattern(actor)) : undefined;
  if (!run) throw notFound('对账记录不存在');
  return run;
}

export function runView(r: ReconciliationRunRow) {
  return {
    id: r.id, countyCode: r.county_code, scopeRegionCode: r.scope_region_code, fileSha256: r.file_sha256, fileBytes: r.file_bytes,
    fileKind: r.file_kind, asOf: r.as_of, actorName: r.actor_name, createdAt: r.created_at, summary: summaryOf(r),
  };
}

/**
 * An item as the viewer may see it (SEC-3): ID numbers were masked when stored; the texts (names,
 * values, the village) pass through the viewer's free-text rules.
 */
export function itemView(actor: Actor, run: ReconciliationRunRow, i: ReconciliationItemRow) {
  const v = viewerOf(actor, i.region_code ?? run.scope_region_code);
  return {
    id: i.id, kind: i.kind, kindName: RECONCILIATION_KIND_NAMES[i.kind as ReconciliationKind] ?? i.kind, householdId: i.household_id,
    fileRow: i.file_row, regionName: viewText(v, i.region_name), headName: viewText(v, i.head_name),
    // Stored masked; masked again so a row written by hand could not carry a whole number out.
    headIdNumber: i.head_id_masked ? maskIdNumber(i.head_id_masked) : null,
    field: i.field, nationalValue: viewText(v, i.national_value), jianbangValue: viewText(v, i.jianbang_value), detail: viewText(v, i.detail),
  };
}

/** A row error: its value was masked when stored (displayValue); free text by the viewer's rules. */
export function errorView(actor: Actor, run: ReconciliationRunRow, e: ReconciliationErrorRow) {
  return { row: e.file_row, column: e.column_name, value: viewText(viewerOf(actor, run.scope_region_code), e.value), reason: e.reason };
}

export function kindFilter(c: Check, kind: string | undefined): ReconciliationKind | undefined {
  if (kind === undefined || kind === '') return undefined;
  return c.oneOf('kind', kind, RECONCILIATION_KINDS) ?? undefined;
}

/** One run with a page of its items (optionally of one kind) and its first row errors. */
export async function getReconciliation(db: Db, actor: Actor, id: number, query: ItemQuery) {
  const run = await loadRun(db, actor, id);
  const c = new Check();
  const kind = kindFilter(c, query.kind);
  const page = Number(query.page ?? 1);
  const pageSize = Number(query.pageSize ?? 20);
  if (!Number.isInteger(page) || page < 1) c.fail('page', '页码应为正整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) c.fail('pageSize', '每页条数应为1-100');
  if (!c.ok) throw invalid(c.errors);
  const [items, total, errors] = await Promise.all([
    runItems(db, run.id, { kind, limit: pageSize, offset: (page - 1) * pageSize }),
    countItems(db, run.id, kind),
    runErrors(db, run.id, { limit: ERRORS_SHOWN }),
  ]);
  return {
    ...runView(run),
    items: { page, pageSize, total, items: items.map((i) => itemView(actor, run, i)) },
    errors: errors.map((e) => errorView(actor, run, e)),
    errorsShown: Math.min(run.errors, ERRORS_SHOWN),
  };
}

/** The runs of the actor's region, newest first. */
export async function listReconciliations(db: Db, actor: Actor, query: { page?: string | number; pageSize?: string | number }) {
  authorizeExchange(actor);
  const page = Number(query.page ?? 1);
  const pageSize = Number(query.pageSize ?? 20);
  const c = new Check();
  if (!Number.isInteger(page) || page < 1) c.fail('page', '页码应为正整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) c.fail('pageSize', '每页条数应为1-100');
  if (!c.ok) throw invalid(c.errors);
  const { items, total } = await listRuns(db, scopePattern(actor), pageSize, (page - 1) * pageSize);
  return { page, pageSize, total, items: items.map(runView) };
}
