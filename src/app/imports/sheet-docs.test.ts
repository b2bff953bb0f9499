import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SHEETS_BEGIN, SHEETS_END } from '../../domain/sheets/doc.ts';
import { sheetDocs } from './sheet-docs.ts';

it('docs/data-exchange.md lists every sheet exactly as the specifications declare it (npm run docs:sheets)', () => {
  const text = readFileSync(new URL('../../../docs/data-exchange.md', import.meta.url), 'utf8');
  const part = text.slice(text.indexOf(SHEETS_BEGIN) + SHEETS_BEGIN.length, text.indexOf(SHEETS_END)).trim();
  expect(part).toBe(sheetDocs().trim());
});
