import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';
import { HOUSEHOLDS_SHEET, MEMBERS_SHEET } from '../../domain/sheets/registry.ts';
import { escapeCell, exportValue, type SheetSpec } from '../../domain/sheets/spec.ts';
import { appendAudit } from '../../store/audit.ts';
import type { HouseholdRow, MemberRow } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { householdView, memberView } from '../households/views.ts';
import { viewerOf } from '../privacy.ts';

const PAGE = 1000;

/** A view's value at a spec field path (`household.regionCode` → view.regionCode). */
const valueAt = (view: Record<string, unknown>, field: string) => view[field.replace(/^household\./, '')];

function rowOf(spec: SheetSpec, view: Record<string, unknown>) {
  return spec.columns.map((c) => escapeCell(exportValue(c, valueAt(view, c.field))));
}

/**
 * The registry of the actor's subtree in the import layout of 信息采集表 (DAT-2): the same column
 * specification drives the template, the parser and this export, so an exported file can be
 * corrected and imported again. Values are masked as on screen; `reveal` (those who handle
 * households in person) gives whole ID numbers, phones and accounts — the only form that can be
 * imported back — and is audited as a sensitive read of every household in it. Streamed.
 */
export async function exportRegistrySheet(db: Db, actor: Actor, o: { reveal?: boolean } = {}): Promise<{ fileName: string; stream: Readable }> {
  authorize(actor, 'household:export');
  if (o.reveal) authorize(actor, 'household:read_sensitive', actor.regionCode);
  const pattern = scopePattern(actor);
  const { n } = await db.selectFrom('household').select((eb) => eb.fn.countAll<number>().as('n')).where('region_code', 'like', pattern).executeTakeFirstOrThrow();
  await inTransaction(db, (trx) =>
    appendAudit(trx, {
      actor, action: o.reveal ? 'export.registry.read_sensitive' : 'export.registry', objectType: 'region', objectId: actor.regionCode,
      countyCode: actor.regionCode.slice(0, 6), after: { households: Number(n), revealed: !!o.reveal },
      reason: o.reveal ? '导出信息采集表（含完整身份证号、电话、银行账号、健康状况）' : '导出信息采集表（脱敏）',
    }),
  );
  const out = new PassThrough();
  void (async () => {
    try {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
      const sheets = [HOUSEHOLDS_SHEET, MEMBERS_SHEET].map((spec) => {
        const ws = wb.addWorksheet(spec.name);
        ws.columns = spec.columns.map((c) => ({ header: c.header, width: c.width ?? 12 }));
        return ws;
      });
      // Two passes (one per sheet): a streamed workbook writes its sheets one after the other.
      for (const [i, spec] of [HOUSEHOLDS_SHEET, MEMBERS_SHEET].entries()) {
        for (let after = 0; ; ) {
          const households: HouseholdRow[] = await db.selectFrom('household').selectAll().where('region_code', 'like', pattern).where('id', '>', after).orderBy('id').limit(PAGE).execute();
          if (!households.length) break;
          after = households.at(-1)!.id;
          const members: MemberRow[] = await db.selectFrom('member').selectAll().where('household_id', 'in', households.map((h) => h.id)).where('active', '=', true).orderBy('household_id').orderBy('id').execute();
          const byHousehold = new Map<number, MemberRow[]>();
          for (const m of members) byHousehold.set(m.household_id, [...(byHousehold.get(m.household_id) ?? []), m]);
          for (const h of households) {
            const viewer = viewerOf(actor, h.region_code, { reveal: o.reveal });
            const views = (byHousehold.get(h.id) ?? []).map((m) => memberView(m, viewer) as Record<string, unknown>);
            const head = views.find((m) => m.relation === 'head');
            if (spec === HOUSEHOLDS_SHEET) sheets[i]!.addRow(rowOf(spec, { ...householdView(h, viewer), headName: head?.name, headIdNumber: head?.idNumber })).commit();
            else for (const m of views) sheets[i]!.addRow(rowOf(spec, { ...m, headIdNumber: head?.idNumber, regionCode: h.region_code })).commit();
          }
        }
        sheets[i]!.commit();
      }
      await wb.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return { fileName: `信息采集表${o.reveal ? '' : '（脱敏）'}.xlsx`, stream: out };
}
