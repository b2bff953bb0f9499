/**
 * Import of a household's records (INC-1…3, IDN-3): income, claims, expenditure and risks, one
 * sheet each. A row names its household by the head's ID number (blind index, SEC-7); a household
 * outside the importer's scope is answered like an unknown one, so a file cannot be used to learn
 * where a person is registered. Each row is validated by `checkRecord`, the forms' validator, and
 * upserted by its identity (RECORD_SHEETS[kind].identity): an equal record is left alone, a changed
 * one updated with version and audit, a new one inserted. A new unresolved risk of a household
 * whose risk was eliminated opens an identification case, as the form does (Q39).
 */
import { idNumberProblem } from '../../domain/id-number.ts';
import { checkRecord, RECORD_KIND_NAMES, RECORD_TABLES, type RecordKind } from '../../domain/household-records.ts';
import { countyCodeOf, isInSubtree } from '../../domain/region-code.ts';
import { RECORD_SHEETS } from '../../domain/sheets/records.ts';
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import { Check } from '../../domain/validation.ts';
import { chinaDate } from '../../domain/clock.ts';
import type { AuditEntry } from '../../store/audit.ts';
import { openCaseOf } from '../../store/cases.ts';
import { recordsOf } from '../../store/household-records.ts';
import type { HouseholdRow, MemberRow } from '../../store/households.ts';
import { idNumberIndex } from '../../store/members.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { insertCase } from '../cases/open-case.ts';
import { ImportConflict } from './import-registry.ts';
import { checkRiskDates, shownRecord } from '../household-records/record-use-cases.ts';
import { NOBODY } from '../privacy.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';
import { cellProblem, validationProblems, type ParsedRow } from './sheet-rows.ts';

export const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Where a row came from (for its problems). */
export interface SourceLine {
  row: number;
  sheet: string;
  texts: Map<string, string>;
}

/** Active members with these ID numbers, by number (blind index: the numbers are sealed at rest). */
export async function membersByIdNumber(db: Db, numbers: Iterable<string>): Promise<Map<string, MemberRow>> {
  const out = new Map<string, MemberRow>();
  for (const part of chunks([...new Set(numbers)], 1000)) {
    const byIndex = new Map(part.map((n) => [idNumberIndex(db, n), n]));
    const rows = await db.selectFrom('member').selectAll().where('id_number_bidx', 'in', [...byIndex.keys()]).where('active', '=', true).execute();
    for (const r of rows) out.set(byIndex.get(r.id_number_bidx!)!, r);
  }
  return out;
}

/** Is a region in the job's scope: the importer's subtree, in the job's county. */
export const inImportScope = (ctx: ImportContext, code: string) => isInSubtree(ctx.scope.regionCode, code) && countyCodeOf(code) === ctx.scope.countyCode;

/**
 * The households whose heads have these ID numbers, within the job's scope; the others get the
 * reason of their row. Unknown and out-of-scope numbers get the same answer (SEC-3).
 */
export async function householdsOfHeads(db: Db, ctx: ImportContext, heads: Iterable<string>): Promise<Map<string, HouseholdRow | string>> {
  const members = await membersByIdNumber(db, heads);
  const ids = [...new Set([...members.values()].map((m) => m.household_id))];
  const households = new Map<number, HouseholdRow>();
  for (const part of chunks(ids, 1000)) for (const h of await db.selectFrom('household').selectAll().where('id', 'in', part).execute()) households.set(h.id, h);
  const unknown = `本次导入的范围内（${ctx.scope.regionName}）没有以该身份证号为户主的农户：请核对户主身份证号，或先登记该户`;
  const out = new Map<string, HouseholdRow | string>();
  for (const n of heads) {
    const m = members.get(n);
    const h = m && households.get(m.household_id);
    if (!m || !h || !inImportScope(ctx, h.region_code)) out.set(n, unknown);
    else if (m.relation !== 'head') out.set(n, '该身份证号登记为家庭成员而不是户主：请填写该户户主的身份证号');
    else out.set(n, h);
  }
  return out;
}

/** The ids of the households found. */
export const foundIds = (households: Map<string, HouseholdRow | string>) => [...new Set([...households.values()].flatMap((h) => (typeof h === 'string' ? [] : [h.id])))];

/** A line's household, or null with the problem of its head's column added. */
export function householdOfLine(spec: SheetSpec, line: SourceLine & { head: string }, households: Map<string, HouseholdRow | string>, problems: RowProblem[]): HouseholdRow | null {
  const h = households.get(line.head)!;
  if (typeof h !== 'string') return h;
  problems.push(cellProblem(spec, line, 'headIdNumber', h));
  return null;
}

/** Adds `v` to the list under `key` (stored rows by identity: more than one is ambiguous). */
export function addTo<T>(map: Map<string, T[]>, key: string, v: T) {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

/** The job's actor as the use cases take it (the audit and case views need a whole actor). */
export const jobActor = (ctx: ImportContext): Actor => ({ ...ctx.actor, username: '', departmentKind: null, regionCode: ctx.scope.regionCode });

/** Why the record changed, in each audit entry of the job. */
export const importReason = (ctx: ImportContext) => `导入 ${ctx.fileName}（导入任务 ${ctx.jobId}）`;

/** Checks the head's ID number of a row (and any other ID number columns of it). */
export function idNumberProblems(spec: SheetSpec, row: ParsedRow, fields: string[]): RowProblem[] {
  const out: RowProblem[] = [];
  for (const f of fields) {
    const v = row.input[f];
    const p = typeof v === 'string' ? idNumberProblem(v) : null;
    if (p) out.push(cellProblem(spec, row, f, p));
  }
  return out;
}

export interface UpsertPlan<I, U> {
  inserts: I[];
  updates: U[];
  unchanged: number;
}

/**
 * What the record, measure and population importers share: one row per identity in a file, and
 * a plan of inserts and updates kept only when no row has a problem (all or nothing).
 */
export abstract class UpsertImporter<I, U> {
  protected plan: UpsertPlan<I, U> | null = null;
  private seen = new Map<string, number>();

  /** The row an identity was first seen on, remembering this one if it is the first. */
  protected firstRowOf(key: string, row: number): number | undefined {
    const first = this.seen.get(key);
    if (first === undefined) this.seen.set(key, row);
    return first;
  }

  protected newPlan(): UpsertPlan<I, U> {
    return { inserts: [], updates: [], unchanged: 0 };
  }

  protected planned(problems: RowProblem[], plan: UpsertPlan<I, U>): RowProblem[] {
    this.plan = problems.length ? null : plan;
    return problems;
  }

  counts(): WriteCounts {
    const p = this.plan!;
    return { created: p.inserts.length, updated: p.updates.length, unchanged: p.unchanged };
  }
}

/** The columns that name a record (the rest is what an import may change). */
const IDENTITY: Record<RecordKind, string[]> = {
  incomes: ['type', 'from_month', 'to_month', 'member_id'],
  claims: ['type', 'month'],
  expenses: ['type', 'month'],
  risks: ['type', 'found_on'],
};
/** Every column a row sets, identity included. */
const COLUMNS: Record<RecordKind, string[]> = {
  incomes: ['type', 'amount_fen', 'from_month', 'to_month', 'member_id', 'note'],
  claims: ['type', 'amount_fen', 'month', 'status', 'note'],
  expenses: ['type', 'amount_fen', 'month', 'note'],
  risks: ['type', 'self_resolvable', 'income_drop', 'resolved', 'found_on', 'resolved_on', 'note'],
};

const IDENTITY_NAMES: Record<RecordKind, string> = {
  incomes: '户主、收入类型、起止月份和成员', claims: '户主、理赔类型和月份', expenses: '户主、支出类型和月份', risks: '户主、风险类型和发现日期',
};

type Cols = Record<string, unknown>;

interface RecordLine extends SourceLine {
  head: string;
  memberIdNumber: string | null;
  cols: Cols;
}

const identityKey = (kind: RecordKind, householdId: number, r: Cols) => JSON.stringify([householdId, ...IDENTITY[kind].map((k) => r[k] ?? null)]);

export class RecordsImporter extends UpsertImporter<{ household: HouseholdRow; cols: Cols }, { before: Cols; set: Cols }> implements SheetImporter {
  readonly key: string;
  readonly sheets: readonly SheetSpec[];
  readonly title: string;
  private lines: RecordLine[] = [];

  constructor(readonly kind: RecordKind) {
    super();
    const spec = RECORD_SHEETS[kind];
    this.key = kind;
    this.sheets = [spec];
    this.title = spec.title;
  }

  accept(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const problems = [...row.problems, ...idNumberProblems(spec, row, ['headIdNumber', 'memberIdNumber'])];
    const { headIdNumber, memberIdNumber, ...body } = row.input;
    const c = new Check();
    const cols = checkRecord(this.kind, c, body);
    checkRiskDates(c, this.kind, cols);
    problems.push(...validationProblems(spec, row, c.errors));
    if (problems.length || typeof headIdNumber !== 'string') return problems;
    for (const k of COLUMNS[this.kind]) cols[k] ??= null;
    // Within the file the member is still a number; two rows of one record are one too many.
    const key = JSON.stringify([headIdNumber, memberIdNumber ?? null, ...IDENTITY[this.kind].filter((k) => k !== 'member_id').map((k) => cols[k])]);
    const first = this.firstRowOf(key, row.row);
    if (first) return [{ sheet: row.sheet, row: row.row, column: '', value: '', reason: `与第 ${first} 行是同一条${RECORD_KIND_NAMES[this.kind]}记录（${IDENTITY_NAMES[this.kind]}都相同）：请合并为一行` }];
    this.lines.push({ row: row.row, sheet: row.sheet, texts: row.texts, head: headIdNumber, memberIdNumber: (memberIdNumber as string | undefined) ?? null, cols });
    return [];
  }

  async validate(db: Db, ctx: ImportContext): Promise<RowProblem[]> {
    const spec = this.sheets[0]!;
    const problems: RowProblem[] = [];
    const households = await householdsOfHeads(db, ctx, this.lines.map((l) => l.head));
    const members = await membersByIdNumber(db, this.lines.flatMap((l) => (l.memberIdNumber ? [l.memberIdNumber] : [])));
    const existing = new Map<string, Cols[]>();
    for (const part of chunks(foundIds(households), 1000)) for (const r of await recordsOf(db, this.kind, part)) addTo(existing, identityKey(this.kind, r.household_id, r), r);
    const plan = this.newPlan();
    for (const line of this.lines) {
      const h = householdOfLine(spec, line, households, problems);
      if (!h) continue;
      const cols = { ...line.cols };
      if (line.memberIdNumber) {
        const m = members.get(line.memberIdNumber);
        // The form's message: a member of another household is not named.
        if (!m || m.household_id !== h.id) {
          problems.push(cellProblem(spec, line, 'memberIdNumber', '该成员不属于本户'));
          continue;
        }
        cols.member_id = m.id;
      }
      const matches = existing.get(identityKey(this.kind, h.id, cols)) ?? [];
      if (matches.length > 1) {
        problems.push({ sheet: line.sheet, row: line.row, column: '', value: '', reason: `系统中该户有 ${matches.length} 条相同的${RECORD_KIND_NAMES[this.kind]}记录，无法确定更新哪一条：请先在系统中作废重复的记录` });
        continue;
      }
      const before = matches[0];
      if (!before) {
        plan.inserts.push({ household: h, cols });
        continue;
      }
      const set: Cols = {};
      for (const k of COLUMNS[this.kind]) if ((before[k] ?? null) !== (cols[k] ?? null)) set[k] = cols[k];
      if (Object.keys(set).length) plan.updates.push({ before, set });
      else plan.unchanged++;
    }
    return this.planned(problems, plan);
  }

  async write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts> {
    const p = this.plan!;
    const kind = this.kind;
    const table = RECORD_TABLES[kind] as 'income_record';
    const reason = importReason(ctx);
    const audit: AuditEntry[] = [];
    const inserted: { row: Cols; household: HouseholdRow }[] = [];
    for (const part of chunks(p.inserts, 500)) {
      const rows = await trx.insertInto(table).values(part.map((i) => ({ ...(i.cols as any), household_id: i.household.id, county_code: i.household.county_code }))).returningAll().execute();
      // By the row's household, not its position: RETURNING promises no order.
      const households = new Map(part.map((i) => [i.household.id, i.household]));
      for (const r of rows) inserted.push({ row: r, household: households.get(r.household_id)! });
      onWritten(part.length);
    }
    for (const { row, household } of inserted)
      audit.push({ actor: ctx.actor, action: `${kind}.create`, objectType: 'household', objectId: household.id, countyCode: household.county_code, after: shownRecord(kind, row, NOBODY), reason });
    for (const u of p.updates) {
      const saved = await trx.updateTable(table).set({ ...(u.set as any), version: (u.before.version as number) + 1 }).where('id', '=', u.before.id as number).where('version', '=', u.before.version as number).returningAll().executeTakeFirst();
      if (!saved) throw new ImportConflict(`${RECORD_KIND_NAMES[kind]}记录（${u.before.id} 号）在校验之后被他人修改`);
      audit.push({ actor: ctx.actor, action: `${kind}.update`, objectType: 'household', objectId: saved.household_id, countyCode: saved.county_code, before: shownRecord(kind, u.before, NOBODY), after: shownRecord(kind, saved, NOBODY), reason });
      onWritten(1);
    }
    if (kind === 'risks') await this.openCasesForNewRisks(trx, ctx, inserted);
    ctx.audit.push(...audit);
    return this.counts();
  }

  /**
   * Q39, as addRecord does it: a new unresolved risk of a household whose risk was eliminated
   * starts a new identification case (one per household, with its own audit entry).
   */
  private async openCasesForNewRisks(trx: Tx, ctx: ImportContext, inserted: { row: Cols; household: HouseholdRow }[]) {
    const done = new Set<number>();
    const today = chinaDate(new Date());
    for (const { row, household: h } of inserted) {
      if (h.monitoring_status !== 'eliminated' || row.resolved || done.has(h.id)) continue;
      done.add(h.id);
      if (await openCaseOf(trx, h.id, 'identification')) continue;
      await insertCase(trx, jobActor(ctx), h, { kind: 'identification', source: 'new_risk', leadOn: (row.found_on as string | null) ?? today, leadNote: `风险消除后出现新的风险（Q39，${importReason(ctx)}）` });
    }
  }
}
