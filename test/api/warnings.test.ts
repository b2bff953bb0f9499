/**
 * Department warnings (WRN-1) through each channel — the page (session), the department system's
 * API (bearer token) and the file (import engine) — and what becomes of them: a verification
 * task for the household's village dated as the warning (Q42, Q43), merged when the same person
 * and type already has an open task, the county's queue for persons not in the registry; the
 * visit's outcome (no risk, risk found → case, new risk on a monitoring object) with the Q8 rule;
 * tokens issued, scoped, revoked and audited; precision figures (WRN-6).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { API } from '../helpers/app.ts';
import { createCaseTestApp, expectError, type CaseTestApp } from '../helpers/cases.ts';
import { householdBody, nextIdNumber } from '../helpers/households.ts';
import { importFile, uploadImport, workbook } from '../helpers/import-files.ts';
import { addDays } from '../../src/domain/deadlines.ts';
import { WARNINGS_SHEET } from '../../src/domain/sheets/warnings.ts';
import { WARNING_TYPE_NAMES } from '../../src/domain/warnings.ts';

let k: CaseTestApp;
const START = '2024-05-06';

beforeAll(async () => {
  k = await createCaseTestApp(START);
});
afterAll(async () => k?.close());

/** A registered household of `region` and its head's ID number. */
async function household(region = k.regions.villageA) {
  const h = await k.ok(region === k.regions.villageD ? 'othercounty' : 'county', 'POST', '/households', householdBody(region));
  const head = await k.db.selectFrom('member').select(['id', 'id_number']).where('household_id', '=', h.id).where('relation', '=', 'head').executeTakeFirstOrThrow();
  return { id: h.id as number, idNumber: head.id_number, memberId: head.id };
}

const warning = (idNumber: string, o: Record<string, unknown> = {}) => ({
  type: 'dibao_application', name: '张三', idNumber, warnedOn: addDays(k.today(), -2), detail: '本人提交低保申请', ...o,
});
const push = (user: string, warnings: unknown[]) => k.call(user, 'POST', '/warnings', { warnings });
const tasksOf = (householdId: number) => k.db.selectFrom('verification_task').selectAll().where('household_id', '=', householdId).orderBy('id').execute();
const count = async (table: 'department_warning' | 'verification_task' | 'deadline') =>
  Number((await k.db.selectFrom(table).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

describe('the page channel', () => {
  it('turns a warning about a registered person into a verification task for the village, dated as the warning', async () => {
    const h = await household();
    const res = await push('department', [warning(h.idNumber)]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ received: 1, tasks: 1, merged: 0, unknown: 0 });
    const [task] = await tasksOf(h.id);
    expect(task).toMatchObject({ state: 'open', source: 'dibao_application', warning_type: 'dibao_application', lead_on: addDays(k.today(), -2), region_code: k.regions.villageA });
    // Q43: verified within the dated limit (7 days), from the warning date.
    expect(task!.due_on).toBe(addDays(task!.lead_on, 7));
    const deadline = await k.db.selectFrom('deadline').selectAll().where('subject_type', '=', 'verification_task').where('subject_id', '=', task!.id).executeTakeFirstOrThrow();
    expect(deadline).toMatchObject({ kind: 'verification_task', responsible_role: 'village', due_on: task!.due_on, clause: 'Q43' });

    // The village sees it first on its workbench and in its list; the sibling village does not.
    const bench = await k.ok('village', 'GET', '/workbench');
    expect(bench.tasks[0]).toMatchObject({ taskId: task!.id, householdId: h.id });
    expect((await k.ok('village', 'GET', '/verification-tasks')).items.map((t: any) => t.id)).toContain(task!.id);
    expect((await k.ok('village2', 'GET', '/verification-tasks')).items.map((t: any) => t.id)).not.toContain(task!.id);
    expect((await k.call('village2', 'GET', `/verification-tasks/${task!.id}`)).statusCode).toBe(403);
    // What the warning said is for those who verify; the city sees the figures, not the text.
    expect((await k.ok('village', 'GET', `/verification-tasks/${task!.id}`)).summary).toContain('本人提交低保申请');
    expect((await k.ok('city', 'GET', `/verification-tasks/${task!.id}`)).summary).toBeNull();
  });

  it('merges a second warning about the same person and type into the open task, and opens another for another type', async () => {
    const h = await household();
    await push('department', [warning(h.idNumber)]);
    const again = await push('department', [warning(h.idNumber, { warnedOn: k.today() }), warning(h.idNumber, { type: 'tekun_application' })]);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ received: 2, tasks: 1, merged: 1 });
    const tasks = await tasksOf(h.id);
    expect(tasks.map((t) => [t.warning_type, t.warning_count])).toEqual([['dibao_application', 2], ['tekun_application', 1]]);
    // The merged task keeps the first warning's date (its days started then).
    expect(tasks[0]!.lead_on).toBe(addDays(k.today(), -2));
    const detail = await k.ok('village', 'GET', `/verification-tasks/${tasks[0]!.id}`);
    expect(detail.warningCount).toBe(2);
    expect(detail.warnings.map((w: any) => w.outcome)).toEqual(['task', 'merged']);
  });

  it('merges repeats inside one batch too', async () => {
    const h = await household();
    const res = await push('department', [warning(h.idNumber), warning(h.idNumber), warning(h.idNumber)]);
    expect(res.json()).toMatchObject({ received: 3, tasks: 1, merged: 2 });
    expect((await tasksOf(h.id)).map((t) => t.warning_count)).toEqual([3]);
  });

  it('queues persons not in the registry for the county, and answers a person registered elsewhere the same way', async () => {
    const elsewhere = await household(k.regions.villageD);
    const unknownId = nextIdNumber();
    const res = await push('department', [warning(unknownId, { name: '李四' }), warning(elsewhere.idNumber, { name: '王五' })]);
    expect(res.json()).toMatchObject({ received: 2, tasks: 0, unknown: 2 });
    expect(await tasksOf(elsewhere.id)).toEqual([]);

    const queue = await k.ok('county', 'GET', '/warnings?queue=pending');
    const mine = queue.items.filter((w: any) => ['李四', '王五'].includes(w.personName));
    expect(mine).toHaveLength(2);
    // The county locates people: it sees the whole number; the department sees it masked.
    expect(mine.map((w: any) => w.idNumber).sort()).toEqual([unknownId, elsewhere.idNumber].sort());
    const dept = await k.ok('department', 'GET', '/warnings?outcome=unknown');
    expect(dept.items.find((w: any) => w.personName === '李四').idNumber).not.toBe(unknownId);
    expect(dept.counts.unknown).toBeGreaterThanOrEqual(2);

    // Located: the county found the household (the number was registered wrong); the task is dated as the warning.
    const found = await household();
    const li = mine.find((w: any) => w.personName === '李四');
    expectError(await k.call('village', 'POST', `/warnings/${li.id}/locate`, { version: li.version, householdId: found.id }), 403, /无权/);
    const located = await k.ok('county', 'POST', `/warnings/${li.id}/locate`, { version: li.version, householdId: found.id });
    const [task] = await tasksOf(found.id);
    expect(located).toMatchObject({ queueState: 'located', taskId: task!.id });
    expect(task!.lead_on).toBe(addDays(k.today(), -2));
    // Rejected with a reason; handled once only.
    const wang = mine.find((w: any) => w.personName === '王五');
    expectError(await k.call('county', 'POST', `/warnings/${wang.id}/reject`, { version: wang.version }), 400, /必填/);
    expect((await k.call('county', 'POST', `/warnings/${wang.id}/reject`, { version: wang.version, reason: '非本县人员，已转兴国县' })).statusCode).toBe(200);
    expectError(await k.call('county', 'POST', `/warnings/${wang.id}/reject`, { version: wang.version + 1, reason: '再次' }), 409, /已处理/);
  });

  it('refuses the whole request, naming row and field, and writes nothing', async () => {
    const h = await household();
    const before = await Promise.all([count('department_warning'), count('verification_task'), count('deadline')]);
    const bad = await push('department', [warning(h.idNumber), warning('360731199001011230'), warning(h.idNumber, { warnedOn: addDays(k.today(), 1), name: '' })]);
    expect(bad.statusCode).toBe(400);
    const errors = bad.json().errors.map((e: any) => `${e.path} ${e.message}`);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^warnings\[1\]\.idNumber .*校验/), expect.stringMatching(/^warnings\[2\]\.warnedOn 预警日期不能晚于今天/), 'warnings[2].name 必填']));
    expectError(await push('department', []), 400, /至少/);
    expect(await Promise.all([count('department_warning'), count('verification_task'), count('deadline')])).toEqual(before);
  });

  it('refuses a type of another department and a region outside the account (403)', async () => {
    const h = await household();
    expectError(await push('department', [warning(h.idNumber, { type: 'medical_cost' })]), 403, /民政部门不能报送“医疗费用超过预警线”/);
    expectError(await push('department', [warning(h.idNumber, { regionCode: k.regions.villageD })]), 403, /不在本账号/);
    expectError(await push('village', [warning(h.idNumber)]), 403, /无权/);
    expect(await tasksOf(h.id)).toEqual([]);
  });

  it('takes each source reference once', async () => {
    const h = await household();
    expect((await push('department', [warning(h.idNumber, { sourceRef: 'MZ-2024-0001' })])).statusCode).toBe(201);
    expectError(await push('department', [warning(h.idNumber, { sourceRef: 'MZ-2024-0001' })]), 409, /已报送过/);
    expectError(await push('department', [warning(h.idNumber, { sourceRef: 'MZ-2' }), warning(h.idNumber, { sourceRef: 'MZ-2' })]), 400, /与第 1 条的来源单号相同/);
  });
});

describe('the verification visit', () => {
  const visit = (o: Record<string, unknown>) => ({ visitedOn: k.today(), visitors: '村干部、驻村工作队', findings: '入户核实家庭情况', ...o });
  const taskFor = async (h: { id: number; idNumber: string }, type = 'dibao_application') => {
    expect((await push('department', [warning(h.idNumber, { type })])).statusCode).toBe(201);
    const t = (await tasksOf(h.id)).find((x) => x.state === 'open' && x.warning_type === type)!;
    return { id: Number(t.id), version: t.version };
  };

  it('never closes a dibao/特困 application because the household already has dibao (Q8)', async () => {
    const h = await household();
    const t = await taskFor(h);
    const detail = await k.ok('village', 'GET', `/verification-tasks/${t.id}`);
    expect(detail.noRiskReasons.map((r: any) => r.code)).not.toContain('already_dibao');
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'no_risk', reasonCode: 'already_dibao' }) }), 400, /Q8/);
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'no_risk', reasonCode: 'other', reason: '该户已享受低保，无需识别' }) }), 400, /Q8/);
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'no_risk', reasonCode: 'other' }) }), 400, /reason|必填/);
    // Closed for a reason the guide accepts; the household stays under 持续跟踪; the deadline closes.
    const closed = await k.ok('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'no_risk', reasonCode: 'income_above_line', reason: '家庭有稳定务工收入' }) });
    expect(closed).toMatchObject({ state: 'no_risk', stateName: '核实无风险（持续跟踪）', reasonCode: 'income_above_line' });
    const d = await k.db.selectFrom('deadline').select('closed_on').where('subject_type', '=', 'verification_task').where('subject_id', '=', t.id).executeTakeFirstOrThrow();
    expect(d.closed_on).toBe(k.today());
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: closed.version, ...visit({ outcome: 'no_risk', reasonCode: 'income_above_line' }) }), 400, /已办结/);
    // Another department's type may be closed because of dibao (Q8 is about dibao/特困 applications).
    const other = await taskFor(h, 'assistance_status_change');
    expect((await k.call('village', 'POST', `/verification-tasks/${other.id}/outcome`, { version: other.version, ...visit({ outcome: 'no_risk', reasonCode: 'already_dibao' }) })).statusCode).toBe(200);
  });

  it('opens the identification case with the warning date and source when risk is found', async () => {
    const h = await household();
    const t = await taskFor(h);
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version + 5, ...visit({ outcome: 'risk_found' }) }), 409, /./);
    expectError(await k.call('county', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'risk_found' }) }), 403, /无权/);
    const done = await k.ok('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'risk_found' }) });
    expect(done.state).toBe('case_opened');
    const c = await k.ok('village', 'GET', `/cases/${done.caseId}`);
    expect(c).toMatchObject({ householdId: h.id, source: 'dibao_application', leadOn: addDays(k.today(), -2) });
    // Q42: 15 days from the warning, not from the visit.
    expect(c.deadlines.find((d: any) => d.kind === 'lead_to_identification').dueOn).toBe(addDays(k.today(), 13));
  });

  it('records the new risk of a monitoring object on its record', async () => {
    const h = await household();
    await k.db.updateTable('household').set({ monitoring_status: 'monitored', monitoring_category: 'marginal_at_risk', identified_on: '2023-06-01' }).where('id', '=', h.id).execute();
    const t = await taskFor(h, 'tekun_application');
    const detail = await k.ok('village', 'GET', `/verification-tasks/${t.id}`);
    expect(detail.monitored).toBe(true);
    expect(detail.outcomes.map((o: any) => o.code)).toEqual(['no_risk', 'already_monitored']);
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'risk_found' }) }), 400, /已是监测对象/);
    expectError(await k.call('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'already_monitored' }) }), 400, /riskType|必填/);
    const done = await k.ok('village', 'POST', `/verification-tasks/${t.id}/outcome`, { version: t.version, ...visit({ outcome: 'already_monitored', riskType: 'illness' }) });
    expect(done.state).toBe('risk_recorded');
    const risk = await k.db.selectFrom('risk_record').selectAll().where('id', '=', done.riskRecordId).executeTakeFirstOrThrow();
    expect(risk).toMatchObject({ household_id: h.id, type: 'illness', found_on: addDays(k.today(), -2), resolved: false });
  });
});

describe('department system API tokens', () => {
  let token = '';
  let tokenId = 0;
  const bearer = (method: 'GET' | 'POST', url: string, payload?: unknown, secret = token) =>
    k.app.inject({ method, url: `${API}${url}`, payload: payload as any, headers: { authorization: `Bearer ${secret}` } });

  it('is issued by the security admin to a department account, shown once and kept hashed', async () => {
    expectError(await k.call('sysadmin', 'POST', '/api-tokens', { userId: k.users.department.id, name: '民政系统' }), 403, /无权/);
    expectError(await k.call('secadmin', 'POST', '/api-tokens', { userId: k.users.village.id, name: '村' }), 422, /只能为行业部门账号/);
    expectError(await k.call('secadmin', 'POST', '/api-tokens', { userId: k.users.department.id, name: '民政系统', regionCode: k.regions.villageD }), 422, /区划范围内/);
    const res = await k.call('secadmin', 'POST', '/api-tokens', { userId: k.users.department.id, name: '民政系统推送', regionCode: k.regions.township });
    expect(res.statusCode, res.body).toBe(201);
    token = res.json().token;
    tokenId = res.json().id;
    expect(token).toMatch(/^jbt_[A-Za-z0-9_-]{43}$/);
    const stored = await k.db.selectFrom('api_token').selectAll().where('id', '=', tokenId).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    const list = await k.ok('secadmin', 'GET', '/api-tokens');
    expect(JSON.stringify(list)).not.toContain(token.slice(10));
    expect(list.items.find((t: any) => t.id === tokenId)).toMatchObject({ prefix: token.slice(0, 10), regionCode: k.regions.township, departmentKind: 'civil_affairs', active: true });
  });

  it('pushes warnings within its kind and region, every call audited', async () => {
    const h = await household();
    const res = await bearer('POST', '/warnings', { warnings: [warning(h.idNumber)] });
    expect(res.statusCode, res.body).toBe(201);
    const w = await k.db.selectFrom('department_warning').selectAll().where('household_id', '=', h.id).executeTakeFirstOrThrow();
    expect(w).toMatchObject({ channel: 'api', token_id: tokenId, received_by: k.users.department.id });
    expect((await bearer('GET', '/warnings')).statusCode).toBe(200);
    // Outside its kind or its region: refused; a village of another township is outside the token's region.
    expectError(await bearer('POST', '/warnings', { warnings: [warning(h.idNumber, { type: 'school_dropout' })] }), 403, /不能报送/);
    expectError(await bearer('POST', '/warnings', { warnings: [warning(h.idNumber, { regionCode: k.regions.villageC })] }), 403, /令牌/);
    // A person registered in the county but outside the token's township is not found through it.
    const c = await household(k.regions.villageC);
    expect((await bearer('POST', '/warnings', { warnings: [warning(c.idNumber)] })).json()).toMatchObject({ unknown: 1 });
    // Nothing but the warning routes.
    expectError(await bearer('GET', '/households'), 403, /接口令牌只能用于/);
    const calls = await k.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'api_token.call').where('object_id', '=', String(tokenId)).execute();
    expect(calls.map((c) => (c.after as any).status).sort()).toEqual([200, 201, 201, 403, 403, 403]);
    const used = await k.db.selectFrom('api_token').select(['use_count', 'last_used_at']).where('id', '=', tokenId).executeTakeFirstOrThrow();
    expect(Number(used.use_count)).toBe(6);
  });

  it('stops working once revoked, and a made-up token never works', async () => {
    expectError(await k.call('secadmin', 'POST', `/api-tokens/${tokenId}/revoke`, {}), 400, /必填/);
    expect((await k.call('secadmin', 'POST', `/api-tokens/${tokenId}/revoke`, { reason: '部门系统更换' })).statusCode).toBe(200);
    expectError(await k.call('secadmin', 'POST', `/api-tokens/${tokenId}/revoke`, { reason: '再次' }), 409, /已经吊销/);
    const h = await household();
    expectError(await bearer('POST', '/warnings', { warnings: [warning(h.idNumber)] }), 401, /无效、已吊销或已过期/);
    expectError(await bearer('POST', '/warnings', { warnings: [warning(h.idNumber)] }, `jbt_${'A'.repeat(43)}`), 401, /无效/);
    expect(await tasksOf(h.id)).toEqual([]);
    const audit = await k.db.selectFrom('audit_log').select('action').where('action', 'in', ['api_token.issue', 'api_token.revoke']).where('object_id', '=', String(tokenId)).execute();
    expect(audit.map((a) => a.action)).toEqual(['api_token.issue', 'api_token.revoke']);
  });
});

describe('the file channel', () => {
  const row = (idNumber: string, o: Record<string, string> = {}) => ({
    预警类型: WARNING_TYPE_NAMES.dibao_application!, 姓名: '赵六', 身份证号: idNumber, 预警日期: addDays(k.today(), -3), 预警内容: '低保申请', ...o,
  });

  it('matches and merges a department file through the import engine', async () => {
    const a = await household();
    const b = await household();
    const file = await workbook([{ spec: WARNINGS_SHEET, rows: [row(a.idNumber), row(a.idNumber), row(b.idNumber), row(nextIdNumber())] }]);
    const dry = await importFile(k, 'department', file, 'sheet=warnings&dryRun=true');
    expect(dry).toMatchObject({ status: 'succeeded', created: 2, updated: 1, unchanged: 1 });
    expect(await tasksOf(a.id)).toEqual([]);
    const job = await importFile(k, 'department', file, 'sheet=warnings');
    expect(job).toMatchObject({ status: 'succeeded', created: 2, updated: 1, unchanged: 1 });
    expect((await tasksOf(a.id)).map((t) => [t.warning_count, t.lead_on])).toEqual([[2, addDays(k.today(), -3)]]);
    const w = await k.db.selectFrom('department_warning').select(['channel', 'import_job_id']).where('household_id', '=', b.id).executeTakeFirstOrThrow();
    expect(w).toEqual({ channel: 'file', import_job_id: job.id });
  });

  it('reports each bad row and writes nothing; a department imports only warnings', async () => {
    const a = await household();
    const file = await workbook([{ spec: WARNINGS_SHEET, rows: [row(a.idNumber), row(a.idNumber, { 预警类型: WARNING_TYPE_NAMES.medical_cost! }), row('123')] }]);
    const job = await importFile(k, 'department', file, 'sheet=warnings');
    expect(job.status).toBe('rejected');
    expect(job.problems.map((p: any) => [p.row, p.column])).toEqual(expect.arrayContaining([[4, '身份证号']]));
    expect(await tasksOf(a.id)).toEqual([]);
    const typeOnly = await importFile(k, 'department', await workbook([{ spec: WARNINGS_SHEET, rows: [row(a.idNumber, { 预警类型: WARNING_TYPE_NAMES.medical_cost! })] }]), 'sheet=warnings');
    expect(typeOnly.problems[0]).toMatchObject({ row: 2, column: '预警类型', reason: expect.stringMatching(/民政部门不能报送/) });
    expect((await uploadImport(k, 'department', file, 'sheet=households')).statusCode).toBe(403);
    expect((await uploadImport(k, 'village', file, 'sheet=warnings')).statusCode).toBe(403);
    const sheets = await k.ok('department', 'GET', '/imports/sheets');
    expect(sheets.map((s: any) => s.key)).toEqual(['warnings']);
    expect((await k.call('department', 'GET', '/imports/templates/warnings')).statusCode).toBe(200);
  });
});

describe('warning precision (WRN-6)', () => {
  it('counts per department kind: a department its own, the county all', async () => {
    const r = await k.ok('department', 'GET', `/warnings/precision?from=${addDays(k.today(), -30)}&to=${k.today()}`);
    expect(r.rows).toHaveLength(1);
    const own = r.rows[0];
    expect(own).toMatchObject({ departmentKind: 'civil_affairs', departmentName: '民政' });
    const warnings = await k.db.selectFrom('department_warning').select(['outcome']).where('department_kind', '=', 'civil_affairs').execute();
    expect(own.received).toBe(warnings.length);
    expect(own.merged).toBe(warnings.filter((w) => w.outcome === 'merged').length);
    expect(own.unknown).toBe(warnings.filter((w) => w.outcome === 'unknown').length);
    expect(own.closedNoRisk).toBeGreaterThanOrEqual(2);
    expect(own.casesOpened).toBeGreaterThanOrEqual(1);
    expect(own.medianDaysToClose).toBe(2);
    expect((await k.ok('county', 'GET', '/warnings/precision')).rows.map((x: any) => x.departmentKind)).toContain('civil_affairs');
    expectError(await k.call('village', 'GET', '/warnings/precision'), 403, /无权/);
    expectError(await k.call('county', 'GET', '/warnings/precision?from=2024-05-01&to=2024-04-01'), 400, /结束日期/);
  });
});
