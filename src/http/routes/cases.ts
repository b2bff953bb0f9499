import type { FastifyInstance } from 'fastify';
import { getCase } from '../../app/cases/get-case.ts';
import { listCases, type CaseListQuery } from '../../app/cases/list-cases.ts';
import { openCase } from '../../app/cases/open-case.ts';
import { recordCaseStep } from '../../app/cases/record-case-step.ts';
import { recordConsent } from '../../app/cases/record-consent.ts';
import { recordComparisonResult, requestComparison } from '../../app/cases/data-comparison.ts';
import { authorize } from '../../app/authz.ts';
import { runDeadlineScheduler, schedulerStatus } from '../../app/deadlines/run-deadline-scheduler.ts';
import { getWorkbench } from '../../app/workbench/get-workbench.ts';
import { chinaDate } from '../../domain/clock.ts';
import { printCaseNotice, printCountyAnnouncement } from '../../app/notices/print-notice.ts';
import { actorOf } from '../session.ts';
import { exportQuery, sendExport } from '../export-reply.ts';
import { exportCases } from '../../app/exports/export-cases.ts';
import { CASE_KINDS } from '../../domain/case-machines.ts';
import { LEAD_SOURCES } from '../../domain/identification-case.ts';
import { APPRAISAL_FORMS } from '../../domain/procedure-steps.ts';
import { CATEGORIES } from '../../policy/types.ts';
import { Body, Bool, BoolText, DateField, Id, IdParams, Int, IsoDate, List, Maybe, NoBody, Optional, Page, PageSize, Params, Query, Text, Type, Version, Word } from '../schemas.ts';

const tags = ['识别与风险消除案件'];
type P = { Params: { id: string; action: string } };

/** A lead (openCase checks what the fields mean, PRC-1). */
const LeadBody = Body({
  householdId: Maybe(Id('农户编号（或填 idNumber）')),
  idNumber: Maybe(Text(100, '家庭成员身份证号（行业部门、12317 推送时）')),
  kind: Maybe(Word(CASE_KINDS, '案件类型（默认 identification）')),
  source: Maybe(Word([...LEAD_SOURCES, 'review'], '线索来源')),
  leadOn: Maybe(DateField('线索发现日期（第0日，Q42）')),
  leadNote: Maybe(Text(2000, '线索说明')),
  sourceRef: Maybe(Text(100, '来源单号')),
});

/**
 * The fields of every step, each used by the steps that name it (the case machines in
 * src/domain check which belong to the action and what they mean; an unknown one is refused).
 */
const StepBody = Body({
  version: Maybe(Version()),
  occurredOn: Maybe(DateField('入户核实日期')),
  visitors: Maybe(Text(200, '核实人员')),
  findings: Maybe(Text(2000, '核实情况')),
  form: Maybe(Word(APPRAISAL_FORMS, '民主评议形式')),
  heldOn: Maybe(DateField('评议日期')),
  attendance: Maybe(Int('参会人数')),
  result: Maybe(Word(['passed', 'not_passed'], '评议结果')),
  minutes: Maybe(Text(2000, '会议记录')),
  startOn: Maybe(DateField('公示开始日期')),
  endOn: Maybe(DateField('公示结束日期')),
  objectionUnit: Maybe(Text(100, '异议受理单位')),
  objectionPhone: Maybe(Text(30, '异议受理电话（办公电话或12317）')),
  objections: Maybe(Int('异议件数')),
  objectionSummary: Maybe(Text(2000, '异议内容及核实处理情况')),
  objectionsUpheld: Maybe(Bool('异议经核实成立')),
  opinion: Maybe(Text(1000, '审核意见')),
  proposedMeasures: Maybe(List(Body({ type: Maybe(Text(50, '措施类型')), description: Maybe(Text(500, '措施内容')) }), 100, '拟采取的帮扶措施（乡镇审核，Q27）')),
  category: Maybe(Word(CATEGORIES, '监测类别')),
  reason: Maybe(Text(1000, '原因或理由')),
  reasonCode: Maybe(Text(100, '结案原因代码')),
  announcedOn: Maybe(DateField('公告日期')),
  documentNumber: Maybe(Text(100, '文号')),
  enteredOn: Maybe(DateField('录入全国系统日期')),
  systemRef: Maybe(Text(100, '全国系统编号')),
  facts: Maybe(Text(1000, '事实情况（绿色通道）')),
  notifyChannel: Maybe(Text(100, '告知农户的方式')),
});

const CaseListParams = Query({ kind: Optional(Text(20)), state: Optional(Text(40)), status: Optional(Text(10, 'open | closed')), green: Optional(BoolText()), overdue: Optional(BoolText()), householdId: Optional(Id()), page: Optional(Page()), pageSize: Optional(PageSize(200)) });

/** Cases (PRC, GRN, ELM): leads, steps of the procedure, consents; the workbench and deadlines. */
export async function caseRoutes(app: FastifyInstance) {
  const today = () => chinaDate(app.now());

  app.get<{ Querystring: CaseListQuery }>('/cases', { schema: { tags, querystring: CaseListParams, summary: '案件列表（按最近期限排序；kind、status=open|closed、state、green、overdue）' } }, (req) =>
    listCases(app.db, actorOf(req), req.query, today()),
  );
  app.get<{ Querystring: CaseListQuery }>('/cases/export.xlsx', { schema: { tags, querystring: exportQuery(CaseListParams), summary: '导出案件列表（XLSX，筛选条件同列表）' } }, async (req, reply) =>
    sendExport(reply, await exportCases(app.db, actorOf(req), req.query, today()), app.now()),
  );
  app.post('/cases', { schema: { tags, body: LeadBody, summary: '由线索新建案件（householdId 或 idNumber、source、leadOn）' } }, async (req, reply) =>
    reply.status(201).send(await openCase(app.db, actorOf(req), req.body, today())),
  );
  // Line departments push warnings with the person's ID number (PRC-1); 12317 tickets likewise.
  app.post('/leads', { schema: { tags, body: LeadBody, summary: '行业部门预警 / 12317 工单推送线索' } }, async (req, reply) =>
    reply.status(201).send(await openCase(app.db, actorOf(req), req.body, today())),
  );
  app.get<P>('/cases/:id', { schema: { tags, params: IdParams('id'), summary: '案件详情：办理时间线、承诺授权、评估快照、期限、可办理步骤' } }, (req) =>
    getCase(app.db, actorOf(req), Number(req.params.id), today()),
  );
  app.post<P>('/cases/:id/steps/:action', { schema: { tags, params: Params({ id: Id(), action: Text(64, '步骤') }), body: StepBody, summary: '办理一个步骤（须带 version）' } }, (req) =>
    recordCaseStep(app.db, actorOf(req), Number(req.params.id), req.params.action, req.body, today()),
  );
  app.post<P>('/cases/:id/consents', { schema: { tags, params: IdParams('id'), body: Body({ memberId: Maybe(Id('签署的成员')), signedOn: Maybe(DateField('签署日期')), delegateMemberId: Maybe(Id('代签的成员（书面委托）')), delegationNote: Maybe(Text(500, '书面委托说明')) }), summary: '登记家庭成员签署的承诺授权书（Q22）' } }, async (req, reply) =>
    reply.status(201).send(await recordConsent(app.db, actorOf(req), Number(req.params.id), req.body, today())),
  );

  app.post<P>('/cases/:id/comparisons', { schema: { tags, params: IdParams('id'), body: NoBody(), summary: '发起信息比对（须全体成员已签署承诺授权书；低保/特困户三个月内已比对的免于重复比对，Q43）' } }, async (req, reply) =>
    reply.status(201).send(await requestComparison(app.db, actorOf(req), Number(req.params.id), today())),
  );
  app.post<P & { Params: { comparisonId: string } }>('/cases/:id/comparisons/:comparisonId/result', { schema: { tags, params: IdParams('id', 'comparisonId'), body: Body({ version: Maybe(Version()), result: Maybe(Word(['no_issue', 'issue_found'], '比对结果')), findings: Maybe(Text(2000, '发现的问题（有问题时必填）')), completedOn: Maybe(DateField('反馈日期')) }), summary: '登记信息比对结果（须带 version）' } }, (req) =>
    recordComparisonResult(app.db, actorOf(req), Number(req.params.id), Number(req.params.comparisonId), req.body, today()),
  );
  app.get<P & { Querystring: { type?: string; format?: string } }>('/cases/:id/notice', { schema: { tags, params: IdParams('id'), querystring: Query({ type: Optional(Text(30, 'village_notice | county_announcement')), format: Optional(Text(10, 'html | xlsx')) }), summary: '打印村内公示或县级公告（type=village_notice|county_announcement，format=html|xlsx）' } }, async (req, reply) => {
    const r = await printCaseNotice(app.db, actorOf(req), Number(req.params.id), req.query);
    return reply.type(r.contentType).send(r.body);
  });
  app.get<{ Querystring: { kind?: string; from?: string; to?: string; format?: string; countyCode?: string } }>('/notices/county-announcement', { schema: { tags, querystring: Query({ kind: Optional(Text(20)), from: Optional(IsoDate()), to: Optional(IsoDate()), format: Optional(Text(10, 'html | xlsx')), countyCode: Optional(Type.String({ pattern: '^[0-9]{6}$', 'x-message': '县级代码应为6位数字' })) }), summary: '县级公告名单（期间内县级批准的案件；format=xlsx|html）' } }, async (req, reply) => {
    const r = await printCountyAnnouncement(app.db, actorOf(req), req.query, today());
    return reply.type(r.contentType).send(r.body);
  });

  app.get('/workbench', { schema: { tags: ['工作台'], summary: '待办：本区域本角色的任务（按期限排序）与下级逾期统计' } }, (req) =>
    getWorkbench(app.db, actorOf(req), today()),
  );
  app.get('/scheduler', { schema: { tags: ['工作台'], summary: '期限扫描最近一次成功运行' } }, async (req) => {
    authorize(actorOf(req), 'workbench:read');
    return { deadlines: await schedulerStatus(app.db) };
  });
  app.post('/scheduler/run', { schema: { tags: ['工作台'], body: NoBody(), summary: '立即运行期限扫描（县级及以上）' } }, async (req) => {
    const actor = actorOf(req);
    authorize(actor, 'scheduler:run');
    return runDeadlineScheduler(app.db, app.now);
  });
}
