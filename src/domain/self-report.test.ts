import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeIdNumber } from './id-number.ts';
import {
  challengeBody, challengeToken, checkConsents, checkSelfReport, checkStatusRequest, DEFAULT_POW_BITS, DIFFICULTY_CODES, DIFFICULTY_TYPES,
  isRefCode, leadingZeroBits, makeRefCode, normalizeRefCode, parseChallenge, powBitsFrom, powMessage, publicStatus, REF_CODE_ALPHABET,
  RESULT_NAMES, solves, type ReportFacts,
} from './self-report.ts';

const ID = makeIdNumber('360731', '1970-05-06', 12, 'male');
const CHALLENGE = challengeToken({ id: 'A'.repeat(22), expiresAt: 1_700_000_000_000, bits: 8, signature: 'B'.repeat(43) });
const proof = { challenge: CHALLENGE, nonce: '42' };
const report = (o: Record<string, unknown> = {}) => ({
  ...proof, headName: '张大山', headIdNumber: ID, phone: '13800138000', villageCode: '360731100201', difficulties: ['illness'], description: null, ...o,
});

describe('difficulty types', () => {
  it('are offered in Chinese, the causes the guide names first, 其他 last', () => {
    expect(Object.values(DIFFICULTY_TYPES)).toEqual(expect.arrayContaining(['因病', '因残', '因学', '因灾', '因意外事故', '因失业/务工中断', '因产业失败', '住房安全', '饮水安全', '其他']));
    expect(DIFFICULTY_CODES.at(-1)).toBe('other');
    for (const name of Object.values(DIFFICULTY_TYPES)) expect(name).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('reference code', () => {
  it('is 10 characters of an alphabet without look-alikes, 5 random bits each', () => {
    expect(REF_CODE_ALPHABET).toHaveLength(32);
    expect(REF_CODE_ALPHABET).not.toMatch(/[01IO]/);
    const code = makeRefCode([0, 1, 2, 3, 4, 5, 6, 7, 8, 31]);
    expect(code).toBe('23456789AZ');
    expect(isRefCode(code)).toBe(true);
    // The upper 3 bits of a byte do not matter: every byte value maps onto the 32 characters evenly.
    expect(makeRefCode([32, 33, 34, 35, 36, 37, 38, 39, 40, 255])).toBe(code);
  });

  it('refuses too few random bytes', () => {
    expect(() => makeRefCode([1, 2, 3])).toThrow();
  });

  it('reads what a household types (spaces, hyphens, lower case), and refuses look-alike characters', () => {
    expect(normalizeRefCode(' abcde-fghjk ')).toBe('ABCDEFGHJK');
    expect(isRefCode('ABCDEFGHJK')).toBe(true);
    expect(isRefCode('ABCDEFGHJ0')).toBe(false);
    expect(isRefCode('ABCDEFGHJI')).toBe(false);
    expect(isRefCode('ABCDEFGHJ')).toBe(false);
  });
});

describe('public status', () => {
  const facts = (o: Partial<ReportFacts>): ReportFacts => ({ state: 'case_opened', case: null, task: null, householdMonitored: false, ...o });
  const of = (o: Partial<ReportFacts>) => publicStatus(facts(o));

  it('a case just opened for a registered head looks like a report nobody matched yet', () => {
    expect(of({ state: 'received' })).toEqual({ status: 'received', statusName: '已受理' });
    expect(of({ case: { state: 'lead', fromReport: true } })).toEqual(of({ state: 'received' }));
  });

  it('follows the case the report opened: 核实中, 认定程序中, then the result', () => {
    expect(of({ case: { state: 'verified', fromReport: true } })).toEqual({ status: 'verifying', statusName: '核实中' });
    for (const state of ['appraised', 'in_notice', 'noticed', 'township_reviewed'])
      expect(of({ case: { state, fromReport: true } })).toEqual({ status: 'in_procedure', statusName: '认定程序中' });
    for (const state of ['approved', 'announced', 'entered']) expect(of({ case: { state, fromReport: true } })).toEqual({ status: 'result', statusName: '已纳入监测' });
    for (const state of ['rejected', 'not_identified', 'green_exit']) expect(of({ case: { state, fromReport: true } })).toEqual({ status: 'result', statusName: '经核实未纳入' });
  });

  it('a case that was running before the report shows no step of its own, only its result', () => {
    for (const state of ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed'])
      expect(of({ case: { state, fromReport: false } }).status).toBe('received');
    expect(of({ case: { state: 'approved', fromReport: false } }).statusName).toBe(RESULT_NAMES.included);
  });

  it('a monitoring object: received while the verification task is open, then 已纳入监测', () => {
    expect(of({ state: 'task_opened', task: { state: 'open' }, householdMonitored: true }).status).toBe('received');
    expect(of({ state: 'task_opened', task: { state: 'risk_recorded' }, householdMonitored: true })).toEqual({ status: 'result', statusName: '已纳入监测' });
  });

  it('a rejected report says only 经核实未纳入', () => {
    expect(of({ state: 'rejected' })).toEqual({ status: 'result', statusName: '经核实未纳入' });
  });

  it('the result never says anything but the two wordings', () => {
    const all = ['lead', 'verified', 'appraised', 'in_notice', 'noticed', 'township_reviewed', 'approved', 'announced', 'entered', 'rejected', 'not_identified', 'green_exit', 'unknown']
      .flatMap((state) => [true, false].map((fromReport) => of({ case: { state, fromReport } })));
    for (const s of all) if (s.status === 'result') expect([RESULT_NAMES.included, RESULT_NAMES.not_included]).toContain(s.statusName);
  });
});

describe('proof of work', () => {
  const sha = (s: string) => createHash('sha256').update(s).digest();

  it('counts leading zero bits', () => {
    expect(leadingZeroBits([0x80])).toBe(0);
    expect(leadingZeroBits([0x01])).toBe(7);
    expect(leadingZeroBits([0x00, 0x0f])).toBe(12);
    expect(leadingZeroBits([0x00, 0x00])).toBe(16);
    expect(solves([0x00, 0x0f], 12)).toBe(true);
    expect(solves([0x00, 0x0f], 13)).toBe(false);
  });

  it('a nonce found by trying numbers in order solves the challenge; the next bit up it usually does not', () => {
    const bits = 10;
    let n = 0;
    while (!solves(sha(powMessage(CHALLENGE, String(n))), bits)) n++;
    expect(leadingZeroBits(sha(powMessage(CHALLENGE, String(n))))).toBeGreaterThanOrEqual(bits);
    // Another challenge makes the same nonce worthless (with overwhelming probability).
    expect(solves(sha(powMessage(CHALLENGE.replace('AAAA', 'AAAB'), String(n))), bits + 12)).toBe(false);
  });

  it('parses only the exact challenge shape, with its signed body', () => {
    const c = parseChallenge(CHALLENGE)!;
    expect(c).toEqual({ id: 'A'.repeat(22), expiresAt: 1_700_000_000_000, bits: 8, signature: 'B'.repeat(43) });
    expect(challengeBody(c)).toBe(`${'A'.repeat(22)}.1700000000000.8`);
    expect(parseChallenge(`${CHALLENGE}x`)).toBeNull();
    expect(parseChallenge(CHALLENGE.replace('.8.', '.29.'))).toBeNull();
    expect(parseChallenge('junk')).toBeNull();
  });

  it('difficulty comes from JIANBANG_POW_BITS, default 16; a wrong value is a configuration error', () => {
    expect(powBitsFrom(undefined)).toBe(DEFAULT_POW_BITS);
    expect(DEFAULT_POW_BITS).toBe(16);
    expect(powBitsFrom('4')).toBe(4);
    expect(() => powBitsFrom('abc')).toThrow(/JIANBANG_POW_BITS/);
    expect(() => powBitsFrom('40')).toThrow(/JIANBANG_POW_BITS/);
  });
});

describe('the public forms', () => {
  it('a complete report passes, ID number upper-cased', () => {
    const { input, errors } = checkSelfReport(report({ headIdNumber: ID.toLowerCase() }));
    expect(errors).toEqual([]);
    expect(input).toMatchObject({ headName: '张大山', headIdNumber: ID.toUpperCase(), difficulties: ['illness'] });
  });

  it('every bad field has its own Chinese message and path', () => {
    const { input, errors } = checkSelfReport({
      challenge: 'x', nonce: '!!', headName: '', headIdNumber: '360731197005061234', phone: '123', villageCode: '360731100000',
      difficulties: ['illness', 'flying', 'illness', 'other'], description: null, extra: 1,
    });
    expect(input).toBeNull();
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['challenge', 'nonce', 'headName', 'headIdNumber', 'phone', 'villageCode', 'difficulties[1]', 'difficulties[2]', 'description', 'extra']));
    for (const e of errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    expect(errors.find((e) => e.path === 'headIdNumber')!.message).toContain('户主身份证号');
  });

  it('difficulties: at least one', () => {
    expect(checkSelfReport(report({ difficulties: [] })).errors).toEqual([{ path: 'difficulties', message: '请至少选择一项困难类型' }]);
    expect(checkSelfReport(report({ difficulties: 'illness' })).errors[0]!.path).toBe('difficulties');
  });

  it('status: the code as typed, the head ID number', () => {
    expect(checkStatusRequest({ ...proof, refCode: 'abcde fghjk', headIdNumber: ID }).input).toMatchObject({ refCode: 'ABCDEFGHJK' });
    expect(checkStatusRequest({ ...proof, refCode: 'ABCDEFGHJ0', headIdNumber: 'x' }).errors.map((e) => e.path)).toEqual(['refCode', 'headIdNumber']);
  });

  it('consents: each member ticks, no ID number twice', () => {
    const other = makeIdNumber('360731', '1972-01-02', 14, 'female');
    const ok = checkConsents({ ...proof, refCode: 'ABCDEFGHJK', headIdNumber: ID, members: [{ name: '张大山', idNumber: ID, consent: true }, { name: '李秀英', idNumber: other, consent: true }] });
    expect(ok.errors).toEqual([]);
    expect(ok.input!.members).toHaveLength(2);
    const bad = checkConsents({ ...proof, refCode: 'ABCDEFGHJK', headIdNumber: ID, members: [{ name: '张大山', idNumber: ID, consent: false }, { name: '张1', idNumber: ID, consent: true }] });
    expect(bad.errors.map((e) => e.path)).toEqual(['members[0].consent', 'members[1].name', 'members[1].idNumber']);
    expect(checkConsents({ ...proof, refCode: 'ABCDEFGHJK', headIdNumber: ID, members: [] }).errors).toEqual([{ path: 'members', message: '请至少填写一位家庭成员' }]);
  });
});
