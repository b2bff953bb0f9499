import { NoticeDocumentError, type NoticeDocument, type NoticeEntry } from '../../domain/notice-document.ts';
import { Check } from '../../domain/validation.ts';
import { CASE_KINDS } from '../../domain/case-machines.ts';
import { countyCodeOf, regionLevel } from '../../domain/region-code.ts';
import type { CaseKind } from '../../domain/workflow.ts';
import type { AssessmentInput } from '../../policy/types.ts';
import { caseAssessments, caseSteps, type CaseRow } from '../../store/cases.ts';
import { findHousehold, householdMembers } from '../../store/households.ts';
import { regionPath } from '../../store/regions.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize, scopePattern } from '../authz.ts';
import { AppError, forbidden, invalid, unprocessable } from '../errors.ts';
import { countedMemberIds, loadScopedCase } from '../cases/case-facts.ts';
import { renderNoticeHtml } from './render-notice-html.ts';
import { renderNoticeXlsx } from './render-notice-xlsx.ts';

export type NoticeType = NoticeDocument['type'];
const DEFAULT_CONTACT = { unit: '12317防止返贫监测帮扶热线', phone: '12317' };

/**
 * One household's entry, taken only from fields a notice may show (Q47): the head's name,
 * village group, category, household size and dates — never ID, phone, bank or health data.
 */
async function entryOf(db: Db, c: CaseRow, type: NoticeType, withVillage: boolean): Promise<{ entry: NoticeEntry; notice?: Record<string, any> }> {
  const [h, members, steps, assessments] = await Promise.all([
    findHousehold(db, c.household_id),
    householdMembers(db, c.household_id),
    caseSteps(db, c.id),
    caseAssessments(db, c.id),
  ]);
  const verification = assessments.filter((a) => a.stage === 'verification').at(-1);
  const counted = countedMemberIds(verification?.input as AssessmentInput | undefined).length;
  const appraisal = steps.filter((s) => s.action === 'record_appraisal').at(-1);
  const notice = steps.filter((s) => s.action === 'start_notice').at(-1)?.data as Record<string, any> | undefined;
  const proposed = (verification?.result as { category?: string } | undefined)?.category ?? null;
  const path = withVillage ? await regionPath(db, c.region_code) : [];
  return {
    entry: {
      headName: members.find((m) => m.relation === 'head')?.name ?? '（未登记户主）',
      villageGroup: h!.village_group,
      category: (c.category ?? (c.kind === 'elimination' ? h!.monitoring_category : proposed)) as NoticeEntry['category'],
      formerlyPoor: h!.formerly_poor,
      memberCount: counted || members.filter((m) => m.active).length,
      leadOn: c.lead_on,
      // The village notice's date column is the appraisal's, also when reprinted after approval.
      // Identification date = approval date, or the green-channel entry date (Q45).
      decidedOn: type === 'village_notice' ? appraisal?.occurred_on ?? null : c.green_channel && c.kind === 'identification' ? c.green_entered_on : c.decided_on,
      ...(withVillage ? { villageName: path.slice(-2).map((r) => r.name).join(' ') } : {}),
    },
    notice,
  };
}

async function render(doc: NoticeDocument, format: string) {
  try {
    return format === 'xlsx'
      ? { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await renderNoticeXlsx(doc) }
      : { contentType: 'text/html; charset=utf-8', body: renderNoticeHtml(doc) };
  } catch (e) {
    if (e instanceof NoticeDocumentError) throw new AppError(422, e.errors);
    throw e;
  }
}

/** The village notice (after it started) or county announcement (after approval) of one case. */
export async function printCaseNotice(db: Db, actor: Actor, caseId: number, q: { type?: string; format?: string }) {
  authorize(actor, 'case:read');
  const c = await loadScopedCase(db, actor, caseId);
  const check = new Check();
  const type = (q.type === undefined ? 'village_notice' : check.oneOf('type', q.type, ['village_notice', 'county_announcement'] as const)) as NoticeType;
  const format = q.format === undefined ? 'html' : check.oneOf('format', q.format, ['html', 'xlsx'] as const);
  if (!check.ok) throw invalid(check.errors);
  const { entry, notice } = await entryOf(db, c, type, false);
  if (type === 'village_notice' && !notice) throw unprocessable('type', '本案尚未开始村内公示（Q41、Q42）');
  if (type === 'county_announcement' && !c.decided_on) throw unprocessable('type', '县级尚未审批，不能生成公告（Q41）');
  const path = await regionPath(db, c.region_code);
  const county = path.find((r) => r.level === 3)?.name ?? '';
  const doc: NoticeDocument = {
    type,
    caseKind: c.kind as CaseKind,
    regionName: type === 'village_notice' ? path.slice(2).map((r) => r.name).join(' ') : county,
    issuer: type === 'village_notice' ? `${path.at(-1)?.name ?? ''}村民委员会` : `${county}防止返贫监测帮扶工作领导小组`,
    issuedOn: type === 'village_notice' ? notice!.startOn : c.decided_on!,
    period: type === 'village_notice' ? { startOn: notice!.startOn, endOn: notice!.endOn } : null,
    entries: [entry],
    objectionContact: notice ? { unit: notice.objectionUnit, phone: notice.objectionPhone } : DEFAULT_CONTACT,
  };
  return render(doc, format!);
}

/** The county announcement listing every case the county approved in a date range (XLSX or HTML). */
export async function printCountyAnnouncement(db: Db, actor: Actor, q: { kind?: string; from?: string; to?: string; format?: string; countyCode?: string }, today: string) {
  authorize(actor, 'case:read');
  const check = new Check();
  const kind = (q.kind === undefined ? 'identification' : check.oneOf('kind', q.kind, CASE_KINDS)) as CaseKind;
  const from = check.date('from', q.from, { required: true });
  const to = check.date('to', q.to ?? today, { required: true });
  const format = q.format === undefined ? 'xlsx' : check.oneOf('format', q.format, ['html', 'xlsx'] as const);
  const county = q.countyCode ?? countyCodeOf(actor.regionCode);
  if (!county) check.fail('countyCode', '请选择县（公告由县级发布，Q41）');
  if (from && to && from > to) check.fail('to', '结束日期不能早于开始日期');
  if (!check.ok) throw invalid(check.errors);
  const countyRegion = `${county}000000`;
  // The announcement is the county's; a township or village user gets their own part of their county's.
  if (regionLevel(actor.regionCode) <= 3) authorize(actor, 'case:read', countyRegion);
  else if (countyCodeOf(actor.regionCode) !== county) throw forbidden('只能打印本县的公告');
  const cases = await db
    .selectFrom('workflow_case')
    .selectAll()
    .where('county_code', '=', county!)
    .where('region_code', 'like', scopePattern(actor))
    .where('kind', '=', kind)
    .where('decided_on', '>=', from!)
    .where('decided_on', '<=', to!)
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', 'in', ['identified', 'eliminated'])]))
    .where('state', 'in', ['approved', 'announced', 'entered'])
    .orderBy('region_code')
    .orderBy('id')
    .execute();
  if (cases.length === 0) throw unprocessable('from', '该期间内没有县级批准的案件');
  const entries = [];
  for (const c of cases) entries.push((await entryOf(db, c, 'county_announcement', true)).entry);
  const name = (await regionPath(db, countyRegion)).find((r) => r.level === 3)?.name ?? '';
  return render(
    {
      type: 'county_announcement', caseKind: kind, regionName: name, issuer: `${name}防止返贫监测帮扶工作领导小组`,
      issuedOn: to!, period: null, entries, objectionContact: DEFAULT_CONTACT,
    },
    format!,
  );
}
