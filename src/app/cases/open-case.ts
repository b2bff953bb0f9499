import { CASE_KINDS, machineFor } from '../../domain/case-machines.ts';
import { LEAD_SOURCES } from '../../domain/identification-case.ts';
import { eliminationBarriers } from '../../domain/elimination-case.ts';
import { idNumberProblem } from '../../domain/id-number.ts';
import { Check } from '../../domain/validation.ts';
import { nextRoles, type CaseKind } from '../../domain/workflow.ts';
import { appendAudit } from '../../store/audit.ts';
import { findCase, lastClosedCaseOf, openCaseOf } from '../../store/cases.ts';
import { openDeadline } from '../../store/deadlines.ts';
import { findHousehold, memberByIdNumber, type HouseholdRow } from '../../store/households.ts';
import { inTransaction, type Db, type Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { AppError, conflict, invalid, notFound, unprocessable } from '../errors.ts';
import { loadScopedHousehold } from '../households/get-household.ts';
import { caseView } from './case-view.ts';

/** Sources each kind of user may report: a department pushes warnings, the hotline 12317 tickets. */
const SOURCES_BY_ROLE: Partial<Record<Actor['role'], readonly string[]>> = {
  department: ['department_warning', 'dibao_application', 'tekun_application'],
  hotline: ['hotline_12317'],
};

/**
 * Opens a case from a lead (PRC-1): the household, the source and the day it was found (day 0,
 * from which the 15 days of Q42 run). An elimination case starts from a routine review of a
 * monitoring object. A new risk after elimination opens a new identification case linked to
 * the history (Q39).
 */
export async function openCase(db: Db, actor: Actor, raw: unknown, today: string) {
  authorize(actor, 'case:open');
  const c = new Check();
  const o = c.object('', raw, ['householdId', 'idNumber', 'kind', 'source', 'leadOn', 'leadNote', 'sourceRef']) ?? {};
  const kind = (o.kind === undefined ? 'identification' : c.oneOf('kind', o.kind, CASE_KINDS)) as CaseKind | null;
  const source = kind === 'elimination' ? (o.source === undefined ? 'review' : c.oneOf('source', o.source, ['review'] as const)) : c.oneOf('source', o.source, LEAD_SOURCES);
  const leadOn = c.date('leadOn', o.leadOn, { required: true });
  if (leadOn && leadOn > today) c.fail('leadOn', '线索发现日期不能晚于今天');
  const leadNote = c.string('leadNote', o.leadNote, { max: 2000 });
  const sourceRef = c.string('sourceRef', o.sourceRef, { max: 100 });
  const allowed = SOURCES_BY_ROLE[actor.role];
  if (source && allowed && !allowed.includes(source)) c.fail('source', `您的角色只能报送：${allowed.join(' / ')}`);
  if (kind === 'elimination' && actor.role !== 'village' && actor.role !== 'township' && actor.role !== 'county')
    c.fail('kind', '风险消除由村、乡镇、县级发起（Q46）');
  if (o.householdId === undefined && o.idNumber === undefined) c.fail('householdId', '须指明农户：householdId 或家庭成员身份证号 idNumber');
  if (o.idNumber !== undefined) {
    const problem = typeof o.idNumber === 'string' ? idNumberProblem(o.idNumber) : '应为文本';
    if (problem) c.fail('idNumber', problem);
  }
  if (!c.ok) throw invalid(c.errors);

  const h = await householdOf(db, actor, o);
  authorize(actor, 'case:open', h.region_code);
  if (kind === 'elimination') {
    if (h.monitoring_status !== 'monitored') throw unprocessable('householdId', '该户不是监测对象，无需风险消除');
    const barriers = eliminationBarriers(
      { fallbackHousehold: !!h.fallback_since, identifiedOn: h.identified_on } as Parameters<typeof eliminationBarriers>[0],
      today,
    );
    if (barriers.length) throw new AppError(422, barriers);
  } else if (h.monitoring_status === 'monitored') {
    throw unprocessable('householdId', '该户已是监测对象，新的风险请登记在本户并调整帮扶措施');
  }

  return inTransaction(db, async (trx) => {
    const caseId = await insertCase(trx, actor, h, { kind: kind!, source: source!, leadOn: leadOn!, leadNote, sourceRef });
    return caseView(trx, actor, (await findCase(trx, caseId))!, today);
  });
}

/**
 * Inserts a case in the caller's transaction: one open case per household and kind (409 names
 * the open one), linked to the household's last closed case when its risk had been eliminated
 * (Q39), with the 15-day deadline of an identification (Q42) and its audit entry.
 */
export async function insertCase(
  trx: Tx,
  actor: Actor,
  h: HouseholdRow,
  o: { kind: CaseKind; source: string; leadOn: string; leadNote?: string | null; sourceRef?: string | null },
): Promise<number> {
  const open = await openCaseOf(trx, h.id, o.kind);
  if (open) throw conflict('householdId', `该户已有办理中的${o.kind === 'elimination' ? '风险消除' : '识别'}案件（编号${open.id}），新线索请在该案件中核实`);
  const previous = h.monitoring_status === 'eliminated' ? await lastClosedCaseOf(trx, h.id) : undefined;
  const inserted = await trx
    .insertInto('workflow_case')
    .values({
      kind: o.kind, household_id: h.id, county_code: h.county_code, region_code: h.region_code,
      source: o.source, lead_on: o.leadOn, lead_note: o.leadNote ?? null, source_ref: o.sourceRef ?? null,
      department_kind: actor.role === 'department' ? actor.departmentKind : null,
      previous_case_id: previous?.id ?? null,
      state: 'lead', next_roles: nextRoles(machineFor(o.kind), 'lead').join(','), created_by: actor.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const caseId = Number(inserted.id);
  if (o.kind === 'identification')
    await openDeadline(trx, {
      kind: 'lead_to_identification', openedOn: o.leadOn, countyCode: h.county_code, regionCode: h.region_code,
      householdId: h.id, caseId, subjectType: 'case', subjectId: caseId,
    });
  await appendAudit(trx, {
    actor, action: 'case.open', objectType: 'workflow_case', objectId: caseId, countyCode: h.county_code,
    after: { kind: o.kind, householdId: h.id, source: o.source, leadOn: o.leadOn, sourceRef: o.sourceRef ?? null, previousCaseId: previous?.id ?? null },
  });
  return caseId;
}

async function householdOf(db: Db, actor: Actor, o: Record<string, unknown>): Promise<HouseholdRow> {
  if (o.householdId !== undefined) {
    if (typeof o.householdId !== 'number') throw invalid([{ path: 'householdId', message: '应为整数' }]);
    return loadScopedHousehold(db, actor, o.householdId);
  }
  // A department knows the person, not our household number (its warning carries an ID number).
  // A number registered outside the actor's region is answered as an unknown one, so a lead
  // cannot be used to learn where a person is registered (SEC-3).
  // The scoped lookup runs for an unknown number too (id 0 matches nothing): the same queries either way.
  const m = await memberByIdNumber(db, o.idNumber as string);
  const h = await findHousehold(db, m?.household_id ?? 0, scopePattern(actor));
  if (!h) throw notFound('未找到该身份证号对应的农户，请先由村级登记');
  return h;
}
