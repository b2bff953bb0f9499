/**
 * Import of assistance measures (帮扶措施, AST-2, AST-4). A row names its household by the head's
 * ID number and is validated by `checkMeasure`, the form's validator. Upsert by (household, type,
 * planned start): a new measure joins the household's current plan (latestPlan) as planned; a
 * registered one may change its description and period end only. Status changes go through the
 * lifecycle in the system (AST-4), never through a file.
 */
import { checkMeasure, type MeasureColumns } from '../../domain/measures.ts';
import { MEASURES_SHEET } from '../../domain/sheets/measures.ts';
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import { Check } from '../../domain/validation.ts';
import type { AuditEntry } from '../../store/audit.ts';
import type { MeasureRow } from '../../store/assistance.ts';
import { updateMeasureRow } from '../../store/assistance.ts';
import type { HouseholdRow } from '../../store/households.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import { measureView } from '../assistance/views.ts';
import { ImportConflict } from './import-registry.ts';
import { addTo, chunks, foundIds, householdOfLine, householdsOfHeads, idNumberProblems, importReason, jobActor, UpsertImporter, type SourceLine } from './import-records.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';
import { cellProblem, validationProblems, type ParsedRow } from './sheet-rows.ts';

interface MeasureLine extends SourceLine {
  head: string;
  cols: MeasureColumns;
  /** Fields the row states (an empty cell takes the catalogue's value, not a change). */
  stated: Set<string>;
}

/** Columns an import may not change on a registered measure, with the field that states them. */
const FIXED = [['department_kind', 'departmentKind'], ['form', 'form'], ['developmental', 'developmental']] as const;

const NO_PLAN = '本户尚无帮扶计划，请先制定帮扶计划';
const NOT_PLANNABLE = '该户不是监测对象，也没有正在办理的识别认定，不能制定帮扶计划（Q23：识别为监测对象后落实帮扶措施；Q27：随拟纳入名单同步上报）';

type Insert = { household: HouseholdRow; planId: number; cols: MeasureColumns };
type Update = { before: MeasureRow; household: HouseholdRow; set: Partial<MeasureColumns> };

export class MeasuresImporter extends UpsertImporter<Insert, Update> implements SheetImporter {
  readonly key = 'measures';
  readonly sheets: readonly SheetSpec[] = [MEASURES_SHEET];
  readonly title = MEASURES_SHEET.title;
  private lines: MeasureLine[] = [];

  accept(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const problems = [...row.problems, ...idNumberProblems(spec, row, ['headIdNumber'])];
    const { headIdNumber, ...body } = row.input;
    const c = new Check();
    const cols = checkMeasure(c, '', body);
    problems.push(...validationProblems(spec, row, c.errors));
    if (problems.length || !cols || typeof headIdNumber !== 'string') return problems;
    const key = JSON.stringify([headIdNumber, cols.type, cols.planned_start]);
    const first = this.firstRowOf(key, row.row);
    if (first) return [{ sheet: row.sheet, row: row.row, column: '', value: '', reason: `与第 ${first} 行是同一项措施（户主、措施类型和计划开始日期都相同）：请合并为一行` }];
    this.lines.push({ row: row.row, sheet: row.sheet, texts: row.texts, head: headIdNumber, cols, stated: new Set(Object.keys(body)) });
    return [];
  }

  async validate(db: Db, ctx: ImportContext): Promise<RowProblem[]> {
    const spec = MEASURES_SHEET;
    const problems: RowProblem[] = [];
    const households = await householdsOfHeads(db, ctx, this.lines.map((l) => l.head));
    const ids = foundIds(households);
    const plans = new Map<number, number>();
    const openIdentification = new Set<number>();
    const measures = new Map<string, MeasureRow[]>();
    const keyOf = (householdId: number, type: string, start: string) => `${householdId}|${type}|${start}`;
    for (const part of chunks(ids, 1000)) {
      for (const p of await db.selectFrom('assistance_plan').select(['id', 'household_id']).where('household_id', 'in', part).execute())
        if (p.id > (plans.get(p.household_id) ?? 0)) plans.set(p.household_id, p.id);
      for (const c of await db.selectFrom('workflow_case').select('household_id').where('household_id', 'in', part).where('kind', '=', 'identification').where('outcome', 'is', null).execute())
        openIdentification.add(c.household_id);
      for (const m of await db.selectFrom('measure').selectAll().where('household_id', 'in', part).execute()) addTo(measures, keyOf(m.household_id, m.type, m.planned_start), m);
    }
    const plan = this.newPlan();
    for (const line of this.lines) {
      const h = householdOfLine(spec, line, households, problems);
      if (!h) continue;
      // As plannableHousehold: a monitoring object, or a household with an open identification (Q27).
      if (h.monitoring_status === 'none' && !openIdentification.has(h.id)) {
        problems.push(cellProblem(spec, line, 'headIdNumber', NOT_PLANNABLE));
        continue;
      }
      const planId = plans.get(h.id);
      if (!planId) {
        problems.push(cellProblem(spec, line, 'headIdNumber', NO_PLAN));
        continue;
      }
      const matches = measures.get(keyOf(h.id, line.cols.type, line.cols.planned_start)) ?? [];
      if (matches.length > 1) {
        problems.push({ sheet: line.sheet, row: line.row, column: '', value: '', reason: `该户有 ${matches.length} 项同类型、同一计划开始日期的措施，无法确定修改哪一项：请在系统中修改` });
        continue;
      }
      const before = matches[0];
      if (!before) {
        plan.inserts.push({ household: h, planId, cols: line.cols });
        continue;
      }
      const fixed = FIXED.filter(([col, field]) => line.stated.has(field) && (before[col] ?? null) !== (line.cols[col] ?? null));
      for (const [, field] of fixed) problems.push(cellProblem(spec, line, field, '与系统中该措施的登记不一致：导入只能修改已登记措施的措施内容和结束日期，其他各项请在系统中办理'));
      if (fixed.length) continue;
      const set: Partial<MeasureColumns> = {};
      if (before.description !== line.cols.description) set.description = line.cols.description;
      if ((before.period_end ?? null) !== line.cols.period_end) set.period_end = line.cols.period_end;
      if (Object.keys(set).length) plan.updates.push({ before, household: h, set });
      else plan.unchanged++;
    }
    return this.planned(problems, plan);
  }

  async write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts> {
    const p = this.plan!;
    const actor = jobActor(ctx);
    const reason = importReason(ctx);
    const audit: AuditEntry[] = [];
    for (const part of chunks(p.inserts, 500)) {
      const rows = await trx
        .insertInto('measure')
        .values(part.map((i) => ({ ...i.cols, plan_id: i.planId, household_id: i.household.id, county_code: i.household.county_code, created_by: actor.id || null })))
        .returningAll()
        .execute();
      const households = new Map(part.map((i) => [i.household.id, i.household]));
      rows.forEach((r) => {
        const h = households.get(r.household_id)!;
        audit.push({ actor: ctx.actor, action: 'measure.create', objectType: 'household', objectId: h.id, countyCode: h.county_code, after: measureView(r, actor, h.region_code), reason });
      });
      onWritten(part.length);
    }
    for (const u of p.updates) {
      const saved = await updateMeasureRow(trx, u.before.id, u.before.version, u.set);
      if (!saved) throw new ImportConflict(`帮扶措施（${u.before.id} 号）在校验之后被他人修改`);
      audit.push({
        actor: ctx.actor, action: 'measure.update', objectType: 'household', objectId: u.household.id, countyCode: u.household.county_code,
        before: measureView(u.before, actor, u.household.region_code), after: measureView(saved, actor, u.household.region_code), reason,
      });
      onWritten(1);
    }
    ctx.audit.push(...audit);
    return this.counts();
  }
}
