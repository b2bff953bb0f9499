import { addMonths } from '../../domain/deadlines.ts';
import { consentRefusals } from '../../domain/procedure-steps.ts';
import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findCase } from '../../store/cases.ts';
import { findHousehold } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { AppError, conflict, invalid, notFound, stale, unprocessable } from '../errors.ts';
import { loadCaseFacts, loadScopedCase } from './case-facts.ts';
import { caseView } from './case-view.ts';

/** How far back a dibao/特困 household's last comparison still counts (Q43: “前三个月内”). */
const RECENT_MONTHS = 3;

/**
 * Requests the data comparison of an identification case (PRC-2). It runs beside the procedure
 * and moves no step, but only with every counted member's signed commitment (Q22). A household on
 * dibao or scattered 特困 compared in the three months before the lead is not compared again: the
 * request is recorded as skipped, relying on that comparison (Q43).
 */
export async function requestComparison(db: Db, actor: Actor, caseId: number, today: string) {
  authorize(actor, 'case:step');
  const c = await loadScopedCase(db, actor, caseId);
  authorize(actor, 'case:step', c.region_code);
  if (c.kind !== 'identification') throw unprocessable('caseId', '信息比对用于监测对象识别（Q43）');
  if (c.outcome) throw conflict('state', '案件已办结');
  return inTransaction(db, async (trx) => {
    const h = (await findHousehold(trx, c.household_id))!;
    const refusals = consentRefusals(await loadCaseFacts(trx, c, h));
    if (refusals.length) throw new AppError(422, refusals.map((r) => ({ ...r, message: `信息比对须经农户授权：${r.message}` })));
    const open = await trx.selectFrom('data_comparison').select('id').where('case_id', '=', caseId).where('status', '=', 'pending').executeTakeFirst();
    if (open) throw conflict('caseId', '本案已有待反馈的信息比对');
    const fallback = (h.dibao_since && h.dibao_since <= c.lead_on) || (h.tekun_since && h.tekun_since <= c.lead_on);
    const recent = fallback
      ? await trx
          .selectFrom('data_comparison')
          .select(['id', 'completed_on'])
          .where('household_id', '=', h.id)
          .where('status', '=', 'done')
          .where('completed_on', '>=', addMonths(c.lead_on, -RECENT_MONTHS))
          .orderBy('completed_on', 'desc')
          .executeTakeFirst()
      : undefined;
    const row = await trx
      .insertInto('data_comparison')
      .values({
        case_id: caseId, household_id: h.id, county_code: c.county_code, requested_on: today, requested_by: actor.id,
        status: recent ? 'skipped' : 'pending', relies_on_id: recent?.id ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      actor, action: recent ? 'case.comparison_skipped' : 'case.comparison_requested', objectType: 'workflow_case', objectId: caseId,
      countyCode: c.county_code, after: { comparisonId: row.id, status: row.status, reliesOn: recent?.id ?? null },
    });
    return caseView(trx, actor, (await findCase(trx, caseId))!, today);
  });
}

/** Records what the comparison found (the departments' answer), with the comparison's version. */
export async function recordComparisonResult(db: Db, actor: Actor, caseId: number, comparisonId: number, raw: unknown, today: string) {
  authorize(actor, 'case:step');
  const c = await loadScopedCase(db, actor, caseId);
  authorize(actor, 'case:step', c.region_code);
  const check = new Check();
  const o = check.object('', raw, ['version', 'result', 'findings', 'completedOn']) ?? {};
  const version = check.integer('version', o.version, { required: true, min: 1 });
  const result = check.oneOf('result', o.result, ['no_issue', 'issue_found'] as const);
  const findings = check.string('findings', o.findings, { required: result === 'issue_found', max: 2000 });
  const completedOn = check.date('completedOn', o.completedOn, { required: true });
  if (completedOn && completedOn > today) check.fail('completedOn', '不能晚于今天');
  if (!check.ok) throw invalid(check.errors);
  return inTransaction(db, async (trx) => {
    const cmp = await trx.selectFrom('data_comparison').selectAll().where('id', '=', comparisonId).where('case_id', '=', caseId).executeTakeFirst();
    if (!cmp) throw notFound('信息比对记录不存在');
    if (cmp.status !== 'pending') throw conflict('status', '该信息比对已有结果或已免于比对');
    if (completedOn! < cmp.requested_on) throw invalid([{ path: 'completedOn', message: `不能早于发起比对日期（${cmp.requested_on}）` }]);
    const res = await trx
      .updateTable('data_comparison')
      .set({ status: 'done', result, findings, completed_on: completedOn, version: version! + 1 })
      .where('id', '=', comparisonId)
      .where('version', '=', version!)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw stale();
    await appendAudit(trx, {
      actor, action: 'case.comparison_result', objectType: 'workflow_case', objectId: caseId, countyCode: c.county_code,
      after: { comparisonId, result, findings, completedOn },
    });
    return caseView(trx, actor, (await findCase(trx, caseId))!, today);
  });
}
