/**
 * The sheets that can be imported, by `--sheet` name. Each import gets a fresh importer: it keeps
 * the accepted rows of one file.
 */
import { MeasuresImporter } from './import-measures.ts';
import { PopulationImporter } from './import-population.ts';
import { RecordsImporter } from './import-records.ts';
import { MembersImporter, RegistryImporter } from './import-registry.ts';
import type { SheetImporter } from './importer.ts';
import { WarningsImporter } from './import-warnings.ts';

const FACTORIES: Record<string, () => SheetImporter> = {
  households: () => new RegistryImporter(),
  members: () => new MembersImporter(),
  incomes: () => new RecordsImporter('incomes'),
  claims: () => new RecordsImporter('claims'),
  expenses: () => new RecordsImporter('expenses'),
  risks: () => new RecordsImporter('risks'),
  measures: () => new MeasuresImporter(),
  population: () => new PopulationImporter(),
  warnings: () => new WarningsImporter(),
};

export const IMPORT_SHEETS = Object.keys(FACTORIES);

export function importerFor(sheet: string): SheetImporter | null {
  return FACTORIES[sheet]?.() ?? null;
}


/** Every sheet name an importer reads, and the template's own sheets. */
export function knownSheetNames(): Set<string> {
  return new Set(['说明', '选项', ...IMPORT_SHEETS.flatMap((k) => importerFor(k)!.sheets.map((s) => s.name))]);
}
