import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { chineseDate, findSensitive, NoticeDocumentError, type NoticeDocument, type NoticeEntry } from '../../domain/notice-document.ts';
import { seededRandom, type Random } from '../../domain/random.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import { renderNoticeHtml } from './render-notice-html.ts';
import { renderNoticeXlsx } from './render-notice-xlsx.ts';

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘钟谭廖赖邱温', '欧阳', '司马', '诸葛'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅志文辉春花海燕金凤德福水根生荣发林祥健康精智'];
const GROUPS = ['第一村民小组', '第二村民小组', '第七村民小组', '第十二村民小组', '上屋组', '下屋组', '新屋组', '田心组', '岭背组', '坝子组', null];
const VILLAGES = ['贡江镇 长征村', '罗坳镇 步前村', '梓山镇 潭头村', '岭背镇 谢屋村', '银坑镇 平安村'];
const CATEGORIES = Object.keys(CATEGORY_NAMES) as NoticeEntry['category'][];
const KINDS = [
  ['village_notice', 'identification'], ['village_notice', 'elimination'],
  ['county_announcement', 'identification'], ['county_announcement', 'elimination'],
] as const;

const day = (rnd: Random, year = 2023) => `${year}-${String(rnd.int(1, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`;
const after = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString().slice(0, 10);

function generate(seed: number, type: NoticeDocument['type'], caseKind: NoticeDocument['caseKind']): NoticeDocument {
  const rnd = seededRandom(seed);
  const village = rnd.pick(VILLAGES);
  const announcement = type === 'county_announcement';
  const startOn = day(rnd);
  const entries = Array.from({ length: rnd.int(1, 120) }, (): NoticeEntry => {
    const leadOn = rnd.chance(0.8) ? day(rnd) : null;
    return {
      headName: rnd.pick(SURNAMES) + rnd.pick(GIVEN) + (rnd.chance(0.6) ? rnd.pick(GIVEN) : ''),
      villageGroup: rnd.pick(GROUPS),
      category: caseKind === 'identification' || rnd.chance(0.9) ? rnd.pick(CATEGORIES) : null,
      formerlyPoor: rnd.chance(0.5),
      memberCount: rnd.int(1, 9),
      leadOn,
      decidedOn: leadOn && rnd.chance(0.7) ? after(leadOn, rnd.int(1, 15)) : null,
      ...(announcement ? { villageName: rnd.pick(VILLAGES) } : {}),
    };
  });
  return {
    type,
    caseKind,
    regionName: announcement ? '于都县' : `于都县 ${village}`,
    issuer: announcement ? '于都县防止返贫监测帮扶工作领导小组' : `${village.split(' ')[1]}村民委员会`,
    issuedOn: startOn,
    period: announcement ? null : { startOn, endOn: after(startOn, rnd.int(4, 9)) },
    entries,
    objectionContact: rnd.chance(0.5)
      ? { unit: `${village.split(' ')[0]}人民政府`, phone: `0797-62${rnd.int(10000, 99999)}`, address: `于都县${village.split(' ')[0]}长征大道${rnd.int(1, 300)}号` }
      : { unit: '于都县乡村振兴局', phone: '12317', address: null },
  };
}

/** The text a reader sees: tags become line breaks so that neighbouring cells do not run together. */
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '\n')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

async function xlsxTexts(buf: Buffer): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const texts: string[] = [wb.creator ?? ''];
  wb.eachSheet((ws) => {
    texts.push(ws.name);
    ws.eachRow({ includeEmpty: true }, (row) => row.eachCell({ includeEmpty: true }, (cell) => texts.push(cell.text)));
  });
  return texts;
}

const expectedPeriod = (doc: NoticeDocument) => `公示期：${chineseDate(doc.period!.startOn)}至${chineseDate(doc.period!.endOn)}`;

describe('notices and announcements never leak personal data (PRC-8, Q47)', () => {
  for (const [type, caseKind] of KINDS)
    it(`${type} / ${caseKind}: HTML and XLSX of generated households hold nothing sensitive and everything required`, async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const doc = generate(seed * 7919 + type.length + caseKind.length, type, caseKind);
        const html = renderNoticeHtml(doc);
        const text = visibleText(html);
        expect(findSensitive(html)).toEqual([]);
        expect(findSensitive(text)).toEqual([]);
        for (const line of text.split('\n')) expect(findSensitive(line)).toEqual([]);

        const cells = await xlsxTexts(await renderNoticeXlsx(doc));
        for (const cell of cells) expect(findSensitive(cell), cell).toEqual([]);
        const sheet = cells.join('\n');

        for (const out of [text, sheet]) {
          expect(out).toContain(type === 'village_notice' ? '公示' : '公告');
          expect(out).toContain(doc.objectionContact.unit);
          expect(out).toContain(`联系电话：${doc.objectionContact.phone}`);
          expect(out).toContain('乡（镇）、县不再重复公示');
          if (doc.period) expect(out).toContain(expectedPeriod(doc));
          else expect(out).not.toContain('公示期：');
          for (const e of doc.entries) {
            expect(out).toContain(e.headName);
            if (e.category) expect(out).toContain(CATEGORY_NAMES[e.category]);
          }
          expect(out).toContain(`合计：${doc.entries.length}户，${doc.entries.reduce((n, e) => n + e.memberCount, 0)}人`);
        }
        const rows = text.split('\n').filter((l) => l.trim());
        expect(rows).toEqual(expect.arrayContaining(['序号', '户主姓名', '村民小组', '监测类别', '家庭人口']));
      }
    });
});

describe('renderNoticeHtml', () => {
  const doc = generate(42, 'village_notice', 'identification');

  it('is a complete zh-CN UTF-8 page with A4 print styles', () => {
    const html = renderNoticeHtml(doc);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('@page { size: A4 portrait;');
    expect(html).toContain('@media print');
    expect(html).toContain('<h1>防止返贫监测对象识别公示</h1>');
    expect(html.trimEnd()).toMatch(/<\/html>$/);
  });

  it('escapes every value', () => {
    const bad: NoticeDocument = {
      ...doc,
      issuer: '长征村"村委"&\'会\'',
      entries: [{ ...doc.entries[0]!, headName: '<script>alert(1)</script>', villageGroup: '<b>上屋组</b>' }],
    };
    const html = renderNoticeHtml(bad);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;上屋组&lt;/b&gt;');
    expect(html).toContain('长征村&quot;村委&quot;&amp;&#39;会&#39;');
  });

  it('refuses a document carrying sensitive data', () => {
    const bad = { ...doc, objectionContact: { unit: '长征村村委会', phone: '13800138000' } };
    expect(() => renderNoticeHtml(bad)).toThrow(NoticeDocumentError);
    expect(() => renderNoticeHtml(bad)).toThrow('异议受理电话含有手机号码');
  });
});

describe('renderNoticeXlsx', () => {
  const doc = generate(43, 'county_announcement', 'elimination');

  it('one A4 sheet: title row, text, then the entries table with its header repeated on each page', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderNoticeXlsx(doc)) as never);
    expect(wb.worksheets).toHaveLength(1);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('公告');
    expect(ws.getCell('A1').text).toBe('于都县');
    expect(ws.getCell('A2').text).toBe('防止返贫监测对象风险消除公告');
    const header = ws.getColumn(1).values.indexOf('序号');
    expect(header).toBeGreaterThan(2);
    const headers = (ws.getRow(header).values as unknown[]).slice(1);
    expect(headers.slice(0, 7)).toEqual(['序号', '户主姓名', '所在村', '村民小组', '户类型', '监测类别', '家庭人口']);
    for (let i = 0; i < doc.entries.length; i++) {
      const row = ws.getRow(header + 1 + i);
      expect(row.getCell(1).value).toBe(i + 1);
      expect(row.getCell(2).text).toBe(doc.entries[i]!.headName);
      expect(row.getCell(7).value).toBe(doc.entries[i]!.memberCount);
    }
    expect(ws.pageSetup.paperSize).toBe(9);
    expect(ws.pageSetup.printTitlesRow).toBe(`${header}:${header}`);
  });

  it('refuses a document carrying sensitive data', async () => {
    const bad = { ...doc, entries: [{ ...doc.entries[0]!, headName: '王建国 360731198001010016' }] };
    await expect(renderNoticeXlsx(bad)).rejects.toThrow('第1户户主姓名含有身份证号码');
  });
});
