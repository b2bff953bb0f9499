import { MEASURE_CATALOGUE, MEASURE_STATUSES, PERIOD_END_NAMES, transitionMeasure, type MeasureState } from '../../domain/measures.ts';
import { Check } from '../../domain/validation.ts';
import { updateMeasureRow } from '../../store/assistance.ts';
import { appendAudit } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { forbidden, invalid, stale, unprocessable } from '../errors.ts';
import { loadScopedMeasure, measureView } from './views.ts';

/**
 * Changes a measure: its status through the lifecycle (AST-4) on a date, and/or its period end
 * and description. Village, township and county in their subtree; a line department only the
 * measures it is responsible for (AST-5). `version` must match, else 409.
 */
export async function changeMeasure(db: Db, actor: Actor, id: number, raw: unknown, today: string) {
  authorize(actor, 'measure:write');
  const m = await loadScopedMeasure(db, actor, id);
  authorize(actor, 'measure:write', m.region_code);
  if (actor.role === 'department' && m.department_kind !== actor.departmentKind) throw forbidden('该帮扶措施不由本部门负责，不能修改');
  const c = new Check();
  const o = c.object('', raw, ['version', 'status', 'on', 'reason', 'periodEnd', 'description']) ?? {};
  const version = c.integer('version', o.version, { required: true, min: 1 });
  const status = o.status === undefined ? null : c.oneOf('status', o.status, MEASURE_STATUSES);
  const on = c.date('on', o.on) ?? today;
  const reason = c.string('reason', o.reason, { max: 500 });
  const description = 'description' in o ? c.string('description', o.description, { required: true, max: 500 }) : null;
  const periodEnd = c.date('periodEnd', o.periodEnd);
  const entry = MEASURE_CATALOGUE[m.type as MeasureState['type']];
  if ('periodEnd' in o && !periodEnd && entry.endRule !== 'fixed' && !c.errors.some((e) => e.path === 'periodEnd'))
    c.fail('periodEnd', `${entry.name}须填写${PERIOD_END_NAMES[entry.endRule]}（Q28）`);
  if (periodEnd && periodEnd < m.planned_start) c.fail('periodEnd', '结束日期不能早于计划开始日期');
  if (!('status' in o) && !('periodEnd' in o) && !('description' in o)) c.fail('', '没有要修改的内容（status、periodEnd 或 description）');
  if (!c.ok) throw invalid(c.errors);
  if (version !== m.version) throw stale();
  const set: Record<string, string | null> = {};
  if ('periodEnd' in o) set.period_end = periodEnd;
  if (description) set.description = description;
  if (status) {
    const r = transitionMeasure({ ...(m as unknown as MeasureState), period_end: 'periodEnd' in o ? periodEnd : m.period_end }, status, on, today, reason);
    if ('error' in r) throw unprocessable(r.error.path, r.error.message);
    Object.assign(set, r.set);
  }
  return inTransaction(db, async (trx) => {
    const row = await updateMeasureRow(trx, id, version!, set);
    if (!row) throw stale();
    const view = measureView(row, actor, m.region_code);
    await appendAudit(trx, {
      actor, action: status ? 'measure.status' : 'measure.update', objectType: 'household', objectId: m.household_id, countyCode: m.county_code,
      before: measureView(m, actor, m.region_code), after: view, reason,
    });
    return view;
  });
}
