import { sql } from 'kysely';
import { addDays } from '../../domain/deadlines.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { openCase } from '../cases/open-case.ts';
import { recordCaseStep } from '../cases/record-case-step.ts';
import { recordConsent } from '../cases/record-consent.ts';
import { runDeadlineScheduler } from '../deadlines/run-deadline-scheduler.ts';

async function actorOf(db: Db, username: string): Promise<Actor> {
  const u = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return { id: u.id, username, displayName: u.display_name, role: u.role as Actor['role'], departmentKind: null, regionCode: u.region_code };
}

/**
 * A few identification cases at different steps in the demo's second village, so the workbench,
 * the case list and the deadlines have something to show. They are made through the real use
 * cases (the procedure's checks apply). The first demo village is left alone for the e2e tests.
 */
export async function loadDemoCases(db: Db, villageCode: string, today: string) {
  const [village, township] = await Promise.all([actorOf(db, 'village2'), actorOf(db, 'township')]);
  // Households the engine would include: not monitored, an unresolvable risk on record.
  const candidates = await db
    .selectFrom('household as h')
    .select('h.id')
    .where('h.region_code', '=', villageCode)
    .where('h.monitoring_status', '=', 'none')
    .where(sql<boolean>`exists (select 1 from risk_record r where r.household_id = h.id and not r.self_resolvable and not r.resolved and r.voided_at is null)`)
    .orderBy('h.id')
    .limit(4)
    .execute();
  // [lead date, how far the case goes]; 'verified' leaves the consents missing, so its deadline runs over.
  const plan: [number, CaseStage][] = [[-2, 'lead'], [-6, 'appraised'], [-10, 'township_reviewed'], [-20, 'verified']];
  let made = 0;
  for (let i = 0; i < candidates.length; i++) {
    const [offset, until] = plan[i]!;
    const leadOn = addDays(today, offset);
    const c = await openCase(db, village, { householdId: candidates[i]!.id, source: i % 2 ? 'screening' : 'cadre_visit', leadOn }, today);
    made++;
    await advanceCase(db, { village, township }, c.id, leadOn, until, today);
  }
  await runDeadlineScheduler(db, () => new Date(`${today}T04:00:00Z`));
  return made;
}

export type CaseStage = 'lead' | 'verified' | 'appraised' | 'township_reviewed';

/**
 * Takes an identification case opened on `leadOn` through the procedure up to `until`, each step
 * dated after the lead so that, with `leadOn` at least 7 days before `today`, the notice has ended
 * and a township-reviewed case waits for the county's approval.
 */
export async function advanceCase(db: Db, actors: { village: Actor; township: Actor }, caseId: number, leadOn: string, until: CaseStage, today: string) {
  const { village, township } = actors;
  if (until === 'lead') return;
  const step = async (actor: Actor, action: string, body: Record<string, unknown>) => {
    const { version } = await db.selectFrom('workflow_case').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
    return recordCaseStep(db, actor, caseId, action, { version, ...body }, today);
  };
  const verified = await step(village, 'record_verification', { occurredOn: addDays(leadOn, 1), visitors: '村两委干部、驻村工作队', findings: '入户核实家庭收支与风险情况' });
  if (until === 'verified') return;
  for (const m of verified.consents) await recordConsent(db, village, caseId, { memberId: m.memberId, signedOn: addDays(leadOn, 1) }, today);
  await step(village, 'record_appraisal', { form: 'representatives_meeting', heldOn: addDays(leadOn, 2), attendance: 28, result: 'passed' });
  if (until === 'appraised') return;
  await step(village, 'start_notice', { startOn: addDays(leadOn, 2), endOn: addDays(leadOn, 6), objectionUnit: '乡镇乡村振兴工作站', objectionPhone: '12317' });
  await step(village, 'end_notice', { objections: 0 });
  await step(township, 'township_review', { opinion: '经审核情况属实，同意纳入', proposedMeasures: [{ type: 'public_welfare_job', description: '安排公益性岗位' }] });
}
