/**
 * Department warnings by file (WRN-1): the import engine reads and checks the XLSX/CSV like any
 * sheet; the write is the same set-based matching and merging as the page and the API
 * (receiveWarnings), inside the job's one transaction. The three counters of the job mean: new
 * verification tasks, warnings merged into an open task, persons not in the registry.
 */
import { chinaDate } from '../../domain/clock.ts';
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import { checkWarning, WARNINGS_SHEET, type WarningInput } from '../../domain/sheets/warnings.ts';
import { Check } from '../../domain/validation.ts';
import { mergeKey } from '../../domain/warnings.ts';
import { missingRegions } from '../../store/regions.ts';
import { blindIndex } from '../../store/sealed.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import { knownSourceRefs, registeredPersons } from '../../store/warnings.ts';
import { subtreePrefix, isInSubtree } from '../../domain/region-code.ts';
import { receiveWarnings } from '../intake/receive-warnings.ts';
import { warningScopeProblem } from '../intake/submit-warnings.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';
import { cellProblem, validationProblems, type ParsedRow } from './sheet-rows.ts';

interface WarningLine {
  row: number;
  sheet: string;
  texts: Map<string, string>;
  input: WarningInput;
}

export class WarningsImporter implements SheetImporter {
  readonly key = 'warnings';
  readonly sheets: readonly SheetSpec[] = [WARNINGS_SHEET];
  readonly title = WARNINGS_SHEET.title;
  readonly runPermission = 'warning:submit' as const;
  private lines: WarningLine[] = [];
  private refs = new Map<string, number>();
  private kind: string | null = null;
  private planned: WriteCounts | null = null;
  private readonly today = chinaDate(new Date());

  accept(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const c = new Check();
    const input = checkWarning(c, row.input, this.today);
    const problems = [...row.problems, ...validationProblems(spec, row, c.errors)];
    if (problems.length || !input) return problems;
    if (input.sourceRef) {
      const first = this.refs.get(input.sourceRef);
      if (first) return [cellProblem(spec, row, 'sourceRef', `与第 ${first} 行的来源单号相同：同一单号只能报送一次`)];
      this.refs.set(input.sourceRef, row.row);
    }
    this.lines.push({ row: row.row, sheet: row.sheet, texts: row.texts, input });
    return [];
  }

  async validate(db: Db, ctx: ImportContext): Promise<RowProblem[]> {
    const spec = WARNINGS_SHEET;
    // The job's account, read again: its kind decides which types it may push (a re-run after a change sees the change).
    const user = ctx.actor.id ? await db.selectFrom('app_user').select(['role', 'department_kind', 'disabled']).where('id', '=', ctx.actor.id).executeTakeFirst() : undefined;
    if (!user || user.role !== 'department' || !user.department_kind || user.disabled)
      return [{ sheet: spec.name, row: 1, column: '', value: '', reason: '只有行业部门账号可以导入预警' }];
    this.kind = user.department_kind;
    const actor = { regionCode: ctx.scope.regionCode };
    const problems: RowProblem[] = [];
    const known = await knownSourceRefs(db, this.kind, [...this.refs.keys()]);
    const missing = await missingRegions(db, this.lines.flatMap((l) => (l.input.regionCode ? [l.input.regionCode] : [])));
    for (const l of this.lines) {
      const scope = warningScopeProblem(actor, this.kind, l.input);
      if (scope) problems.push(cellProblem(spec, l, scope.field, scope.message));
      else if (l.input.regionCode && missing.has(l.input.regionCode)) problems.push(cellProblem(spec, l, 'regionCode', '区划代码不存在'));
      else if (l.input.sourceRef && known.has(l.input.sourceRef)) problems.push(cellProblem(spec, l, 'sourceRef', '该来源单号已报送过，不能重复报送'));
    }
    if (problems.length) return problems;
    this.planned = await this.plan(db, ctx);
    return [];
  }

  /** What the write will do, for the dry run: new tasks, merges, persons not registered. */
  private async plan(db: Db, ctx: ImportContext): Promise<WriteCounts> {
    const bidxs = this.lines.map((l) => blindIndex(db, 'id_number', l.input.idNumber));
    const persons = await registeredPersons(db, [...new Set(bidxs)], `${subtreePrefix(ctx.scope.regionCode)}%`);
    const keys = new Set<string>();
    let unknown = 0;
    this.lines.forEach((l, i) => {
      const p = persons.get(bidxs[i]!);
      if (!p || !isInSubtree(l.input.regionCode ?? ctx.scope.regionCode, p.regionCode)) unknown++;
      else keys.add(`${mergeKey({ memberBidx: bidxs[i] })}|${l.input.type}`);
    });
    const open = new Set<string>();
    const list = [...keys];
    for (let i = 0; i < list.length; i += 5000) {
      const part = list.slice(i, i + 5000);
      const rows = await db.selectFrom('verification_task').select(['subject_key', 'warning_type']).where('state', '=', 'open')
        .where('subject_key', 'in', [...new Set(part.map((k) => k.slice(0, k.lastIndexOf('|'))))]).execute();
      for (const r of rows) open.add(`${r.subject_key}|${r.warning_type}`);
    }
    const created = list.filter((k) => !open.has(k)).length;
    return { created, updated: this.lines.length - unknown - created, unchanged: unknown };
  }

  counts(): WriteCounts {
    return this.planned!;
  }

  async write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts> {
    const r = await receiveWarnings(trx, {
      actor: { ...ctx.actor, regionCode: ctx.scope.regionCode }, departmentKind: this.kind!, channel: 'file', importJobId: ctx.jobId,
    }, this.lines.map((l) => l.input));
    ctx.audit.push(...r.audit);
    onWritten(r.received);
    return { created: r.tasks, updated: r.merged, unchanged: r.unknown };
  }
}
