import { isCountedMember } from '../../policy/household.ts';
import type { AssessmentInput } from '../../policy/types.ts';
import type { CaseFacts, CaseKind } from '../../domain/workflow.ts';
import { caseAssessments, caseConsents, caseSteps, findCase, type CaseRow } from '../../store/cases.ts';
import type { HouseholdRow } from '../../store/households.ts';
import { isInSubtree } from '../../domain/region-code.ts';
import type { Actor } from '../actor.ts';
import type { Db } from '../../store/transaction.ts';
import { forbidden, notFound } from '../errors.ts';
import { recordsOf } from '../../store/household-records.ts';

/** A case the actor may see: 403 if it lies outside their subtree, 404 if there is none. */
export async function loadScopedCase(db: Db, actor: Actor, id: number): Promise<CaseRow> {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound('案件不存在');
  const c = await findCase(db, id);
  if (!c) throw notFound('案件不存在');
  if (!isInSubtree(actor.regionCode, c.region_code)) throw forbidden('该案件不在您的管辖区域内');
  return c;
}

/** Member ids counted by the latest verification assessment: they sign the commitment (Q22). */
export function countedMemberIds(input: AssessmentInput | undefined): number[] {
  return (input?.household.members ?? []).filter(isCountedMember).map((m) => Number(String(m.id).slice(1)));
}

export async function loadCaseFacts(db: Db, c: CaseRow, h: HouseholdRow): Promise<CaseFacts> {
  const [steps, consents, assessments, risks] = await Promise.all([
    caseSteps(db, c.id),
    caseConsents(db, c.id),
    caseAssessments(db, c.id),
    recordsOf(db, 'risks', [h.id]),
  ]);
  const verification = assessments.filter((a) => a.stage === 'verification').at(-1);
  return {
    kind: c.kind as CaseKind,
    state: c.state,
    source: c.source,
    leadOn: c.lead_on,
    greenChannel: c.green_channel,
    greenEnteredOn: c.green_entered_on,
    steps: steps.map((s) => ({ action: s.action, actorId: Number(s.actor_id), actorRole: s.actor_role, occurredOn: s.occurred_on, data: s.data as any })),
    countedMemberIds: countedMemberIds(verification?.input as AssessmentInput | undefined),
    consentedMemberIds: consents.map((k) => Number(k.member_id)),
    hasSuddenRisk: risks.some((r) => (r.type === 'disaster' || r.type === 'accident') && !r.resolved),
    fallbackHousehold: !!h.fallback_since,
    identifiedOn: h.identified_on,
  };
}
