import { Check } from '../../domain/validation.ts';
import { appendAudit } from '../../store/audit.ts';
import { findCase } from '../../store/cases.ts';
import { householdMembers } from '../../store/households.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { conflict, invalid, unprocessable } from '../errors.ts';
import { loadScopedCase } from './case-facts.ts';
import { caseView } from './case-view.ts';

const CONSENT_STATES = ['verified', 'appraised', 'in_notice', 'noticed'];

/**
 * Records one member's signed authorization commitment (承诺授权书, Q22), or another member
 * signing for them with a written delegation. Every counted member must have one before the
 * appraisal and the approval.
 */
export async function recordConsent(db: Db, actor: Actor, caseId: number, raw: unknown, today: string) {
  authorize(actor, 'case:step');
  const seen = await loadScopedCase(db, actor, caseId);
  authorize(actor, 'case:step', seen.region_code);
  const c = new Check();
  const o = c.object('', raw, ['memberId', 'signedOn', 'delegateMemberId', 'delegationNote']) ?? {};
  const memberId = c.id('memberId', o.memberId, { required: true });
  const signedOn = c.date('signedOn', o.signedOn, { required: true });
  if (signedOn && signedOn > today) c.fail('signedOn', '签署日期不能晚于今天');
  if (signedOn && signedOn < seen.lead_on) c.fail('signedOn', `签署日期不能早于线索发现日期（${seen.lead_on}）`);
  const delegate = c.id('delegateMemberId', o.delegateMemberId);
  const note = c.string('delegationNote', o.delegationNote, { max: 500 });
  if (delegate && !note) c.fail('delegationNote', '由其他成员代签时须有书面委托，请注明（Q22）');
  if (delegate && delegate === memberId) c.fail('delegateMemberId', '代签人不能是本人');
  if (!c.ok) throw invalid(c.errors);
  if (seen.kind !== 'identification') throw unprocessable('caseId', '风险消除案件无需承诺授权书');
  if (!CONSENT_STATES.includes(seen.state)) throw conflict('state', '须在入户核实后、乡镇审核前收集承诺授权书（Q22）');
  const members = await householdMembers(db, seen.household_id);
  const active = new Set(members.filter((m) => m.active).map((m) => m.id));
  if (!active.has(memberId!)) throw unprocessable('memberId', '不是本户在册成员');
  if (delegate && !active.has(delegate)) throw unprocessable('delegateMemberId', '代签人须为本户在册成员');

  return inTransaction(db, async (trx) => {
    const dup = await trx.selectFrom('case_consent').select('id').where('case_id', '=', caseId).where('member_id', '=', memberId!).executeTakeFirst();
    if (dup) throw conflict('memberId', '该成员的承诺授权书已登记');
    await trx
      .insertInto('case_consent')
      .values({
        case_id: caseId, county_code: seen.county_code, member_id: memberId!, signed_on: signedOn!,
        delegate_member_id: delegate, delegation_note: note, recorded_by: actor.id,
      })
      .execute();
    await appendAudit(trx, {
      actor, action: 'case.consent', objectType: 'workflow_case', objectId: caseId, countyCode: seen.county_code,
      after: { memberId, signedOn, delegateMemberId: delegate, delegationNote: note },
    });
    return caseView(trx, actor, (await findCase(trx, caseId))!, today);
  });
}
