import type { FastifyInstance } from 'fastify';
import { addMeasure } from '../../app/assistance/add-measure.ts';
import { changeMeasure } from '../../app/assistance/change-measure.ts';
import { createPlan } from '../../app/assistance/create-plan.ts';
import { getHouseholdPlan } from '../../app/assistance/get-plan.ts';
import { listAssistanceGaps, type GapQuery } from '../../app/assistance/list-assistance-gaps.ts';
import { listMeasures, type MeasureListQuery } from '../../app/assistance/list-measures.ts';
import { listOverdueMeasures } from '../../app/assistance/list-overdue-measures.ts';
import { publishPlan } from '../../app/assistance/publish-plan.ts';
import { updatePlan } from '../../app/assistance/update-plan.ts';
import { chinaDate } from '../../domain/clock.ts';
import { catalogue, EXCLUDED_FORM_NAMES, EXCLUDED_FORMS, END_RULE_NAMES, MEASURE_STATUSES, MEASURE_TYPES, PERIOD_END_NAMES } from '../../domain/measures.ts';
import { DEPARTMENT_KINDS } from '../../domain/roles.ts';
import { actorOf } from '../session.ts';
import { exportQuery, sendExport } from '../export-reply.ts';
import { exportMeasures } from '../../app/exports/export-measures.ts';
import { exportAssistanceGaps } from '../../app/exports/export-assistance-gaps.ts';
import { exportOverdueMeasures } from '../../app/exports/export-overdue-measures.ts';
import { Body, Bool, DateField, Id, IdParams, List, Maybe, Optional, Page, PageSize, Query, RegionCode, Text, Version, Word } from '../schemas.ts';

const tags = ['帮扶计划与措施'];
type Id = { Params: { id: string } };
const MeasureQuery = Query({
  regionCode: Optional(RegionCode()),
  departmentKind: Optional(Text(40, '部门类别')),
  status: Optional(Text(20, '措施状态')),
  type: Optional(Text(40, '措施类型')),
  overdue: Optional(Text(30, '逾期类别')),
  page: Optional(Page()),
  pageSize: Optional(PageSize(100)),
});

const GapListQuery = Query({ kind: Optional(Text(30, 'no_measure | no_developmental | fallback_only')), regionCode: Optional(RegionCode()), page: Optional(Page()), pageSize: Optional(PageSize(100)) });

/** A measure's fields (checkMeasure in src/domain/measures.ts checks what they mean, Q25, Q28). */
const MeasureFields = {
  type: Maybe(Word(MEASURE_TYPES, '措施类型（见 /measure-catalogue）')),
  departmentKind: Maybe(Word(DEPARTMENT_KINDS, '责任部门（默认按措施类型）')),
  form: Maybe(Word(EXCLUDED_FORMS, '不属于开发式的形式（Q25）')),
  developmental: Maybe(Bool('是否开发式（仅“其他”类措施填写）')),
  description: Maybe(Text(500, '措施内容')),
  plannedStart: Maybe(DateField('计划开始日期')),
  periodEnd: Maybe(DateField('结束日期（按措施类型须填）')),
};
const PlanFields = {
  note: Maybe(Text(1000, '计划备注')),
  developmentDeclinedReason: Maybe(Text(500, '无发展意愿的说明（Q24）；null 清除')),
};

/** Assistance plans and measures (AST-1…5), the department's list and the supervision lists. */
export async function assistanceRoutes(app: FastifyInstance) {
  const today = () => chinaDate(app.now());

  app.get('/measure-catalogue', { schema: { tags, summary: '帮扶措施目录（责任部门、是否开发式、期限规则）' } }, (req) => {
    actorOf(req);
    return { types: catalogue(), excludedForms: EXCLUDED_FORM_NAMES, endRules: END_RULE_NAMES, periodEndNames: PERIOD_END_NAMES };
  });
  app.get<Id>('/households/:id/plan', { schema: { tags, params: IdParams('id'), summary: '本户帮扶计划、全部措施与检查' } }, (req) =>
    getHouseholdPlan(app.db, actorOf(req), Number(req.params.id)),
  );
  app.post<Id>('/households/:id/plan', { schema: { tags, params: IdParams('id'), body: Body({ caseId: Maybe(Id('所依据的识别认定案件（默认本户办理中或最近批准的）')), proposedOn: Maybe(DateField('提出日期（默认今天）')), ...PlanFields, measures: Maybe(List(Body(MeasureFields), 100, '帮扶措施（至少一项，Q23）')) }), summary: '制定帮扶计划（含措施）' } }, async (req, reply) =>
    reply.status(201).send(await createPlan(app.db, actorOf(req), Number(req.params.id), req.body, today())),
  );
  app.patch<Id>('/households/:id/plan', { schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), ...PlanFields }), summary: '修改当前帮扶计划（备注、无发展意愿说明；须带 version）' } }, (req) =>
    updatePlan(app.db, actorOf(req), Number(req.params.id), req.body),
  );
  app.post<Id>('/households/:id/plan/measures', { schema: { tags, params: IdParams('id'), body: Body(MeasureFields), summary: '在当前计划中新增帮扶措施' } }, async (req, reply) =>
    reply.status(201).send(await addMeasure(app.db, actorOf(req), Number(req.params.id), req.body)),
  );
  app.post<Id>('/households/:id/plan/publish', { schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), publishedOn: Maybe(DateField('公示日期（默认今天）')) }), summary: '帮扶计划在村内公示（关闭10日期限；须带 version）' } }, (req) =>
    publishPlan(app.db, actorOf(req), Number(req.params.id), req.body, today()),
  );
  app.patch<Id>('/measures/:id', { schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), status: Maybe(Word(MEASURE_STATUSES, '新状态')), on: Maybe(DateField('状态变更日期（默认今天）')), reason: Maybe(Text(500, '原因（暂停时必填）')), periodEnd: Maybe(DateField('新的结束日期')), description: Maybe(Text(500, '措施内容')) }), summary: '变更措施状态或期限（须带 version）' } }, (req) =>
    changeMeasure(app.db, actorOf(req), Number(req.params.id), req.body, today()),
  );
  app.get<{ Querystring: MeasureListQuery }>('/measures', { schema: { tags, querystring: MeasureQuery, summary: '帮扶措施列表（行业部门只见本部门）' } }, (req) =>
    listMeasures(app.db, actorOf(req), req.query, today()),
  );
  app.get<{ Querystring: GapQuery }>('/supervision/assistance-gaps', { schema: { tags, querystring: GapListQuery, summary: '帮扶缺口：无措施 / 无开发式措施 / 仅兜底' } }, (req) =>
    listAssistanceGaps(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: MeasureListQuery }>('/supervision/overdue-measures', { schema: { tags, querystring: MeasureQuery, summary: '各部门落实情况与逾期措施' } }, (req) =>
    listOverdueMeasures(app.db, actorOf(req), req.query, today()),
  );
  app.get<{ Querystring: MeasureListQuery }>('/measures/export.xlsx', { schema: { tags, querystring: exportQuery(MeasureQuery), summary: '导出帮扶措施列表（XLSX，筛选条件同列表）' } }, async (req, reply) =>
    sendExport(reply, await exportMeasures(app.db, actorOf(req), req.query, today()), app.now()),
  );
  app.get<{ Querystring: GapQuery }>('/supervision/assistance-gaps/export.xlsx', { schema: { tags, querystring: exportQuery(GapListQuery), summary: '导出帮扶缺口名单（XLSX）' } }, async (req, reply) =>
    sendExport(reply, await exportAssistanceGaps(app.db, actorOf(req), req.query), app.now()),
  );
  app.get<{ Querystring: MeasureListQuery }>('/supervision/overdue-measures/export.xlsx', { schema: { tags, querystring: exportQuery(MeasureQuery), summary: '导出各部门落实情况与逾期措施（XLSX）' } }, async (req, reply) =>
    sendExport(reply, await exportOverdueMeasures(app.db, actorOf(req), req.query, today()), app.now()),
  );
}
