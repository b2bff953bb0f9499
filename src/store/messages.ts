import { sql } from 'kysely';
import { seal } from './sealed.ts';
import type { Db, Tx } from './transaction.ts';

export interface NewMessage {
  householdId: number | null;
  countyCode: string;
  regionCode: string;
  caseId?: number | null;
  ticketId?: number | null;
  selfReportId?: number | null;
  channel: 'sms' | 'miniprogram' | 'phone' | 'written' | 'in_person';
  /** The phone number to send to (sealed at rest); null when none is on record. */
  recipient: string | null;
  event: string;
  content: string;
}

export async function insertMessage(trx: Tx, m: NewMessage): Promise<number> {
  const r = await trx
    .insertInto('household_message')
    .values({
      household_id: m.householdId, county_code: m.countyCode, region_code: m.regionCode, case_id: m.caseId ?? null,
      ticket_id: m.ticketId ?? null, self_report_id: m.selfReportId ?? null, channel: m.channel,
      recipient: seal(trx, m.recipient), event: m.event, content: m.content,
      // Nothing to send to: recorded as undeliverable, so the queue shows who must be told in person.
      status: m.channel === 'sms' && !m.recipient ? 'undeliverable' : 'queued',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/**
 * Claims up to `limit` queued messages for sending: `for update skip locked`, so two senders
 * never send one message twice.
 */
export async function claimQueuedMessages(trx: Tx, limit: number) {
  return trx
    .selectFrom('household_message')
    .selectAll()
    .where('status', '=', 'queued')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markMessage(trx: Tx, id: number, outcome: { sent: true } | { sent: false; error: string; final: boolean }) {
  await trx
    .updateTable('household_message')
    .set(outcome.sent
      ? { status: 'sent', sent_at: sql`now()`, attempts: sql`attempts + 1` }
      : { status: outcome.final ? 'failed' : 'queued', last_error: outcome.error.slice(0, 500), attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .execute();
}

export async function listMessages(db: Db, o: { scope: string; status?: string; offset: number; limit: number }) {
  let q = db.selectFrom('household_message as m').leftJoin('region as r', 'r.code', 'm.region_code').where('m.region_code', 'like', o.scope);
  if (o.status) q = q.where('m.status', '=', o.status as 'queued');
  const [rows, total] = await Promise.all([
    q.select(['m.id', 'm.household_id', 'm.region_code', 'r.name as region_name', 'm.case_id', 'm.ticket_id', 'm.self_report_id', 'm.channel',
      'm.recipient', 'm.event', 'm.content', 'm.status', 'm.attempts', 'm.last_error', 'm.created_at', 'm.sent_at'])
      .orderBy('m.id', 'desc').offset(o.offset).limit(o.limit).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
