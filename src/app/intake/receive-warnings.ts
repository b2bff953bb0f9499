import { countyCodeOf, isInSubtree, subtreePrefix } from '../../domain/region-code.ts';
import { deadlineRule, dueDate } from '../../domain/deadlines.ts';
import type { WarningInput } from '../../domain/sheets/warnings.ts';
import { mergeKey, WARNING_TYPES } from '../../domain/warnings.ts';
import type { AuditEntry } from '../../store/audit.ts';
import { blindIndex, seal } from '../../store/sealed.ts';
import type { Tx } from '../../store/transaction.ts';
import { insertTaskDeadlines, insertWarnings, registeredPersons, upsertTasks, type TaskGroup, type WarningInsert } from '../../store/warnings.ts';
import type { Actor } from '../actor.ts';

export interface WarningSource {
  actor: Pick<Actor, 'id' | 'displayName' | 'role' | 'regionCode'>;
  departmentKind: string;
  channel: 'page' | 'file' | 'api';
  tokenId?: number | null;
  importJobId?: number | null;
}

export interface WarningOutcome {
  row: number;
  outcome: 'task' | 'merged' | 'unknown';
  taskId: number | null;
}

/**
 * Matches checked warnings to the registry and writes them (WRN-1), set-based so a file of
 * 100,000 costs a few statements: one join by blind index, one upsert of the tasks (a second
 * warning about the same person and type joins the open task: counted, not duplicated), one
 * insert of the new tasks' deadlines (Q43's days from the warning date) and one of the
 * warnings. A person not registered in the warning's region goes to the county's queue. The
 * caller's transaction holds it all; the audit entries (one per warning) are returned for it.
 */
export async function receiveWarnings(trx: Tx, src: WarningSource, inputs: readonly WarningInput[]) {
  const bidxs = inputs.map((w) => blindIndex(trx, 'id_number', w.idNumber));
  const persons = await registeredPersons(trx, [...new Set(bidxs)], `${subtreePrefix(src.actor.regionCode)}%`);
  const matchOf = (i: number) => {
    const p = persons.get(bidxs[i]!);
    const region = inputs[i]!.regionCode ?? src.actor.regionCode;
    // Registered outside the region the department named: not the person it means.
    return p && isInSubtree(region, p.regionCode) ? p : undefined;
  };

  // Rows of one subject and type form one group: the first row's date is the task's lead date.
  const groups = new Map<string, TaskGroup & { rows: number[] }>();
  inputs.forEach((w, i) => {
    const p = matchOf(i);
    if (!p) return;
    const subjectKey = mergeKey({ memberBidx: bidxs[i] });
    const key = `${subjectKey}|${w.type}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.rows.push(i);
      if (w.warnedOn < g.leadOn) {
        g.leadOn = w.warnedOn;
        g.dueOn = dueDate('verification_task', w.warnedOn);
      }
      return;
    }
    groups.set(key, {
      householdId: p.householdId, memberId: p.memberId, countyCode: p.countyCode, regionCode: p.regionCode,
      source: WARNING_TYPES[w.type].source, warningType: w.type, departmentKind: src.departmentKind, subjectKey,
      monitored: p.monitored, leadOn: w.warnedOn, dueOn: dueDate('verification_task', w.warnedOn),
      summary: seal(trx, w.detail ? `${WARNING_TYPES[w.type].label}：${w.detail}` : WARNING_TYPES[w.type].label), count: 1, rows: [i],
    });
  });
  const list = [...groups.values()];
  const tasks = new Map((await upsertTasks(trx, list)).map((t) => [`${t.subjectKey}|${t.warningType}`, t]));
  const rule = deadlineRule('verification_task');
  await insertTaskDeadlines(trx, list.flatMap((g) => {
    const t = tasks.get(`${g.subjectKey}|${g.warningType}`)!;
    return t.merged ? [] : [{ countyCode: g.countyCode, regionCode: g.regionCode, householdId: g.householdId, taskId: t.id, leadOn: g.leadOn, dueOn: g.dueOn, clause: rule.clause, role: rule.responsibleRole }];
  }));

  const outcomes: WarningOutcome[] = inputs.map((_w, i) => ({ row: i, outcome: 'unknown', taskId: null }));
  for (const g of list) {
    const t = tasks.get(`${g.subjectKey}|${g.warningType}`)!;
    g.rows.forEach((i, n) => (outcomes[i] = { row: i, outcome: !t.merged && n === 0 ? 'task' : 'merged', taskId: t.id }));
  }
  const rows: WarningInsert[] = inputs.map((w, i) => {
    const p = outcomes[i]!.taskId ? matchOf(i) : undefined;
    const region = w.regionCode ?? src.actor.regionCode;
    return {
      department_kind: src.departmentKind, type: w.type, channel: src.channel, id_number: seal(trx, w.idNumber), id_number_bidx: bidxs[i],
      person_name: w.name, warned_on: w.warnedOn, detail: seal(trx, w.detail), source_ref: w.sourceRef, region_code: region,
      county_code: countyCodeOf(region), received_by: src.actor.id, token_id: src.tokenId ?? null, import_job_id: src.importJobId ?? null,
      outcome: outcomes[i]!.outcome, task_id: outcomes[i]!.taskId, household_id: p?.householdId ?? null,
      queue_state: outcomes[i]!.outcome === 'unknown' ? 'pending' : null,
    };
  });
  await insertWarnings(trx, rows);

  const audit: AuditEntry[] = inputs.map((w, i) => ({
    actor: src.actor, action: `warning.${outcomes[i]!.outcome}`, objectType: 'verification_task', objectId: outcomes[i]!.taskId,
    countyCode: countyCodeOf(w.regionCode ?? src.actor.regionCode) ?? matchOf(i)?.countyCode ?? null,
    // The audit names the warning, not the person: the ID number stays in the sealed table.
    after: { departmentKind: src.departmentKind, type: w.type, warnedOn: w.warnedOn, channel: src.channel, sourceRef: w.sourceRef, tokenId: src.tokenId ?? null, outcome: outcomes[i]!.outcome },
  }));
  const count = (o: WarningOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  return { received: inputs.length, tasks: count('task'), merged: count('merged'), unknown: count('unknown'), outcomes, audit };
}
