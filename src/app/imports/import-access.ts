import type { Actor } from '../actor.ts';
import { can } from '../authz.ts';
import { forbidden } from '../errors.ts';
import { importerFor, IMPORT_SHEETS } from './importers.ts';

/**
 * Who may import which sheet: the registry sheets need `import:run` (and the importer's extra
 * permission); a sheet with its own `runPermission` (department warnings) needs that instead.
 * Jobs are seen by those who may import their sheet.
 */
export function mayImport(actor: Actor, sheet: string): boolean {
  const imp = importerFor(sheet);
  if (!imp) return false;
  if (imp.runPermission) return can(actor, imp.runPermission);
  return can(actor, 'import:run') && (!imp.permission || can(actor, imp.permission));
}

export function importableSheets(actor: Actor): string[] {
  return IMPORT_SHEETS.filter((s) => mayImport(actor, s));
}

/** 403 unless the actor may import `sheet` (or, without one, some sheet). */
export function authorizeImport(actor: Actor, sheet?: string): void {
  if (sheet === undefined ? importableSheets(actor).length === 0 : !mayImport(actor, sheet) && importerFor(sheet)) throw forbidden('您的角色无权执行此操作');
}
