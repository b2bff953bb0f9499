/**
 * What an import of one kind of sheet provides to the job runner (run-import.ts): the sheets it
 * reads, a row-by-row check as the file streams past, a check against the database once the
 * file is read, and the write of its plan inside the job's one transaction.
 */
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import type { AuditEntry } from '../../store/audit.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import type { Action } from '../authz.ts';
import type { ParsedRow } from './sheet-rows.ts';

export interface ImportScope {
  /** The importer's region (12 digits); every row must lie in its subtree. */
  regionCode: string;
  regionName: string;
  /** The county the job is for. */
  countyCode: string;
}

export interface ImportContext {
  scope: ImportScope;
  /** Who the audit entries name (the command line acts as the system). */
  actor: Pick<Actor, 'id' | 'displayName' | 'role'>;
  jobId: number;
  fileName: string;
  /** Entries the write adds; appended in one batch with the job's own entry. */
  audit: AuditEntry[];
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface SheetImporter {
  /** `--sheet` name. */
  readonly key: string;
  /** Sheets read from a workbook, the first also from a CSV (a CSV holds one sheet). */
  readonly sheets: readonly SheetSpec[];
  /** Name of the template file and import page. */
  readonly title: string;
  /** The permission that replaces `import:run` for this sheet (department warnings: `warning:submit`). */
  readonly runPermission?: Action;
  /** A permission the importer needs besides `import:run` (checked when the job starts). */
  readonly permission?: Action;
  /** Checks a parsed row on its own and keeps what it needs; returns the row's problems. */
  accept(spec: SheetSpec, row: ParsedRow): RowProblem[];
  /** Checks the accepted rows against the database and plans the write. */
  validate(db: Db, ctx: ImportContext): Promise<RowProblem[]>;
  /** What the plan would write (after a successful validate). */
  counts(): WriteCounts;
  /** Writes the plan in `trx`; `onWritten` reports records written for progress. */
  write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts>;
}
