/**
 * The sheets that can be imported, by `--sheet` name. Each import gets a fresh importer: it keeps
 * the accepted rows of one file.
 */
import { MembersImporter, RegistryImporter } from './import-registry.ts';
import type { SheetImporter } from './importer.ts';

const FACTORIES: Record<string, () => SheetImporter> = {
  households: () => new RegistryImporter(),
  members: () => new MembersImporter(),
};

export const IMPORT_SHEETS = Object.keys(FACTORIES);

export function importerFor(sheet: string): SheetImporter | null {
  return FACTORIES[sheet]?.() ?? null;
}

