import { checkAccept, TICKET_KIND_NAMES, TIP_KIND_NAMES, VERIFIED_TIP_KINDS, type AcceptInput } from '../../domain/hotline-ticket.ts';
import { countyCodeOf, subtreePrefix } from '../../domain/region-code.ts';
import { mergeKey } from '../../domain/warnings.ts';
import { appendAudit } from '../../store/audit.ts';
import { openCaseOf } from '../../store/cases.ts';
import { findHousehold } from '../../store/households.ts';
import { findTicket, insertTicket, insertTicketEvent, linkTicket, nextTicketNumber, type TicketRow } from '../../store/hotline.ts';
import { getRegion } from '../../store/regions.ts';
import { blindIndex } from '../../store/sealed.ts';
import { inTransaction, type Db, type Tx } from '../../store/transaction.ts';
import { registeredPersons } from '../../store/warnings.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { insertCase } from '../cases/open-case.ts';
import { openVerificationTask } from '../intake/open-verification-task.ts';
import { ticketView } from './ticket-view.ts';

/**
 * 受理登记 (WRN-2, Q52): the operator records a call as a ticket numbered 12317-YYYYMMDD-NNNN.
 * In the same transaction the ticket starts what its kind calls for:
 *
 * - a self-report about a person registered in the village: an identification case (lead date =
 *   today, PRC-1), unless the household already has one open (the ticket joins it); a household
 *   already monitored gets a verification task instead (the new risk is verified and recorded);
 *   a person not registered there: nothing yet, the assignee answers (the village registers first);
 * - a tip-off about 应纳未纳 or 体外循环 (Q21): a verification task for the village, keyed by the
 *   person when the tip names a registered one, else by the ticket (WRN-1's merge rule);
 * - a consultation or another tip: nothing but the ticket, answered by its assignee.
 */
export async function acceptTicket(db: Db, actor: Actor, raw: unknown, today: string) {
  authorize(actor, 'ticket:accept');
  const { input, errors } = checkAccept(raw);
  if (!input) throw invalid(errors);
  if (!(await getRegion(db, input.regionCode))) throw invalid([{ path: 'regionCode', message: '区划不存在' }]);
  authorize(actor, 'ticket:accept', input.regionCode);

  return inTransaction(db, async (trx) => {
    const bidx = input.subjectIdNumber ? blindIndex(trx, 'id_number', input.subjectIdNumber) : null;
    const t = await insertTicket(trx, {
      ticketNo: await nextTicketNumber(trx, today), kind: input.kind, tipKind: input.tipKind, callerName: input.callerName,
      callerPhone: input.callerPhone, content: input.content, subjectName: input.subjectName, subjectIdNumber: input.subjectIdNumber,
      subjectBidx: bidx, regionCode: input.regionCode, countyCode: countyCodeOf(input.regionCode)!, acceptedBy: actor.id, acceptedOn: today,
    });
    const started = await startLead(trx, actor, t, input, bidx, today);
    await linkTicket(trx, t.id, started);
    await insertTicketEvent(trx, {
      ticketId: t.id, action: 'accept', fromState: null, toState: 'accepted', occurredOn: today, actorId: actor.id, actorName: actor.displayName,
      note: started.note,
    });
    // The audit names the ticket, never the caller (their identity stays in the sealed row).
    await appendAudit(trx, {
      actor, action: 'hotline_ticket.accept', objectType: 'hotline_ticket', objectId: t.id, countyCode: t.county_code,
      after: { ticketNo: t.ticket_no, kind: t.kind, tipKind: t.tip_kind, regionCode: t.region_code, caseId: started.caseId, taskId: started.taskId },
    });
    return ticketView(trx, actor, (await findTicket(trx, t.id))!, today);
  });
}

interface Started {
  caseId: number | null;
  taskId: number | null;
  note: string;
}

async function startLead(trx: Tx, actor: Actor, t: TicketRow, input: AcceptInput, bidx: string | null, today: string): Promise<Started> {
  const kindName = TICKET_KIND_NAMES[input.kind];
  // The person the ticket names, registered in its village: a person registered elsewhere is not the one meant.
  const person = bidx ? (await registeredPersons(trx, [bidx], `${subtreePrefix(input.regionCode)}%`)).get(bidx) : undefined;
  const task = async (warningType: 'tip_off' | 'self_report', summary: string) =>
    openVerificationTask(trx, actor, {
      householdId: person?.householdId ?? null, memberId: person?.memberId ?? null, countyCode: t.county_code, regionCode: t.region_code,
      source: 'hotline_12317', warningType, departmentKind: null,
      subjectKey: mergeKey({ memberBidx: person ? bidx : null, ticketId: t.id }), monitored: person?.monitored ?? false,
      leadOn: today, summary, ticketId: t.id,
    });

  if (input.kind === 'tip_off' && input.tipKind && VERIFIED_TIP_KINDS.includes(input.tipKind)) {
    const k = await task('tip_off', `12317举报（${TIP_KIND_NAMES[input.tipKind]}，工单号${t.ticket_no}）：${input.content}`);
    return { caseId: null, taskId: k.id, note: k.merged ? `已并入办理中的核实任务（编号${k.id}）` : `已生成村级入户核实任务（编号${k.id}）` };
  }
  if (input.kind !== 'self_report') return { caseId: null, taskId: null, note: `${kindName}，待交办答复` };
  if (!person) return { caseId: null, taskId: null, note: '所涉村未登记该申报人：交办后由承办单位核实答复（须先由村级登记农户）' };
  if (person.monitored) {
    const k = await task('self_report', `12317申报（工单号${t.ticket_no}）：${input.content}`);
    return { caseId: null, taskId: k.id, note: `该户已是监测对象：已生成入户核实任务（编号${k.id}），核实后登记新增风险` };
  }
  const open = await openCaseOf(trx, person.householdId, 'identification');
  if (open) return { caseId: open.id, taskId: null, note: `该户已有办理中的识别案件（编号${open.id}），申报并入该案件核实` };
  const h = (await findHousehold(trx, person.householdId))!;
  const caseId = await insertCase(trx, actor, h, {
    kind: 'identification', source: 'hotline_12317', leadOn: today, leadNote: `12317申报（工单号${t.ticket_no}）：${input.content}`, sourceRef: t.ticket_no,
  });
  return { caseId, taskId: null, note: `已启动识别程序（案件编号${caseId}）` };
}
