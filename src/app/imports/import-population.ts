/**
 * Import of the rural registered population per region and year (RPT-1, Q36, Q40): configured
 * data a county keeps for itself, its townships and villages (permission `population:import`).
 * The region's name must match its code, a check against a code typed wrong by one digit. Upsert
 * by (region, year), each change audited with before and after.
 */
import { POPULATION_SHEET, checkPopulation, type PopulationInput } from '../../domain/sheets/population.ts';
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import { Check } from '../../domain/validation.ts';
import type { AuditEntry } from '../../store/audit.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import { can } from '../authz.ts';
import { ImportConflict } from './import-registry.ts';
import { chunks, importReason, inImportScope, jobActor, UpsertImporter, type SourceLine } from './import-records.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';
import { cellProblem, validationProblems, type ParsedRow } from './sheet-rows.ts';

interface PopulationLine extends SourceLine {
  input: PopulationInput;
}

interface Stored {
  region_code: string;
  year: number;
  rural_registered_population: number;
}

const view = (regionCode: string, regionName: string, year: number, population: number) => ({ regionCode, regionName, year, ruralRegisteredPopulation: population });

export class PopulationImporter extends UpsertImporter<PopulationLine, { line: PopulationLine; before: Stored }> implements SheetImporter {
  readonly key = 'population';
  readonly sheets: readonly SheetSpec[] = [POPULATION_SHEET];
  readonly title = POPULATION_SHEET.title;
  readonly permission = 'population:import' as const;
  private lines: PopulationLine[] = [];

  accept(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const c = new Check();
    const input = checkPopulation(c, row.input);
    const problems = [...row.problems, ...validationProblems(spec, row, c.errors)];
    if (problems.length || !input) return problems;
    const key = `${input.regionCode}|${input.year}`;
    const first = this.firstRowOf(key, row.row);
    if (first) return [cellProblem(spec, row, 'year', `与第 ${first} 行的区划和年度相同：每个区划每年一行`)];
    this.lines.push({ row: row.row, sheet: row.sheet, texts: row.texts, input });
    return [];
  }

  async validate(db: Db, ctx: ImportContext): Promise<RowProblem[]> {
    const spec = POPULATION_SHEET;
    // Checked when the job starts; again here, for a job re-run after the account's role changed.
    if (ctx.actor.role !== 'system_admin' && !can(jobActor(ctx), this.permission))
      return [{ sheet: spec.name, row: 1, column: '', value: '', reason: '只有县级账号可以导入农村户籍人口数' }];
    const problems: RowProblem[] = [];
    const codes = [...new Set(this.lines.map((l) => l.input.regionCode))];
    const names = new Map<string, string>();
    const stored = new Map<string, Stored>();
    for (const part of chunks(codes, 1000)) {
      for (const r of await db.selectFrom('region').select(['code', 'name']).where('code', 'in', part).execute()) names.set(r.code, r.name);
      for (const p of await db.selectFrom('region_population').selectAll().where('region_code', 'in', part).execute()) stored.set(`${p.region_code}|${p.year}`, p);
    }
    const plan = this.newPlan();
    for (const line of this.lines) {
      const { regionCode, regionName, year, population } = line.input;
      const name = names.get(regionCode);
      if (!name) {
        problems.push(cellProblem(spec, line, 'regionCode', '区划代码不存在'));
        continue;
      }
      if (!inImportScope(ctx, regionCode)) {
        problems.push(cellProblem(spec, line, 'regionCode', `不在本次导入的范围内（${ctx.scope.regionName}）：只能导入本县及其乡镇、村的人口数`));
        continue;
      }
      if (name !== regionName) {
        problems.push(cellProblem(spec, line, 'regionName', `与区划代码 ${regionCode} 的名称“${name}”不一致：请核对区划代码`));
        continue;
      }
      const before = stored.get(`${regionCode}|${year}`);
      if (!before) plan.inserts.push(line);
      else if (before.rural_registered_population !== population) plan.updates.push({ line, before });
      else plan.unchanged++;
    }
    return this.planned(problems, plan);
  }

  async write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts> {
    const p = this.plan!;
    const reason = importReason(ctx);
    const audit: AuditEntry[] = [];
    const entry = (action: string, l: PopulationInput, before?: Stored): AuditEntry => ({
      actor: ctx.actor, action, objectType: 'region_population', objectId: `${l.regionCode}:${l.year}`, countyCode: ctx.scope.countyCode, reason,
      before: before && view(l.regionCode, l.regionName, l.year, before.rural_registered_population), after: view(l.regionCode, l.regionName, l.year, l.population),
    });
    for (const part of chunks(p.inserts, 1000)) {
      const rows = await trx
        .insertInto('region_population')
        .values(part.map(({ input: l }) => ({ region_code: l.regionCode, year: l.year, rural_registered_population: l.population })))
        .onConflict((oc) => oc.columns(['region_code', 'year']).doNothing())
        .returning('year')
        .execute();
      if (rows.length !== part.length) throw new ImportConflict('文件中的农村户籍人口数在校验之后已被他人录入');
      for (const { input } of part) audit.push(entry('population.create', input));
      onWritten(part.length);
    }
    for (const { line, before } of p.updates) {
      const l = line.input;
      // The value validated is the value replaced; another change in between fails the job.
      const saved = await trx
        .updateTable('region_population')
        .set({ rural_registered_population: l.population })
        .where('region_code', '=', l.regionCode)
        .where('year', '=', l.year)
        .where('rural_registered_population', '=', before.rural_registered_population)
        .returning('year')
        .executeTakeFirst();
      if (!saved) throw new ImportConflict(`${l.regionName}${l.year}年的农村户籍人口数在校验之后被他人修改`);
      audit.push(entry('population.update', l, before));
      onWritten(1);
    }
    ctx.audit.push(...audit);
    return this.counts();
  }
}
