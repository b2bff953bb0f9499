/** Rewrites the generated column tables of docs/data-exchange.md from the sheet specifications. */
import { readFileSync, writeFileSync } from 'node:fs';
import { sheetDocs } from '../src/app/imports/sheet-docs.ts';
import { SHEETS_BEGIN, SHEETS_END } from '../src/domain/sheets/doc.ts';

const file = new URL('../docs/data-exchange.md', import.meta.url);
const text = readFileSync(file, 'utf8');
const a = text.indexOf(SHEETS_BEGIN);
const b = text.indexOf(SHEETS_END);
if (a < 0 || b < a) throw new Error(`docs/data-exchange.md 缺少标记 ${SHEETS_BEGIN} … ${SHEETS_END}`);
writeFileSync(file, `${text.slice(0, a + SHEETS_BEGIN.length)}\n\n${sheetDocs()}\n${text.slice(b)}`);
console.log('已更新 docs/data-exchange.md 的列规格');
