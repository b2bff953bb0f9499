/**
 * Household self-report through the public API (WRN-5, PRC-1, Q22, Q52): a report for a
 * registered head and one for an unregistered head get the same answer; the registered one opens
 * the identification case with today as lead date; the status page says nothing else; each member's
 * signed commitment is recorded with IP and time and reaches the case; the limits per IP and per ID
 * number answer 429; a proof of work is needed and used once; every bad field is named in Chinese;
 * the village opens the case of a report it could not match at first, or rejects it; another
 * village cannot see it.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { addDays } from '../../src/domain/deadlines.ts';
import { leadingZeroBits, PUBLIC_LIMITS } from '../../src/domain/self-report.ts';
import { API } from '../helpers/app.ts';
import { createCaseTestApp, type CaseTestApp } from '../helpers/cases.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

// Read when the public routes are registered: a small difficulty keeps the test fast.
process.env.JIANBANG_POW_BITS = '4';

let k: CaseTestApp;
let ipSeq = 0;
const freshIp = () => `10.61.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
const CJK = /[\u4e00-\u9fff]/;

function solve(challenge: string, bits: number): string {
  for (let n = 0; ; n++) if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest()) >= bits) return String(n);
}

async function proof() {
  const res = await k.app.inject({ method: 'GET', url: `${API}/public/challenge` });
  expect(res.statusCode, res.body).toBe(200);
  const { challenge, bits } = res.json();
  return { challenge, nonce: solve(challenge, bits) };
}

async function pub(path: string, body: Record<string, unknown>, o: { ip?: string; proof?: { challenge: string; nonce: string } } = {}) {
  return k.app.inject({
    method: 'POST', url: `${API}/public/${path}`, payload: { ...(o.proof ?? (await proof())), ...body }, remoteAddress: o.ip ?? freshIp(),
  });
}

const reportBody = (headIdNumber: string, o: Record<string, unknown> = {}) => ({
  headName: '赵铁柱', headIdNumber, phone: '13912345678', villageCode: k.regions.villageA, difficulties: ['illness', 'education'],
  description: '户主突发重病住院，孩子上学费用困难', ...o,
});

async function report(headIdNumber: string, o: Record<string, unknown> = {}, ip?: string) {
  const res = await pub('self-reports', reportBody(headIdNumber, o), { ip });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { refCode: string; message: string };
}

const status = (refCode: string, headIdNumber: string, ip?: string) => pub('self-reports/status', { refCode, headIdNumber }, { ip });

const reportRow = (refCode: string) => k.db.selectFrom('self_report').selectAll().where('ref_code', '=', refCode).executeTakeFirstOrThrow();

/** A household of village A registered by the county, head and spouse with the given ID numbers. */
async function register(head: string, spouse: string, regionCode = k.regions.villageA) {
  const h = await k.ok('county', 'POST', '/households', householdBody(regionCode, {
    members: [memberBody({ name: '赵铁柱', relation: 'head', idNumber: head }), memberBody({ name: '钱桂花', relation: 'spouse', sex: 'female', idNumber: spouse })],
  }));
  return { id: h.id as number, memberIds: h.members.map((m: any) => m.id) as number[] };
}

/** The same number with another check digit (GB 11643 refuses it). */
const badCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

const errorsOf = (res: LightMyRequestResponse) => res.json().errors as { path: string; message: string }[];

beforeAll(async () => {
  k = await createCaseTestApp('2024-03-20');
});
afterAll(async () => {
  await k?.close();
});

describe(`household self-report (WRN-5, ${TEST_DB_KIND})`, () => {
  it('hands out a signed challenge of the configured difficulty', async () => {
    const res = await k.app.inject({ method: 'GET', url: `${API}/public/challenge` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ bits: 4, algorithm: 'SHA-256' });
    expect(res.json().challenge).toMatch(/^[A-Za-z0-9_-]{22}\.\d{13}\.4\.[A-Za-z0-9_-]{43}$/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('lists regions for the village picker: names and codes only', async () => {
    const top = await k.app.inject({ method: 'GET', url: `${API}/public/regions` });
    expect(top.statusCode).toBe(200);
    expect(top.json()).toEqual([{ code: '360000000000', name: '江西省', level: 1, hasChildren: true }]);
    const township = k.regions.villageA.slice(0, 9) + '000';
    const villages = (await k.app.inject({ method: 'GET', url: `${API}/public/regions?parent=${township}` })).json();
    expect(villages.map((v: any) => v.code)).toContain(k.regions.villageA);
    expect(Object.keys(villages[0]).sort()).toEqual(['code', 'hasChildren', 'level', 'name']);
    expect(villages.every((v: any) => v.level === 5 && v.hasChildren === false)).toBe(true);
    const bad = await k.app.inject({ method: 'GET', url: `${API}/public/regions?parent=12` });
    expect(bad.statusCode).toBe(400);
    expect((await k.app.inject({ method: 'GET', url: `${API}/public/regions?parent=369999000000` })).statusCode).toBe(404);
  });

  it('answers a registered and an unregistered head identically; the registered one gets its identification case with today as lead date', async () => {
    const registeredHead = nextIdNumber();
    const hh = await register(registeredHead, nextIdNumber('female'));
    const unknownHead = nextIdNumber();

    const a = await pub('self-reports', reportBody(registeredHead));
    const b = await pub('self-reports', reportBody(unknownHead));
    for (const res of [a, b]) expect(res.statusCode, res.body).toBe(201);
    const same = (res: LightMyRequestResponse) => ({
      status: res.statusCode, body: { ...res.json(), refCode: 'X' }, keys: Object.keys(res.json()),
      length: res.headers['content-length'], type: res.headers['content-type'], codeShape: /^[2-9A-HJ-NP-Z]{10}$/.test(res.json().refCode),
    });
    expect(same(a)).toEqual(same(b));
    expect(same(a).codeShape).toBe(true);
    expect(a.json().refCode).not.toBe(b.json().refCode);

    const ra = await reportRow(a.json().refCode);
    const rb = await reportRow(b.json().refCode);
    expect(ra).toMatchObject({ state: 'case_opened', household_id: hh.id, reported_on: k.today(), channel: 'miniprogram' });
    expect(rb).toMatchObject({ state: 'received', household_id: null, case_id: null, region_code: k.regions.villageA });
    // Sealed at rest: the raw table holds no ID number, phone or description.
    const raw = await sql<{ sealed: boolean }>`
      select head_id_number like 'jbenc:1:%' and phone like 'jbenc:1:%' and description like 'jbenc:1:%' as sealed from self_report where id = ${ra.id}`.execute(k.db);
    expect(raw.rows).toEqual([{ sealed: true }]);

    const kase = await k.ok('village', 'GET', `/cases/${ra.case_id}`);
    expect(kase).toMatchObject({ householdId: hh.id, state: 'lead', source: 'self_report_miniprogram', leadOn: k.today() });
    // Both reports were audited, whoever the head is.
    const audits = await k.db.selectFrom('audit_log').select(['object_id', 'actor_name']).where('action', '=', 'self_report.receive').execute();
    expect(audits.filter((x) => x.object_id === String(ra.id) || x.object_id === String(rb.id))).toHaveLength(2);
    expect(audits.every((x) => x.actor_name === '农户自主申报')).toBe(true);
  });

  it('status shows only the public status and the report date — the same for registered and unregistered heads; a wrong pair is an unknown code', async () => {
    const registeredHead = nextIdNumber();
    await register(registeredHead, nextIdNumber('female'));
    const unknownHead = nextIdNumber();
    const a = await report(registeredHead);
    const b = await report(unknownHead);

    const sa = await status(a.refCode, registeredHead);
    const sb = await status(b.refCode.toLowerCase().replace(/(.{5})/, '$1-'), unknownHead);
    for (const s of [sa, sb]) {
      expect(s.statusCode, s.body).toBe(200);
      expect(s.json()).toEqual({ status: 'received', statusName: '已受理', reportedOn: k.today() });
    }
    expect(sa.body).not.toContain('赵铁柱');

    const wrongPair = await status(a.refCode, unknownHead);
    const unknownCode = await status('ABCDEFGHJK', registeredHead);
    for (const s of [wrongPair, unknownCode]) expect(s.statusCode).toBe(404);
    expect(wrongPair.body).toBe(unknownCode.body);
    expect(errorsOf(wrongPair)[0]!.message).toBe('未找到该申报：请核对申报编号和户主身份证号');

    // The village verifies: the household sees 核实中, still nothing else.
    const caseId = Number((await reportRow(a.refCode)).case_id);
    await k.okStep('village', caseId, 'record_verification', { occurredOn: k.today(), visitors: '村干部', findings: '户主住院，情况属实' });
    const verifying = await status(a.refCode, registeredHead);
    expect(verifying.json()).toEqual({ status: 'verifying', statusName: '核实中', reportedOn: k.today() });
  });

  it('a report for a household whose case is already under way is linked to it, and its status shows no step of that case', async () => {
    const head = nextIdNumber();
    const hh = await register(head, nextIdNumber('female'));
    const opened = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    await k.okStep('village', opened.id, 'record_verification', { occurredOn: k.today(), visitors: '村干部', findings: '入户核实' });
    const r = await report(head);
    expect(await reportRow(r.refCode)).toMatchObject({ state: 'case_opened', case_id: opened.id });
    expect((await status(r.refCode, head)).json().status).toBe('received');
    expect((await k.ok('county', 'GET', `/cases?householdId=${hh.id}`)).items).toHaveLength(1);
  });

  it('a monitoring object reporting a new difficulty gets a verification task (new risk), with the same answer', async () => {
    const head = nextIdNumber();
    const hh = await register(head, nextIdNumber('female'));
    await k.db.updateTable('household').set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: addDays(k.today(), -30) }).where('id', '=', hh.id).execute();
    const r = await report(head, { difficulties: ['housing_safety'] });
    expect(r.message).toMatch(/申报已提交/);
    const row = await reportRow(r.refCode);
    expect(row).toMatchObject({ state: 'task_opened', household_id: hh.id, case_id: null });
    const task = await k.db.selectFrom('verification_task').selectAll().where('id', '=', Number(row.task_id)).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ warning_type: 'self_report', source: 'self_report_miniprogram', monitored: true, lead_on: k.today(), state: 'open', household_id: hh.id });
    expect((await status(r.refCode, head)).json().status).toBe('received');
  });

  it('records each member’s signed commitment with IP and time; on a registered household they reach the case at once', async () => {
    const head = nextIdNumber();
    const spouse = nextIdNumber('female');
    const hh = await register(head, spouse);
    const r = await report(head);
    const ip = freshIp();
    const res = await pub('self-reports/consents', {
      refCode: r.refCode, headIdNumber: head,
      members: [{ name: '赵铁柱', idNumber: head, consent: true }, { name: '钱桂花', idNumber: spouse, consent: true }],
    }, { ip });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().message).toBe('已记录2位家庭成员的承诺授权。');
    expect(res.json().signatures.map((s: any) => s.name)).toEqual(['赵铁柱', '钱桂花']);
    expect(res.body).not.toContain(head);

    const row = await reportRow(r.refCode);
    const consents = await k.db.selectFrom('self_report_consent').selectAll().where('self_report_id', '=', row.id).orderBy('id').execute();
    expect(consents).toHaveLength(2);
    for (const c of consents) {
      expect(c.ip).toBe(ip);
      expect(c.signed_at).toBeInstanceOf(Date);
      expect(c.member_id).not.toBeNull();
      expect(c.case_consent_id).not.toBeNull();
    }
    const kase = await k.ok('village', 'GET', `/cases/${row.case_id}`);
    const signed = kase.consents.filter((c: any) => c.signedOn === k.today()).map((c: any) => c.memberId).sort();
    expect(signed).toEqual([...hh.memberIds].sort());

    // Signing again keeps the first signature (no duplicate, no error).
    const again = await pub('self-reports/consents', { refCode: r.refCode, headIdNumber: head, members: [{ name: '赵铁柱', idNumber: head, consent: true }] });
    expect(again.statusCode).toBe(200);
    expect(await k.db.selectFrom('self_report_consent').select('id').where('self_report_id', '=', row.id).execute()).toHaveLength(2);

    // A wrong pair cannot sign.
    const wrong = await pub('self-reports/consents', { refCode: r.refCode, headIdNumber: spouse, members: [{ name: '钱桂花', idNumber: spouse, consent: true }] });
    expect(wrong.statusCode).toBe(404);
  });

  it('the village opens the case of a report it registered later: lead date = the report date, the pending consents attached', async () => {
    const head = nextIdNumber();
    const spouse = nextIdNumber('female');
    const r = await report(head);
    const reportedOn = k.today();
    const signed = await pub('self-reports/consents', {
      refCode: r.refCode, headIdNumber: head, members: [{ name: '赵铁柱', idNumber: head, consent: true }, { name: '钱桂花', idNumber: spouse, consent: true }],
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const id = Number((await reportRow(r.refCode)).id);

    const list = await k.ok('village', 'GET', '/self-reports?state=received');
    const item = list.items.find((i: any) => i.id === id);
    expect(item).toMatchObject({ refCode: r.refCode, headName: '赵铁柱', state: 'received', consentCount: 2, reportedOn, difficultyNames: ['因病', '因学'] });
    expect(item.headIdNumber).not.toBe(head);
    expect(JSON.stringify(list)).not.toContain(head);

    // Not registered yet: no household to open it on.
    const detail = await k.ok('village', 'GET', `/self-reports/${id}`);
    expect(detail).toMatchObject({ canHandle: true, candidates: [], sensitiveRevealed: false, publicStatus: { status: 'received' } });
    expect(JSON.stringify(detail)).not.toContain(head);
    const revealed = await k.ok('village', 'GET', `/self-reports/${id}?reveal=true`);
    expect(revealed.headIdNumber).toBe(head);
    expect(revealed.consents.map((c: any) => c.idNumber)).toEqual([head, spouse]);
    expect(await k.db.selectFrom('audit_log').select('seq').where('action', '=', 'self_report.read_sensitive').where('object_id', '=', String(id)).execute()).toHaveLength(1);
    expect((await k.call('city', 'GET', `/self-reports/${id}?reveal=true`)).statusCode).toBe(403);

    k.advance(2);
    const other = await register(nextIdNumber(), nextIdNumber('female'));
    const wrongHousehold = await k.call('village', 'POST', `/self-reports/${id}/open-case`, { householdId: other.id, version: detail.version });
    expect(wrongHousehold.statusCode).toBe(422);
    expect(errorsOf(wrongHousehold)[0]).toMatchObject({ path: 'householdId' });

    const hh = await register(head, spouse);
    const withCandidate = await k.ok('village', 'GET', `/self-reports/${id}`);
    expect(withCandidate.candidates.map((c: any) => c.householdId)).toEqual([hh.id]);
    const stale = await k.call('village', 'POST', `/self-reports/${id}/open-case`, { householdId: hh.id, version: detail.version + 5 });
    expect(stale.statusCode).toBe(409);
    const opened = await k.ok('village', 'POST', `/self-reports/${id}/open-case`, { householdId: hh.id, version: detail.version });
    expect(opened).toMatchObject({ state: 'case_opened', householdId: hh.id });
    expect(opened.consents.every((c: any) => c.onCase)).toBe(true);
    const kase = await k.ok('village', 'GET', `/cases/${opened.caseId}`);
    expect(kase).toMatchObject({ source: 'self_report_miniprogram', leadOn: reportedOn, householdId: hh.id });
    expect(kase.consents.filter((c: any) => c.signedOn === reportedOn).map((c: any) => c.memberId).sort()).toEqual([...hh.memberIds].sort());
    // Q42: the 15 days run from the household's report, not from today.
    expect(kase.deadlines.find((d: any) => d.kind === 'lead_to_identification')).toMatchObject({ dueOn: addDays(reportedOn, 15) });
    const again = await k.call('village', 'POST', `/self-reports/${id}/open-case`, { householdId: hh.id, version: opened.version });
    expect(again.statusCode).toBe(409);
    expect(await k.db.selectFrom('audit_log').select('seq').where('action', '=', 'self_report.open_case').where('object_id', '=', String(id)).execute()).toHaveLength(1);
  });

  it('the village rejects a report with a reason; the household sees only 经核实未纳入', async () => {
    const head = nextIdNumber();
    const r = await report(head);
    const row = await reportRow(r.refCode);
    const noReason = await k.call('village', 'POST', `/self-reports/${row.id}/reject`, { version: row.version });
    expect(noReason.statusCode).toBe(400);
    expect(errorsOf(noReason)).toEqual([{ path: 'reason', message: '必填' }]);
    const rejected = await k.ok('village', 'POST', `/self-reports/${row.id}/reject`, { reason: '经走访，本村无此户', version: row.version });
    expect(rejected).toMatchObject({ state: 'rejected', rejectReason: '经走访，本村无此户', publicStatus: { status: 'result', statusName: '经核实未纳入' } });
    const s = await status(r.refCode, head);
    expect(s.json()).toEqual({ status: 'result', statusName: '经核实未纳入', reportedOn: row.reported_on });
    expect(s.body).not.toContain('走访');
    expect((await k.call('village', 'POST', `/self-reports/${row.id}/reject`, { reason: '重复', version: rejected.version })).statusCode).toBe(409);
    const audit = await k.db.selectFrom('audit_log').select(['reason', 'actor_name']).where('action', '=', 'self_report.reject').where('object_id', '=', String(row.id)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ reason: '经走访，本村无此户', actor_name: 'A村村干部' });
  });

  it('another village’s user cannot see the report; the township and county can', async () => {
    const r = await report(nextIdNumber());
    const id = Number((await reportRow(r.refCode)).id);
    expect((await k.call('village2', 'GET', `/self-reports/${id}`)).statusCode).toBe(403);
    expect((await k.ok('village2', 'GET', '/self-reports?pageSize=200')).items.map((i: any) => i.id)).not.toContain(id);
    expect((await k.call('village2', 'POST', `/self-reports/${id}/reject`, { reason: 'x', version: 1 })).statusCode).toBe(403);
    expect((await k.ok('township', 'GET', '/self-reports?pageSize=200')).items.map((i: any) => i.id)).toContain(id);
    expect((await k.ok('county', 'GET', `/self-reports/${id}`)).id).toBe(id);
    expect((await k.call('othercounty', 'GET', `/self-reports/${id}`)).statusCode).toBe(403);
    expect((await k.call('department', 'GET', '/self-reports')).statusCode).toBe(403);
    expect((await k.app.inject({ method: 'GET', url: `${API}/self-reports` })).statusCode).toBe(401);
  });

  it('limits reports per IP (10 an hour) and per head ID number (3 a day) with 429 in Chinese', async () => {
    const ip = freshIp();
    for (let i = 0; i < PUBLIC_LIMITS.reportPerIp.limit; i++) await report(nextIdNumber(), {}, ip);
    const tooMany = await pub('self-reports', reportBody(nextIdNumber()), { ip });
    expect(tooMany.statusCode).toBe(429);
    expect(errorsOf(tooMany)[0]!.message).toBe(PUBLIC_LIMITS.reportPerIp.message);
    // Another address is not affected; an hour later the address may report again.
    await report(nextIdNumber());
    k.advance(1 / 24 + 1 / 1440);
    await report(nextIdNumber(), {}, ip);

    const head = nextIdNumber();
    for (let i = 0; i < PUBLIC_LIMITS.reportPerIdNumber.limit; i++) await report(head);
    const sameHead = await pub('self-reports', reportBody(head));
    expect(sameHead.statusCode).toBe(429);
    expect(errorsOf(sameHead)[0]).toEqual({ path: 'headIdNumber', message: PUBLIC_LIMITS.reportPerIdNumber.message });
    expect(await k.db.selectFrom('public_throttle').select('key').where('key', 'like', '%' + head + '%').execute()).toEqual([]);
  });

  it('limits status checks per IP (30 an hour)', async () => {
    const head = nextIdNumber();
    const r = await report(head);
    const ip = freshIp();
    for (let i = 0; i < PUBLIC_LIMITS.statusPerIp.limit; i++) expect((await status(r.refCode, head, ip)).statusCode).toBe(200);
    const res = await status(r.refCode, head, ip);
    expect(res.statusCode).toBe(429);
    expect(errorsOf(res)[0]!.message).toMatch(CJK);
  });

  it('counts in one statement: parallel requests from one address cannot pass the limit', async () => {
    const ip = freshIp();
    const proofs = await Promise.all(Array.from({ length: 14 }, () => proof()));
    const results = await Promise.all(proofs.map((p) => pub('self-reports', reportBody(nextIdNumber()), { ip, proof: p })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(PUBLIC_LIMITS.reportPerIp.limit);
    expect(codes.filter((c) => c === 429)).toHaveLength(14 - PUBLIC_LIMITS.reportPerIp.limit);
  });

  it('needs a solved proof of work, used once: reused, wrong, forged or expired → 403; malformed → 400', async () => {
    const p = await proof();
    const first = await pub('self-reports/status', { refCode: 'ABCDEFGHJK', headIdNumber: nextIdNumber() }, { proof: p });
    expect(first.statusCode).toBe(404);
    const reused = await pub('self-reports/status', { refCode: 'ABCDEFGHJK', headIdNumber: nextIdNumber() }, { proof: p });
    expect(reused.statusCode).toBe(403);
    expect(errorsOf(reused)[0]).toEqual({ path: 'challenge', message: '该人机验证已使用过，请重新提交' });

    const fresh = await proof();
    let wrongNonce = 0;
    while (leadingZeroBits(createHash('sha256').update(`${fresh.challenge}:${wrongNonce}`).digest()) >= 4) wrongNonce++;
    const wrong = await pub('self-reports', reportBody(nextIdNumber()), { proof: { challenge: fresh.challenge, nonce: String(wrongNonce) } });
    expect(wrong.statusCode).toBe(403);
    expect(errorsOf(wrong)[0]!.path).toBe('nonce');

    const other = await proof();
    const sig = other.challenge.slice(-43);
    const forgedSig = other.challenge.slice(0, -43) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const forged = await pub('self-reports', reportBody(nextIdNumber()), { proof: { challenge: forgedSig, nonce: solve(forgedSig, 4) } });
    expect(forged.statusCode).toBe(403);
    // An easier difficulty written into a challenge breaks its signature too.
    const easier = other.challenge.replace('.4.', '.0.');
    expect((await pub('self-reports', reportBody(nextIdNumber()), { proof: { challenge: easier, nonce: '1' } })).statusCode).toBe(403);

    const old = await proof();
    k.advance(11 / 1440);
    const expired = await pub('self-reports', reportBody(nextIdNumber()), { proof: old });
    expect(expired.statusCode).toBe(403);
    expect(errorsOf(expired)[0]).toEqual({ path: 'challenge', message: '人机验证已过期，请重新提交' });

    const malformed = await pub('self-reports', reportBody(nextIdNumber()), { proof: { challenge: 'junk', nonce: '1' } });
    expect(malformed.statusCode).toBe(400);
    expect(errorsOf(malformed)[0]!.path).toBe('challenge');
    const missing = await k.app.inject({ method: 'POST', url: `${API}/public/self-reports`, payload: reportBody(nextIdNumber()), remoteAddress: freshIp() });
    expect(missing.statusCode).toBe(400);
    expect(errorsOf(missing).map((e) => e.path).sort()).toEqual(['challenge', 'nonce']);
  });

  it('names every bad field in Chinese with its path', async () => {
    const res = await pub('self-reports', {
      headName: '', headIdNumber: badCheckDigit(nextIdNumber()), phone: '12345', villageCode: k.regions.villageA.slice(0, 9) + '000',
      difficulties: ['illness', 'unicorn', 'other'], description: null, nickname: 'x',
    });
    expect(res.statusCode).toBe(400);
    const errors = errorsOf(res);
    expect(errors.map((e) => e.path).sort()).toEqual(['description', 'difficulties[1]', 'headIdNumber', 'headName', 'nickname', 'phone', 'villageCode'].sort());
    for (const e of errors) expect(e.message).toMatch(CJK);

    const village = await pub('self-reports', reportBody(nextIdNumber(), { villageCode: '360731999999' }));
    expect(village.statusCode).toBe(400);
    expect(errorsOf(village)).toEqual([{ path: 'villageCode', message: '所选村（社区）不存在，请重新选择' }]);

    const types = await pub('self-reports', reportBody(nextIdNumber(), { difficulties: 'illness', headName: 5 }));
    expect(types.statusCode).toBe(400);
    expect(errorsOf(types).map((e) => e.path).sort()).toEqual(['difficulties', 'headName']);
    for (const e of errorsOf(types)) expect(e.message).toMatch(CJK);

    const consents = await pub('self-reports/consents', {
      refCode: 'ABCDEFGHJK', headIdNumber: nextIdNumber(), members: [{ name: '赵铁柱', idNumber: '123', consent: false }],
    });
    expect(consents.statusCode).toBe(400);
    expect(errorsOf(consents).map((e) => e.path)).toEqual(['members[0].idNumber', 'members[0].consent']);

    const statusRes = await pub('self-reports/status', { refCode: 'O0O0O0O0O0', headIdNumber: '' });
    expect(errorsOf(statusRes).map((e) => e.path)).toEqual(['refCode', 'headIdNumber']);

    const big = await k.app.inject({
      method: 'POST', url: `${API}/public/self-reports`, payload: { ...reportBody(nextIdNumber()), description: 'x'.repeat(20_000) }, remoteAddress: freshIp(),
    });
    expect(big.statusCode).toBe(413);
    expect(errorsOf(big)[0]!.message).toBe('请求体过大：不能超过 16 KB');
  });
});
