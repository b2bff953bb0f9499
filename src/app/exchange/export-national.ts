import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { NATIONAL_HOUSEHOLD_SHEET, NATIONAL_MEMBER_SHEET } from '../../domain/sheets/national.ts';
import { escapeCell, type SheetSpec } from '../../domain/sheets/spec.ts';
import { appendAudit } from '../../store/audit.ts';
import { countNational, nationalHouseholdPage, nationalMembers, type NationalHouseholdRow, type NationalScope } from '../../store/reconciliation.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { scopePattern } from '../authz.ts';
import { viewerOf } from '../privacy.ts';
import { exchangeCounty } from './access.ts';
import { householdRowValues, memberRowValues } from './national-rows.ts';

const PAGE = 500;

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, spec: SheetSpec) {
  const ws = wb.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = spec.columns.map((c) => ({ header: c.header, key: c.field, width: c.width ?? 12 }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

/** Every page of the scope's monitoring objects, in id order. */
async function* pages(db: Db, scope: NationalScope): AsyncGenerator<NationalHouseholdRow[]> {
  for (let after = 0; ; ) {
    const page = await nationalHouseholdPage(db, scope, after, PAGE);
    if (page.length) yield page;
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

/**
 * The county's monitoring objects in the national 信息采集表 layout (DAT-4), for the county to
 * upload: two worksheets (household part, member part), streamed page by page to the reply.
 * The county itself gets full ID numbers, phones and health (the national system needs them);
 * every export is audited with its row counts before the first byte leaves, as a sensitive read
 * when unmasked (SEC-2, SEC-3).
 */
export async function exportNational(db: Db, actor: Actor, query: { countyCode?: string }): Promise<{ filename: string; stream: Readable }> {
  const county = await exchangeCounty(db, actor, query.countyCode);
  const scope: NationalScope = { regionPattern: scopePattern(actor), countyCode: county.countyCode };
  const counts = await countNational(db, scope);
  await inTransaction(db, (trx) =>
    appendAudit(trx, {
      actor,
      action: county.unmasked ? 'exchange.national_export.read_sensitive' : 'exchange.national_export',
      objectType: 'county',
      objectId: county.countyCode,
      countyCode: county.countyCode,
      after: { households: counts.households, members: counts.members, sensitiveRevealed: county.unmasked },
      reason: county.unmasked
        ? '导出全国系统格式（含完整身份证号、联系电话、健康状况），用于录入全国防止返贫监测信息系统'
        : '导出全国系统格式（敏感信息已脱敏）',
    }),
  );

  const out = new PassThrough();
  const write = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const viewer = (h: NationalHouseholdRow) => viewerOf(actor, h.region_code, { reveal: county.unmasked });
    // A zip entry is written whole before the next begins: one pass per worksheet.
    const households = addSheet(wb, NATIONAL_HOUSEHOLD_SHEET);
    for await (const page of pages(db, scope))
      for (const h of page) households.addRow(householdRowValues(h, viewer(h)).map(escapeCell)).commit();
    households.commit();
    const members = addSheet(wb, NATIONAL_MEMBER_SHEET);
    for await (const page of pages(db, scope)) {
      const byId = new Map(page.map((h) => [h.id, h]));
      for (const m of await nationalMembers(db, page.map((h) => h.id))) {
        const h = byId.get(m.household_id)!;
        members.addRow(memberRowValues(m, h, viewer(h)).map(escapeCell)).commit();
      }
    }
    members.commit();
    await wb.commit();
  };
  write().catch((e) => out.destroy(e as Error));
  return { filename: `${county.name}防止返贫监测对象信息采集表.xlsx`, stream: out };
}
