import { assertPublishable, composeNotice, type NoticeDocument } from '../../domain/notice-document.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (v: string | number) => String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const STYLE = `
  body { margin: 0 auto; max-width: 210mm; padding: 12mm 16mm; color: #000; background: #fff;
    font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 12pt; }
  .region { text-align: center; margin: 0; text-indent: 0; font-size: 14pt; }
  h1 { text-align: center; margin: 4pt 0 14pt; font-size: 20pt; letter-spacing: 1pt; }
  p { margin: 0 0 6pt; text-indent: 2em; line-height: 1.8; }
  table { width: 100%; margin: 10pt 0 4pt; border-collapse: collapse; font-size: 11pt; }
  th, td { border: 1px solid #000; padding: 3pt 5pt; text-align: center; }
  th { font-weight: bold; }
  .total { text-indent: 0; }
  .signature { margin-top: 24pt; text-align: right; text-indent: 0; }
  @page { size: A4 portrait; margin: 18mm 15mm; }
  @media print {
    body { max-width: none; padding: 0; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    .signature { break-inside: avoid; page-break-inside: avoid; }
  }`;

/**
 * A complete printable HTML page (UTF-8, zh-CN, A4) of a notice or announcement (PRC-8).
 * Refuses a document carrying sensitive data (Q47); every value is HTML-escaped.
 */
export function renderNoticeHtml(doc: NoticeDocument): string {
  assertPublishable(doc);
  const c = composeNotice(doc);
  const cells = (tag: 'th' | 'td', values: (string | number)[]) => values.map((v) => `<${tag}>${escapeHtml(v)}</${tag}>`).join('');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${c.regionName} ${c.title}`)}</title>
<style>${STYLE}
</style>
</head>
<body>
<p class="region">${escapeHtml(c.regionName)}</p>
<h1>${escapeHtml(c.title)}</h1>
${c.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<table>
<thead><tr>${cells('th', c.columns)}</tr></thead>
<tbody>
${c.rows.map((r) => `<tr>${cells('td', r)}</tr>`).join('\n')}
</tbody>
</table>
<p class="total">${escapeHtml(c.total)}</p>
<p class="signature">${escapeHtml(c.issuer)}<br>${escapeHtml(c.issuedOn)}</p>
</body>
</html>
`;
}
