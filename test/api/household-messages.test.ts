/**
 * Informing the household (GRN-3, Q29): every green-channel step queues a message with its
 * channel and content (no personal data, Q47), the head's phone as the SMS recipient (masked in
 * the queue), and a sender delivers the queue — retried, then marked failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseTestApp, type CaseTestApp } from '../helpers/cases.ts';
import { dispatchMessages, type MessageSender } from '../../src/app/intake/household-messages.ts';
import { TEST_DB_KIND } from '../helpers/db.ts';

let k: CaseTestApp;
beforeAll(async () => {
  k = await createCaseTestApp('2024-07-10');
});
afterAll(() => k?.close());

describe(`household messages (${TEST_DB_KIND})`, () => {
  it('queues one message per green-channel step, sends it, and shows the queue masked', async () => {
    const hh = await k.identifiableHousehold(undefined, 'disaster');
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    await k.okStep('village', c.id, 'green_confirm_village', { facts: '7月洪灾房屋受损', notifyChannel: 'sms' });
    await k.okStep('township', c.id, 'green_confirm_township', { facts: '核实属实', notifyChannel: 'phone' });
    await k.okStep('county', c.id, 'green_enter', { category: 'sudden_severe_hardship', notifyChannel: 'sms' });

    const queued = (await k.ok('village', 'GET', '/household-messages')).items.filter((m: any) => m.caseId === c.id);
    expect(queued.map((m: any) => [m.event, m.channel, m.status])).toEqual([
      ['green_enter', 'sms', 'queued'], ['green_confirm_township', 'phone', 'queued'], ['green_confirm_village', 'sms', 'queued'],
    ]);
    // The head's phone (13800138000 in the test household), masked; the content names the step, not the person.
    expect(queued[0].recipient).toMatch(/^138\*+8000$/);
    expect(JSON.stringify(queued)).not.toContain('13800138000');
    expect(queued[0].content).not.toMatch(/\d{17}[\dX]|1\d{10}/);

    // Delivered through the configured sender; a failing sender is retried, then the message fails.
    const sent: string[] = [];
    const ok: MessageSender = { name: 'test', send: async (m) => void sent.push(`${m.channel}:${m.recipient}`) };
    expect(await dispatchMessages(k.db, ok)).toMatchObject({ sent: 3, failed: 0 });
    expect(sent).toContain('sms:13800138000');
    expect((await k.ok('county', 'GET', '/household-messages?status=sent')).items.filter((m: any) => m.caseId === c.id)).toHaveLength(3);

    await k.okStep('county', c.id, 'green_exit', { reason: '经核实家庭有稳定收入，不符合识别条件', notifyChannel: 'sms' });
    const broken: MessageSender = { name: 'broken', send: async () => { throw new Error('网关超时'); } };
    for (let i = 0; i < 3; i++) await dispatchMessages(k.db, broken);
    const failed = (await k.ok('county', 'GET', '/household-messages?status=failed')).items.filter((m: any) => m.caseId === c.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ event: 'green_exit', attempts: 3 });
    expect((await k.ok('county', 'POST', '/household-messages/dispatch', {}))).toMatchObject({ claimed: 0 });
  });

  it('marks an SMS for a household without a phone as undeliverable, to be told in person', async () => {
    const hh = await k.identifiableHousehold(undefined, 'accident');
    await k.db.updateTable('member').set({ phone: null }).where('household_id', '=', hh.id).execute();
    const c = await k.ok('village', 'POST', '/cases', { householdId: hh.id, source: 'cadre_visit', leadOn: k.today() });
    await k.okStep('village', c.id, 'green_confirm_village', { facts: '车祸', notifyChannel: 'sms' });
    const [m] = (await k.ok('village', 'GET', '/household-messages?status=undeliverable')).items.filter((x: any) => x.caseId === c.id);
    expect(m).toMatchObject({ recipient: null, statusName: '无号码，须当面或电话告知' });
  });
});
