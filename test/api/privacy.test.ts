/**
 * Nothing a role may not see is derivable from what it sees (issue 9 findings 1, 4 and the
 * registration leaks of 7; SEC-3, Q47). Households whose members have known ID numbers, phones,
 * bank accounts and health, and whose free text (notes, findings, reasons, addresses) carries an
 * ID number, a mobile, a bank account and illnesses, go through a case, a plan, a member change
 * and a yearly update; then every GET route that can show them is called as each role without
 * sensitive access, and every answer (JSON, HTML or XLSX text) is searched for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { addDays } from '../../src/domain/deadlines.ts';
import { makeIdNumber } from '../../src/domain/id-number.ts';
import { maskIdNumber } from '../../src/domain/masking.ts';
import { appendAudit } from '../../src/store/audit.ts';
import { inTransaction } from '../../src/store/transaction.ts';
import { createCaseTestApp, type CaseTestApp } from '../helpers/cases.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { householdBody, memberBody, nextIdNumber } from '../helpers/households.ts';

/** A number and a mobile no member has, typed into free text; the illnesses typed beside them. */
const NOTE_ID = makeIdNumber('360731', '1966-04-23', 512, 'female');
const NOTE_MOBILE = '13700001111';
const NOTE_CARD = '6217001234567890123';
const ILLNESSES = ['糖尿病', '乙肝', '尿毒症', '高血压'];
/** Free text as a cadre might type it: the numbers plain and split, the illnesses by name. */
const note = (what: string) => `${what}：身份证${NOTE_ID}，电话${NOTE_MOBILE}，卡号${NOTE_CARD}，患糖尿病、高血压`;
const shortNote = (what: string) => `${what}${NOTE_ID.slice(0, 6)} ${NOTE_ID.slice(6, 14)} ${NOTE_ID.slice(14)}，139 0000 2222，尿毒症`;

const NEWBORN_BIRTH = '2023-11-07';

interface Secrets {
  idNumbers: string[];
  birthDates: string[];
  phones: string[];
  accounts: string[];
}

/** A birth date in the three ways a response could print it. */
const dateForms = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return [iso, `${y}${m}${d}`, `${y}年${+m!}月${+d!}日`, `${y}年${m}月${d}日`];
};

/** Every string of a response: JSON and HTML as text, an XLSX workbook cell by cell. */
async function textOf(res: LightMyRequestResponse): Promise<string> {
  if (!String(res.headers['content-type']).includes('spreadsheetml')) return res.body;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text ?? '')))));
  return cells.join('\n');
}

/** Objects of a JSON value that show a masked ID number beside a birth date: the pair rebuilds the number. */
function maskedWithBirthDate(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => maskedWithBirthDate(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const masked = [o.idNumber, o.headIdNumber].some((v) => typeof v === 'string' && v.includes('*'));
    if (masked && (o.birthDate != null || o.eventDate === NEWBORN_BIRTH)) out.push(o);
    Object.values(o).forEach((v) => maskedWithBirthDate(v, out));
  }
  return out;
}

describe(`privacy of what each role sees (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  const secrets: Secrets = { idNumbers: [NOTE_ID], birthDates: ['1966-04-23', NEWBORN_BIRTH], phones: [NOTE_MOBILE, '13900002222', '139 0000 2222'], accounts: [NOTE_CARD] };
  const ids = {} as { h1: number; h2: number; case1: number; case2: number; measure: number };

  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
    const head = memberBody({ name: '李大山', relation: 'head', sex: 'male', phone: '13800138001', bankAccount: '6222020200112233441' });
    const spouse = memberBody({
      name: '王秀英', relation: 'spouse', sex: 'female', health: 'chronic', phone: '13912345671', bankAccount: '6222020200112233442',
      supportNote: note('赡养情况'),
    });
    const other = memberBody({ name: '赵小河', relation: 'head', sex: 'male', phone: '13800138002', bankAccount: '6222020200112233443' });
    for (const m of [head, spouse, other]) {
      secrets.idNumbers.push(m.idNumber);
      secrets.birthDates.push(`${m.idNumber.slice(6, 10)}-${m.idNumber.slice(10, 12)}-${m.idNumber.slice(12, 14)}`);
      secrets.phones.push(m.phone);
      secrets.accounts.push(m.bankAccount);
    }
    const h1 = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA, {
      members: [head, spouse],
      household: { villageGroup: '三组（乙肝）', address: `长征大道8号，联系${NOTE_MOBILE}` },
    }));
    const h2 = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA, { members: [other] }));
    ids.h1 = h1.id;
    ids.h2 = h2.id;
    const memberIds: number[] = h1.members.map((m: any) => m.id);

    // Records with notes, one voided with a reason.
    await k.ok('county', 'POST', `/households/${ids.h1}/risks`, { type: 'illness', selfResolvable: false, foundOn: addDays(k.today(), -1), note: note('风险') });
    const claim = await k.ok('village', 'POST', `/households/${ids.h1}/claims`, { type: 'commercial_insurance', amount: 100, month: '2023-12', status: 'paid', note: note('理赔') });
    await k.ok('village', 'POST', `/households/${ids.h1}/claims/${claim.id}/void`, { version: claim.version, reason: note('作废') });

    // A case through its steps, every free-text field carrying the secrets.
    const opened = await k.ok('village', 'POST', '/cases', { householdId: ids.h1, source: 'cadre_visit', leadOn: k.today(), leadNote: note('线索'), sourceRef: shortNote('') });
    ids.case1 = opened.id;
    await k.okStep('village', ids.case1, 'record_verification', { occurredOn: k.today(), visitors: shortNote('村干部'), findings: note('核实') });
    await k.ok('village', 'POST', `/cases/${ids.case1}/consents`, { memberId: memberIds[0], signedOn: k.today() });
    await k.ok('village', 'POST', `/cases/${ids.case1}/consents`, { memberId: memberIds[1], signedOn: k.today(), delegateMemberId: memberIds[0], delegationNote: note('委托') });
    const cmp = (await k.ok('village', 'POST', `/cases/${ids.case1}/comparisons`)).comparisons[0];
    await k.ok('village', 'POST', `/cases/${ids.case1}/comparisons/${cmp.id}/result`, { version: cmp.version, result: 'issue_found', findings: note('比对'), completedOn: k.today() });
    await k.okStep('village', ids.case1, 'record_appraisal', { form: 'representatives_meeting', heldOn: k.today(), attendance: 25, result: 'passed', minutes: note('评议') });
    await k.okStep('village', ids.case1, 'start_notice', { startOn: k.today(), endOn: addDays(k.today(), 4), objectionUnit: '乡镇乡村振兴办', objectionPhone: '0797-6221234' });
    k.advance(5);
    await k.okStep('village', ids.case1, 'end_notice', { objections: 1, objectionSummary: note('异议'), objectionsUpheld: false });
    await k.okStep('township', ids.case1, 'township_review', { opinion: note('乡镇意见'), proposedMeasures: [{ type: 'health', description: note('拟帮扶') }] });
    await k.okStep('county', ids.case1, 'county_approve');

    // A plan and measures, one suspended with a reason.
    const plan = await k.ok('county', 'POST', `/households/${ids.h1}/plan`, {
      caseId: ids.case1, note: note('计划'), developmentDeclinedReason: shortNote('不愿'),
      measures: [{ type: 'temporary_assistance', description: note('措施'), plannedStart: k.today() }],
    });
    ids.measure = plan.measures[0].id;
    await k.ok('county', 'PATCH', `/measures/${ids.measure}`, { version: plan.measures[0].version, status: 'suspended', on: k.today(), reason: note('暂停') });

    // A birth (the event date is the newborn's birth date) and the yearly update.
    const newborn = makeIdNumber('360731', NEWBORN_BIRTH, 77, 'female');
    secrets.idNumbers.push(newborn);
    await k.ok('village', 'POST', `/households/${ids.h1}/member-changes`, {
      direction: 'increase', reason: 'birth', evidenceType: 'birth_certificate', evidenceRef: shortNote('出生证明'), eventDate: NEWBORN_BIRTH,
      note: note('新生儿'), member: { name: '李小花', idNumber: newborn, relation: 'child', laborAbility: 'none' },
    });
    await k.ok('county', 'POST', '/yearly-updates', { year: 2024 });
    await k.ok('village', 'POST', `/households/${ids.h1}/yearly-updates/2024/done`, { version: 1, note: note('年度更新') });

    // A 12317 ticket by ID number, on the second household.
    ids.case2 = (await k.ok('hotline', 'POST', '/leads', { idNumber: other.idNumber, source: 'hotline_12317', leadOn: k.today(), leadNote: note('12317工单'), sourceRef: shortNote('') })).id;
  }, 120_000);
  afterAll(() => k?.close());

  const getUrls = () => [
    '/households?pageSize=100', '/households/export.xlsx', `/households/${ids.h1}`, `/households/${ids.h2}`, `/households/${ids.h1}/records`,
    `/households/${ids.h1}/member-changes`, '/member-changes?pageSize=100', '/cases?pageSize=100', `/cases?householdId=${ids.h1}`,
    `/cases/${ids.case1}`, `/cases/${ids.case2}`, '/workbench', '/measures?pageSize=100', '/supervision/overdue-measures',
    '/supervision/assistance-gaps?kind=no_measure', '/supervision/assistance-gaps?kind=no_developmental', '/supervision/assistance-gaps?kind=fallback_only',
    `/households/${ids.h1}/plan`, '/yearly-updates?year=2024', `/households/${ids.h1}/assessment?explain=true`,
    `/households/${ids.h2}/assessment?explain=true`, `/cases/${ids.case1}/notice?type=village_notice`,
    `/cases/${ids.case1}/notice?type=county_announcement&format=xlsx`, '/notices/county-announcement?countyCode=360731',
    ...[1, 2, 3, 4, 5].map((p) => `/audit?pageSize=200&page=${p}`),
    // Every list's export (DAT-2): masked as the list.
    '/cases/export.xlsx', '/measures/export.xlsx', '/supervision/overdue-measures/export.xlsx', '/member-changes/export.xlsx',
    ...['no_measure', 'no_developmental', 'fallback_only'].map((kind) => `/supervision/assistance-gaps/export.xlsx?kind=${kind}`),
    '/yearly-updates/export.xlsx?year=2024', '/audit/export.xlsx', '/login-log/export.xlsx',
  ];

  /** Every response a user gets from the GET routes, with its text. */
  async function answers(user: string) {
    const out: { url: string; status: number; text: string; json: unknown }[] = [];
    for (const url of getUrls()) {
      const res = await k.call(user, 'GET', url);
      const text = await textOf(res);
      let json: unknown = null;
      if (String(res.headers['content-type']).includes('json')) json = res.json();
      out.push({ url, status: res.statusCode, text, json });
    }
    return out;
  }

  const HEALTH_BLIND = ['city', 'province', 'national', 'department', 'hotline', 'auditadmin'];

  it.each([...HEALTH_BLIND, 'village'])('%s rebuilds nothing from any answer', async (user) => {
    const all = await answers(user);
    const ok = all.filter((a) => a.status === 200);
    // Not vacuous: each role reads a good part of the data (the audit admin the audit log).
    expect(ok.length, all.map((a) => `${a.status} ${a.url}`).join('\n')).toBeGreaterThanOrEqual(user === 'auditadmin' ? 5 : 10);
    for (const a of all) {
      const where = `${user} GET ${a.url} → ${a.status}`;
      for (const id of secrets.idNumbers) {
        expect(a.text, where).not.toContain(id);
        expect(a.text, where).not.toContain(id.slice(6, 14)); // the birth date inside the number
      }
      for (const date of secrets.birthDates) for (const form of dateForms(date)) expect(a.text, `${where}: ${form}`).not.toContain(form);
      for (const phone of secrets.phones) expect(a.text, where).not.toContain(phone);
      for (const account of secrets.accounts) expect(a.text, where).not.toContain(account);
      expect(maskedWithBirthDate(a.json), where).toEqual([]);
      if (user !== 'village') {
        for (const word of ILLNESSES) expect(a.text, `${where}: ${word}`).not.toContain(word);
        expect(a.text, where).not.toContain('"health":"chronic"');
      }
    }
  }, 120_000);

  it('the data is there: an audited reveal shows it, a village cadre reads the illnesses, codes stay whole', async () => {
    const revealed = await k.ok('county', 'GET', `/households/${ids.h1}?reveal=true`);
    const spouse = revealed.members.find((m: any) => m.relation === 'spouse');
    expect(spouse).toMatchObject({ idNumber: secrets.idNumbers[2], health: 'chronic', phone: '13912345671', supportNote: note('赡养情况') });
    expect(spouse.birthDate).toBe(secrets.birthDates[3]);
    expect(spouse.birthYear).toBe(Number(secrets.birthDates[3]!.slice(0, 4)));
    expect(revealed).toMatchObject({ villageGroup: '三组（乙肝）', address: `长征大道8号，联系${NOTE_MOBILE}` });

    const masked = await k.ok('village', 'GET', `/households/${ids.h1}`);
    expect(masked.members.find((m: any) => m.relation === 'spouse')).toMatchObject({ birthDate: null, birthYear: spouse.birthYear, health: '***' });
    const c = await k.ok('village', 'GET', `/cases/${ids.case1}`);
    const verification = c.steps.find((s: any) => s.action === 'record_verification');
    expect(verification.data.findings).toBe(`核实：身份证${NOTE_ID.slice(0, 6)}********${NOTE_ID.slice(-4)}，电话137****1111，卡号6217***********0123，患糖尿病、高血压`);

    const city = await k.ok('city', 'GET', `/cases/${ids.case1}`);
    expect(city.steps.find((s: any) => s.action === 'record_verification').data.findings).toBe(
      `核实：身份证${NOTE_ID.slice(0, 6)}********${NOTE_ID.slice(-4)}，电话137****1111，卡号6217***********0123，******、***`,
    );
    expect(city).toMatchObject({ regionCode: k.regions.villageA, leadOn: '2024-03-01', household: { villageGroup: '三组（***）' } });
  });

  it('audit entries written before birth dates were masked are redacted on read, the stored row untouched', async () => {
    const [idNumber, birthDate] = [secrets.idNumbers[1]!, secrets.birthDates[2]!];
    const old = {
      member: { idNumber, birthDate, phone: '13800138001', supportNote: note('旧') },
      change: { reason: 'birth', eventDate: NEWBORN_BIRTH, dueOn: '2024-02-07', birthDate: NEWBORN_BIRTH },
      regionCode: k.regions.villageA,
    };
    await inTransaction(k.db, (trx) =>
      appendAudit(trx, { actor: k.users.county, action: 'member.update', objectType: 'member', objectId: 1, countyCode: '360731', after: old, reason: note('旧原因') }),
    );
    const [entry] = (await k.ok('auditadmin', 'GET', '/audit?action=member.update&pageSize=1')) as any[];
    expect(entry.after).toEqual({
      member: { idNumber: maskIdNumber(idNumber), birthDate: null, birthYear: Number(birthDate.slice(0, 4)), phone: '138****8001', supportNote: expect.stringContaining('旧：身份证') },
      change: { reason: 'birth', eventDate: null, dueOn: null, birthDate: null, birthYear: 2023 },
      regionCode: k.regions.villageA,
    });
    expect(JSON.stringify(entry)).not.toMatch(/糖尿病|高血压|13700001111/);
    const stored = await k.db.selectFrom('audit_log').select('after').where('seq', '=', entry.seq).executeTakeFirstOrThrow();
    expect(stored.after).toEqual(old);
  });

  it('the reply to the lead a 12317 operator pushes is masked too', async () => {
    const other = await k.ok('county', 'POST', '/households', householdBody(k.regions.villageA));
    const idNumber = (await k.ok('county', 'GET', `/households/${other.id}?reveal=true`)).members[0].idNumber;
    const res = await k.call('hotline', 'POST', '/leads', { idNumber, source: 'hotline_12317', leadOn: k.today(), leadNote: note('工单') });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(NOTE_ID);
    expect(res.body).not.toContain(NOTE_MOBILE);
    for (const word of ILLNESSES) expect(res.body).not.toContain(word);
  });
});

describe(`registration elsewhere is not told apart from no registration (${TEST_DB_KIND})`, () => {
  let k: CaseTestApp;
  let elsewhere: { id: number; idNumber: string };
  let here: { id: number; idNumber: string };

  beforeAll(async () => {
    k = await createCaseTestApp('2024-03-01');
    const register = async (user: string, region: string) => {
      const head = memberBody({ relation: 'head' });
      const h = await k.ok(user, 'POST', '/households', householdBody(region, { members: [head] }));
      return { id: h.id as number, idNumber: head.idNumber };
    };
    elsewhere = await register('othercounty', k.regions.villageD);
    here = await register('village', k.regions.villageA);
  });
  afterAll(() => k?.close());

  const lead = (idNumber: string) => ({ idNumber, source: 'department_warning', leadOn: k.today(), leadNote: '民政预警' });

  it.each(['/leads', '/cases'])('%s answers a number registered in another county exactly as an unknown number', async (url) => {
    const unknown = await k.call('department', 'POST', url, lead(nextIdNumber()));
    const other = await k.call('department', 'POST', url, lead(elsewhere.idNumber));
    expect(unknown.statusCode).toBe(404);
    expect(other.statusCode).toBe(unknown.statusCode);
    expect(other.body).toBe(unknown.body);
  });

  it('adding a member already registered answers the same for this village and another county, and the county can follow up', async () => {
    const target = await k.ok('village', 'POST', '/households', householdBody(k.regions.villageA));
    const add = (idNumber: string) => k.call('village', 'POST', `/households/${target.id}/members`, memberBody({ idNumber, relation: 'child' }));
    const local = await add(here.idNumber);
    const far = await add(elsewhere.idNumber);
    expect(local.statusCode).toBe(400);
    expect(far.statusCode).toBe(400);
    expect(far.body).toBe(local.body);
    expect(local.body).not.toContain(String(here.id));
    expect(local.json().errors).toEqual([{ path: 'idNumber', message: expect.stringContaining('不能在此登记') }]);

    const increase = (idNumber: string) => k.call('village', 'POST', `/households/${target.id}/member-changes`, {
      direction: 'increase', reason: 'move_in', evidenceType: 'migration_certificate', evidenceRef: 'QY-1', eventDate: k.today(),
      member: { name: '迁入', idNumber, relation: 'child', laborAbility: 'full' },
    });
    const localChange = await increase(here.idNumber);
    const farChange = await increase(elsewhere.idNumber);
    expect(localChange.statusCode, localChange.body).toBe(400);
    expect(farChange.body).toBe(localChange.body);

    const registerWith = (idNumber: string) => k.call('village', 'POST', '/households', householdBody(k.regions.villageA, { members: [memberBody({ idNumber, relation: 'head' })] }));
    const localNew = await registerWith(here.idNumber);
    const farNew = await registerWith(elsewhere.idNumber);
    expect(localNew.statusCode).toBe(400);
    expect(farNew.body).toBe(localNew.body);

    // Each refusal is on record against the household that holds the number.
    const refused = await k.db.selectFrom('audit_log').select(['object_id', 'county_code', 'after']).where('action', '=', 'member.registration_refused').execute();
    expect(refused.filter((r) => String(r.object_id) === String(elsewhere.id))).toHaveLength(3);
    expect(refused.filter((r) => String(r.object_id) === String(here.id))).toHaveLength(3);
    expect(JSON.stringify(refused)).not.toContain(elsewhere.idNumber);
  });
});
