/**
 * Authorization matrix (SEC-1) of the intake routes (WRN-1, WRN-6, GRN-3): a department pushes
 * warnings of its kind; warnings are read by the department and the cadres and supervisors of
 * their region; verification tasks are read by the cadres and supervisors in their subtree and
 * resolved by the village and township; the county works the queue of persons not in the
 * registry; API tokens are the security admin's; the message queue is read by the work roles
 * that inform households and sent by the county and above. An existing record outside the
 * subtree is 403, an unknown id 404, no session 401.
 *
 * Columns as in test/api/authz-matrix.test.ts (helpers in test/helpers/authz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandMatrix, HOUSEHOLD_TARGETS, NO_TARGET, row, runMatrix, scoped, setupMatrix, type MatrixContext, type MatrixRow, type Target } from '../helpers/authz.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';
import { nextIdNumber } from '../helpers/households.ts';
import { inTransaction } from '../../src/store/transaction.ts';
import { openOrMergeTask } from '../../src/store/verification-tasks.ts';
import { insertWarnings } from '../../src/store/warnings.ts';
import { blindIndex, seal } from '../../src/store/sealed.ts';

const TODAY = '2024-06-14';
const MISSING = 987_654_321;
const SUPERVISORS = ['township', 'county', 'othercounty', 'city', 'province', 'national'] as const;
const TASK_READERS = ['village', ...SUPERVISORS] as const;
const WARNING_READERS = ['department', ...TASK_READERS] as const;

let t: TestApp;
let ctx: MatrixContext;

async function householdOf(c: MatrixContext, target: Target) {
  return c.t.db.selectFrom('household').select(['id', 'region_code', 'county_code']).where('id', '=', c.householdId(target)).executeTakeFirstOrThrow();
}

/** A fresh open task of the target's household (its own subject, so cells never merge). */
async function freshTask(c: MatrixContext, target: Target) {
  if (target === 'missing') return { id: MISSING, version: 1 };
  const h = await householdOf(c, target);
  return inTransaction(c.t.db, async (trx) => {
    const task = await openOrMergeTask(trx, {
      householdId: h.id, memberId: null, countyCode: h.county_code, regionCode: h.region_code, source: 'department_warning', warningType: 'medical_cost',
      departmentKind: 'medical_insurance', subjectKey: `matrix:${c.seq()}`, monitored: false, leadOn: '2024-06-10', dueOn: '2024-06-17', summary: null, ticketId: null,
    });
    return { id: task.id, version: 1 };
  });
}

/** A fresh warning of the target's village waiting in the county's queue. */
async function freshQueued(c: MatrixContext, target: Target) {
  if (target === 'missing') return { id: MISSING, version: 1 };
  const region = c.regionCode(target);
  const idNumber = nextIdNumber();
  await inTransaction(c.t.db, (trx) =>
    insertWarnings(trx, [{
      department_kind: 'civil_affairs', type: 'dibao_application', channel: 'page', id_number: seal(trx, idNumber), id_number_bidx: blindIndex(trx, 'id_number', idNumber),
      person_name: '待查', warned_on: '2024-06-10', detail: null, source_ref: null, region_code: region, county_code: region.slice(0, 6), received_by: 1,
      token_id: null, import_job_id: null, outcome: 'unknown', task_id: null, household_id: null, queue_state: 'pending',
    }]),
  );
  const w = await c.t.db.selectFrom('department_warning').select(['id', 'version']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { id: Number(w.id), version: w.version };
}

const visit = { visitedOn: TODAY, visitors: '村干部', outcome: 'no_risk', reasonCode: 'income_above_line' };

const ROWS: MatrixRow[] = [
  row({
    action: 'push warnings',
    route: 'POST /warnings',
    targets: NO_TARGET,
    request: (c) => ({ method: 'POST', url: `${API}/warnings`, payload: { warnings: [{ type: 'dibao_application', name: '张三', idNumber: nextIdNumber(), warnedOn: TODAY, sourceRef: `M-${c.seq()}` }] } }),
    expect: scoped(['department'], 201, NO_TARGET),
  }),
  row({ action: 'list warnings', route: 'GET /warnings', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/warnings` }), expect: scoped(WARNING_READERS, 200, NO_TARGET) }),
  row({ action: 'warning types', route: 'GET /warnings/types', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/warnings/types` }), expect: scoped(WARNING_READERS, 200, NO_TARGET) }),
  row({
    action: 'warning precision', route: 'GET /warnings/precision', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/warnings/precision` }),
    expect: scoped(['department', 'county', 'othercounty', 'city', 'province', 'national'], 200, NO_TARGET),
  }),
  row({
    action: 'locate a queued warning',
    route: 'POST /warnings/:id/locate',
    request: async (c, target) => {
      const w = await freshQueued(c, target);
      return { method: 'POST', url: `${API}/warnings/${w.id}/locate`, payload: { version: w.version, householdId: target === 'missing' ? MISSING : c.householdId(target) } };
    },
    expect: scoped(['county', 'othercounty'], 200, HOUSEHOLD_TARGETS),
  }),
  row({
    action: 'reject a queued warning',
    route: 'POST /warnings/:id/reject',
    request: async (c, target) => {
      const w = await freshQueued(c, target);
      return { method: 'POST', url: `${API}/warnings/${w.id}/reject`, payload: { version: w.version, reason: '非本县人员' } };
    },
    expect: scoped(['county', 'othercounty'], 200, HOUSEHOLD_TARGETS),
  }),
  row({ action: 'list tasks', route: 'GET /verification-tasks', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/verification-tasks` }), expect: scoped(TASK_READERS, 200, NO_TARGET) }),
  row({
    action: 'read a task',
    route: 'GET /verification-tasks/:id',
    request: async (c, target) => ({ method: 'GET', url: `${API}/verification-tasks/${(await freshTask(c, target)).id}` }),
    expect: scoped(TASK_READERS, 200, HOUSEHOLD_TARGETS),
  }),
  row({
    action: 'record the visit',
    route: 'POST /verification-tasks/:id/outcome',
    request: async (c, target) => {
      const task = await freshTask(c, target);
      return { method: 'POST', url: `${API}/verification-tasks/${task.id}/outcome`, payload: { version: task.version, ...visit } };
    },
    expect: scoped(['village', 'township'], 200, HOUSEHOLD_TARGETS),
  }),
  // The file channel: departments use the import engine for the warnings sheet only.
  row({
    action: 'importable sheets', route: 'GET /imports/sheets', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/imports/sheets` }),
    expect: scoped(['village', 'township', 'county', 'othercounty', 'department'], 200, NO_TARGET),
    check: (res, _c, { user }) => {
      if (res.statusCode !== 200) return;
      const keys = (res.json() as { key: string }[]).map((x) => x.key);
      expect(keys.includes('warnings'), user).toBe(user === 'department');
    },
  }),
  row({
    action: 'warnings template', route: 'GET /imports/templates/warnings', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/imports/templates/warnings` }),
    expect: scoped(['department'], 200, NO_TARGET),
  }),
  row({
    action: 'list import jobs', route: 'GET /imports', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/imports` }),
    expect: scoped(['village', 'township', 'county', 'othercounty', 'department'], 200, NO_TARGET),
  }),
  row({ action: 'list API tokens', route: 'GET /api-tokens', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/api-tokens` }), expect: scoped(['secadmin'], 200, NO_TARGET) }),
  row({
    action: 'issue an API token',
    route: 'POST /api-tokens',
    targets: NO_TARGET,
    request: (c) => ({ method: 'POST', url: `${API}/api-tokens`, payload: { userId: c.t.users.department.id, name: `系统${c.seq()}` } }),
    expect: scoped(['secadmin'], 201, NO_TARGET),
  }),
  row({
    action: 'revoke an API token',
    route: 'POST /api-tokens/:id/revoke',
    targets: NO_TARGET,
    request: async (c) => {
      const issued = await c.t.as('secadmin').post(`${API}/api-tokens`, { userId: c.t.users.department.id, name: `待吊销${c.seq()}` });
      return { method: 'POST', url: `${API}/api-tokens/${issued.json().id}/revoke`, payload: { reason: '测试' } };
    },
    expect: scoped(['secadmin'], 200, NO_TARGET),
  }),
  row({
    action: 'read the message queue', route: 'GET /household-messages', targets: NO_TARGET, request: () => ({ method: 'GET', url: `${API}/household-messages` }),
    expect: scoped(['village', 'hotline', ...SUPERVISORS], 200, NO_TARGET),
  }),
  row({
    action: 'send queued messages', route: 'POST /household-messages/dispatch', targets: NO_TARGET, request: () => ({ method: 'POST', url: `${API}/household-messages/dispatch`, payload: {} }),
    expect: scoped(['county', 'othercounty', 'city', 'province', 'national', 'sysadmin'], 200, NO_TARGET),
  }),
];

describe(`authorization matrix: warnings, verification tasks, tokens, messages [${TEST_DB_KIND}]`, () => {
  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(`${TODAY}T04:00:00Z`) });
    ctx = await setupMatrix(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('specifies every cell of every row', () => {
    expect(expandMatrix(ROWS).length).toBeGreaterThan(150);
  });

  runMatrix(() => ctx, ROWS);
});
