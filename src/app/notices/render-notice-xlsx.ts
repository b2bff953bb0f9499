import ExcelJS from 'exceljs';
import { assertPublishable, composeNotice, type NoticeDocument } from '../../domain/notice-document.ts';

const WIDTHS: Record<string, number> = { 序号: 6, 户主姓名: 12, 所在村: 20, 村民小组: 12, 户类型: 10, 监测类别: 16, 家庭人口: 10 };
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * The notice or announcement as a one-sheet workbook, set up to print on A4 (PRC-8): title,
 * region, the text (period, how to object), the entries table with its header repeated on each
 * page, the total and the issuer. Refuses a document carrying sensitive data (Q47).
 */
export async function renderNoticeXlsx(doc: NoticeDocument): Promise<Buffer> {
  assertPublishable(doc);
  const c = composeNotice(doc);
  const wb = new ExcelJS.Workbook();
  wb.creator = '监帮';
  const ws = wb.addWorksheet(doc.type === 'village_notice' ? '公示' : '公告');
  ws.columns = c.columns.map((h) => ({ width: WIDTHS[h] ?? 14 }));
  const span = c.columns.length;
  const widthInChars = ws.columns.reduce((n, col) => n + (col.width ?? 10), 0) / 2; // a CJK character is about two widths

  /** One row across the table's width, wrapped and tall enough for its text. */
  const line = (text: string, o: { size?: number; bold?: boolean; align?: 'left' | 'center' | 'right' } = {}) => {
    const row = ws.addRow([text]);
    ws.mergeCells(row.number, 1, row.number, span);
    const cell = row.getCell(1);
    cell.font = { size: o.size ?? 11, bold: o.bold };
    cell.alignment = { horizontal: o.align ?? 'left', vertical: 'middle', wrapText: true };
    row.height = Math.max(1, Math.ceil(text.length / widthInChars)) * (o.size ?? 11) * 1.6;
    return row;
  };

  line(c.regionName, { size: 12, align: 'center' });
  line(c.title, { size: 16, bold: true, align: 'center' });
  for (const p of c.paragraphs) line(`　　${p}`);
  ws.addRow([]);
  const header = ws.addRow(c.columns);
  for (const r of [header, ...c.rows.map((values) => ws.addRow(values))])
    r.eachCell((cell) => {
      cell.border = BORDER;
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      if (r === header) cell.font = { bold: true };
    });
  line(c.total);
  ws.addRow([]);
  line(c.issuer, { align: 'right' });
  line(c.issuedOn, { align: 'right' });

  ws.pageSetup = {
    paperSize: 9 as ExcelJS.PaperSize, // A4
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    printTitlesRow: `${header.number}:${header.number}`,
    margins: { left: 0.6, right: 0.6, top: 0.7, bottom: 0.7, header: 0.3, footer: 0.3 },
  };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
