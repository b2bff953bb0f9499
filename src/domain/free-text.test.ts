import { describe, expect, it } from 'vitest';
import { makeIdNumber } from './id-number.ts';
import { NO_ACCESS, redactLeaves, redactText, scanSensitive } from './free-text.ts';

const ALL = { identifiers: true, health: true };
const NO_IDENTIFIERS = { identifiers: false, health: true };
const NO_HEALTH = { identifiers: true, health: false };

describe('redactText (SEC-3)', () => {
  const note = '户主身份证360731198001010016，电话13912345678，账号6222020200112233445，患乙肝、高血压，住房安全隐患已排除';

  it('masks identifiers like the structured fields and replaces health wording with ***', () => {
    expect(redactText(note, NO_ACCESS)).toBe(
      '户主身份证360731********0016，电话139****5678，账号6222***********3445，******、***，住房安全隐患已排除',
    );
  });

  it('keeps what the reader may see', () => {
    expect(redactText(note, ALL)).toBe(note);
    expect(redactText(note, NO_IDENTIFIERS)).toBe('户主身份证360731********0016，电话139****5678，账号6222***********3445，患乙肝、高血压，住房安全隐患已排除');
    expect(redactText(note, NO_HEALTH)).toBe('户主身份证360731198001010016，电话13912345678，账号6222020200112233445，******、***，住房安全隐患已排除');
  });

  it('masks numbers however they are written, so no birth date survives', () => {
    for (const written of [
      '3607.3119.8001.0100.16', '360731 19800101 0016', '360731-1980-01-01-0016', '３６０７３１１９８００１０１００１６',
      '③⑥⓪⑦③①①⑨⑧⓪⓪①⓪①⓪⓪①⑥', '三六〇七三一一九八〇〇一〇一〇〇一六',
    ]) {
      const out = redactText(`证号${written}。`, NO_ACCESS);
      expect(out, written).toBe('证号360731********0016。');
    }
    expect(redactText('手机 139 1234 5678', NO_ACCESS)).toBe('手机 139****5678');
    expect(redactText('+86 139-1234-5678', NO_ACCESS)).toBe('+86 139****5678');
  });

  it('leaves dates, office lines, 12317, amounts and null alone', () => {
    for (const text of ['2024-03-01入户核实', '联系0797-6221234或12317', '补助3000元，2024-03-01 2024-03-05', '共5人'])
      expect(redactText(text, NO_ACCESS)).toBe(text);
    expect(redactText(null, NO_ACCESS)).toBeNull();
    expect(redactText('', NO_ACCESS)).toBe('');
  });

  it('what it returns holds nothing the scanner would find again', () => {
    for (let n = 0; n < 200; n++) {
      const birth = new Date(Date.UTC(1940, 0, 1) + n * 97 * 86_400_000).toISOString().slice(0, 10);
      const id = makeIdNumber('360731', birth, n % 1000, n % 2 ? 'male' : 'female');
      const grouped = [id.slice(0, 6), id.slice(6, 14), id.slice(14)].join(n % 3 ? ' ' : '.');
      const out = redactText(`身份证${grouped} 电话1${3 + (n % 7)}9${String(n).padStart(8, '0')} 因病`, NO_ACCESS);
      expect(scanSensitive(out), out).toEqual([]);
      expect(out).not.toContain(birth.replaceAll('-', ''));
    }
  });
});

describe('redactLeaves', () => {
  it('redacts every string leaf of a JSON value, keeping the structured codes it is told to keep', () => {
    const data = {
      findings: '成员患尿毒症，电话13912345678',
      visitors: ['村干部', '驻村工作队'],
      regionCode: '360731100200',
      nested: { note: '卡号6222020200112233', attendance: 25, ok: true, none: null },
    };
    const out = redactLeaves(data, NO_ACCESS, (key) => key === 'regionCode');
    expect(out).toEqual({
      findings: '成员******，电话139****5678',
      visitors: ['村干部', '驻村工作队'],
      regionCode: '360731100200',
      nested: { note: '卡号6222********2233', attendance: 25, ok: true, none: null },
    });
    expect(data.findings).toBe('成员患尿毒症，电话13912345678'); // the input is not changed
  });
});
