import { maskPhone } from '../../domain/masking.ts';
import { claimQueuedMessages, insertMessage, listMessages as listMessageRows, markMessage, type NewMessage } from '../../store/messages.ts';
import { inTransaction, type Db, type Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';

/**
 * Messages to households (GRN-3, Q29): every green-channel step and every 12317 reply queues
 * one; a sender delivers the queue. SMS gateways differ by province and are out of reach here:
 * a sender is anything with `send`, and the server ships the log-only one.
 */
export interface MessageSender {
  readonly name: string;
  send(m: { id: number; channel: string; recipient: string | null; content: string }): Promise<void>;
}

/** Writes each message to the log instead of sending it (no gateway configured). */
export function logOnlySender(log: (line: string) => void = (l) => console.log(l)): MessageSender {
  return {
    name: 'log-only',
    async send(m) {
      // The log gets the masked number only: it is read by operators, not by the household.
      log(`[消息 ${m.id}] ${m.channel} → ${m.recipient ? maskPhone(m.recipient) : '（无号码）'}：${m.content}`);
    },
  };
}

/** Queues a message in the caller's transaction; the head's phone is the SMS recipient. */
export async function queueHouseholdMessage(trx: Tx, m: Omit<NewMessage, 'recipient'> & { recipient?: string | null }) {
  let recipient = m.recipient ?? null;
  if (recipient === null && m.householdId) {
    const head = await trx.selectFrom('member').select('phone').where('household_id', '=', m.householdId).where('relation', '=', 'head')
      .where('active', '=', true).orderBy('id').executeTakeFirst();
    recipient = head?.phone ?? null;
  }
  return insertMessage(trx, { ...m, recipient });
}

const MAX_ATTEMPTS = 3;

/** Sends up to `limit` queued messages; a failure is retried on the next run, three times in all. */
export async function dispatchMessages(db: Db, sender: MessageSender, limit = 100) {
  return inTransaction(db, async (trx) => {
    const batch = await claimQueuedMessages(trx, limit);
    let sent = 0;
    let failed = 0;
    for (const m of batch) {
      try {
        await sender.send({ id: Number(m.id), channel: m.channel, recipient: m.recipient, content: m.content });
        await markMessage(trx, Number(m.id), { sent: true });
        sent++;
      } catch (err) {
        failed++;
        await markMessage(trx, Number(m.id), { sent: false, error: String((err as Error)?.message ?? err), final: m.attempts + 1 >= MAX_ATTEMPTS });
      }
    }
    return { sender: sender.name, claimed: batch.length, sent, failed };
  });
}

export const MESSAGE_STATUS_NAMES = { queued: '待发送', sent: '已发送', failed: '发送失败', undeliverable: '无号码，须当面或电话告知' } as const;

/** The queue of the actor's region, newest first; the number is masked (the operator needs to know one exists). */
export async function listHouseholdMessages(db: Db, actor: Actor, q: { status?: string; page?: number; pageSize?: number }) {
  authorize(actor, 'message:read');
  const pageSize = q.pageSize ?? 50;
  const page = q.page ?? 1;
  const { rows, total } = await listMessageRows(db, { scope: scopePattern(actor), status: q.status, offset: (page - 1) * pageSize, limit: pageSize });
  return {
    total, page, pageSize,
    items: rows.map((m) => ({
      id: Number(m.id), householdId: m.household_id, regionCode: m.region_code, regionName: m.region_name, caseId: m.case_id,
      ticketId: m.ticket_id, selfReportId: m.self_report_id, channel: m.channel, recipient: m.recipient ? maskPhone(m.recipient) : null,
      event: m.event, content: m.content, status: m.status, statusName: MESSAGE_STATUS_NAMES[m.status], attempts: m.attempts,
      createdAt: m.created_at, sentAt: m.sent_at,
    })),
  };
}
