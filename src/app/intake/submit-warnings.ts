import { isInSubtree } from '../../domain/region-code.ts';
import { DEPARTMENT_KIND_NAMES, type DepartmentKind } from '../../domain/roles.ts';
import { checkWarning, type WarningInput } from '../../domain/sheets/warnings.ts';
import { Check } from '../../domain/validation.ts';
import { WARNING_TYPES } from '../../domain/warnings.ts';
import { appendAuditBatch } from '../../store/audit.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import { missingRegions } from '../../store/regions.ts';
import { knownSourceRefs } from '../../store/warnings.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import { receiveWarnings } from './receive-warnings.ts';

/** Warnings one request may carry (a larger batch goes by file). */
export const MAX_WARNINGS_PER_REQUEST = 500;

/**
 * A department's warnings by the page or its system's API (WRN-1): all or nothing — every row is
 * checked first and any problem refuses the whole request, naming the row and field. A type of
 * another department or a region outside the account's (or token's) is refused (403).
 */
export async function submitWarnings(db: Db, actor: Actor, raw: unknown, today: string, o: { channel: 'page' | 'api'; tokenId?: number | null }) {
  authorize(actor, 'warning:submit');
  const kind = actor.departmentKind;
  if (!kind) throw forbidden('该账号未设置部门类别，不能报送预警');
  const inputs = checkWarnings(raw, today);
  checkWarningScope(actor, kind, inputs);
  const refs = inputs.flatMap((w) => (w.sourceRef ? [w.sourceRef] : []));
  return inTransaction(db, async (trx) => {
    const known = await knownSourceRefs(trx, kind, refs);
    const dup = inputs.findIndex((w) => w.sourceRef && known.has(w.sourceRef));
    if (dup >= 0) throw conflict(`warnings[${dup}].sourceRef`, `来源单号 ${inputs[dup]!.sourceRef} 已报送过，不能重复报送`);
    const missing = await missingRegions(trx, inputs.flatMap((w) => (w.regionCode ? [w.regionCode] : [])));
    const bad = inputs.findIndex((w) => w.regionCode && missing.has(w.regionCode));
    if (bad >= 0) throw invalid([{ path: `warnings[${bad}].regionCode`, message: '区划代码不存在' }]);
    const r = await receiveWarnings(trx, { actor, departmentKind: kind, channel: o.channel, tokenId: o.tokenId }, inputs);
    await appendAuditBatch(trx, r.audit);
    return { received: r.received, tasks: r.tasks, merged: r.merged, unknown: r.unknown, items: r.outcomes };
  });
}

function checkWarnings(raw: unknown, today: string): WarningInput[] {
  const c = new Check();
  const o = c.object('', raw, ['warnings']);
  const list = o?.warnings;
  if (o && !Array.isArray(list)) c.fail('warnings', '应为预警列表');
  else if (Array.isArray(list) && list.length === 0) c.fail('warnings', '至少报送一条预警');
  else if (Array.isArray(list) && list.length > MAX_WARNINGS_PER_REQUEST) c.fail('warnings', `一次最多报送${MAX_WARNINGS_PER_REQUEST}条，更多请用文件导入`);
  if (!c.ok) throw invalid(c.errors);
  const inputs = (list as unknown[]).map((w, i) => checkWarning(c, w, today, `warnings[${i}].`));
  const seen = new Map<string, number>();
  inputs.forEach((w, i) => {
    if (!w?.sourceRef) return;
    const first = seen.get(w.sourceRef);
    if (first !== undefined) c.fail(`warnings[${i}].sourceRef`, `与第 ${first + 1} 条的来源单号相同`);
    else seen.set(w.sourceRef, i);
  });
  if (!c.ok) throw invalid(c.errors);
  return inputs as WarningInput[];
}

/** The department's own kind and region only (the file channel checks the same per row). */
export function warningScopeProblem(actor: Pick<Actor, 'regionCode'>, kind: string, w: Pick<WarningInput, 'type' | 'regionCode'>): { field: 'type' | 'regionCode'; message: string } | null {
  if (WARNING_TYPES[w.type].department !== kind)
    return { field: 'type', message: `${DEPARTMENT_KIND_NAMES[kind as DepartmentKind] ?? kind}部门不能报送“${WARNING_TYPES[w.type].label}”预警（属${DEPARTMENT_KIND_NAMES[WARNING_TYPES[w.type].department]}）` };
  if (w.regionCode && !isInSubtree(actor.regionCode, w.regionCode)) return { field: 'regionCode', message: `区划 ${w.regionCode} 不在本账号（或接口令牌）的范围内` };
  return null;
}

function checkWarningScope(actor: Actor, kind: string, inputs: WarningInput[]) {
  for (const [i, w] of inputs.entries()) {
    const problem = warningScopeProblem(actor, kind, w);
    if (problem) throw forbidden(`第 ${i + 1} 条：${problem.message}`);
  }
}
