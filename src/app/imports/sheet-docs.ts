import { renderSheetDoc } from '../../domain/sheets/doc.ts';
import { importerFor, IMPORT_SHEETS } from './importers.ts';

/** The generated part of docs/data-exchange.md: every importable sheet's columns. */
export function sheetDocs(): string {
  return IMPORT_SHEETS.map((key) => {
    const imp = importerFor(key)!;
    return renderSheetDoc(imp.title, imp.sheets, key);
  }).join('\n');
}
