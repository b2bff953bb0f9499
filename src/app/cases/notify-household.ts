import type { CaseRow } from '../../store/cases.ts';
import type { Tx } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { queueHouseholdMessage } from '../intake/household-messages.ts';

export const NOTIFY_CHANNEL_NAMES = { in_person: '当面告知', phone: '电话告知', sms: '短信', written: '书面告知', miniprogram: '小程序消息' } as const;

/**
 * Records that the household was told of a step and queues the message (GRN-3). The content
 * never carries personal data.
 */
export async function notifyHousehold(
  trx: Tx,
  actor: Actor,
  c: Pick<CaseRow, 'id' | 'household_id' | 'county_code' | 'region_code'>,
  n: { event: string; channel: string; notifiedOn: string; content: string },
) {
  await trx
    .insertInto('household_notification')
    .values({
      household_id: c.household_id, county_code: c.county_code, case_id: c.id, event: n.event,
      channel: n.channel, content: n.content, notified_on: n.notifiedOn, recorded_by: actor.id,
    })
    .execute();
  await queueHouseholdMessage(trx, {
    householdId: c.household_id, countyCode: c.county_code, regionCode: c.region_code, caseId: c.id,
    channel: n.channel as 'sms', event: n.event, content: n.content,
  });
}
