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
import { catalogue, EXCLUDED_FORM_NAMES, END_RULE_NAMES, PERIOD_END_NAMES } from '../../domain/measures.ts';
import { actorOf } from '../session.ts';
import { IdParams, Optional, Page, PageSize, Query, RegionCode, Text } from '../schemas.ts';

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
  app.post<Id>('/households/:id/plan', { schema: { tags, params: IdParams('id'), summary: '制定帮扶计划（含措施）' } }, async (req, reply) =>
    reply.status(201).send(await createPlan(app.db, actorOf(req), Number(req.params.id), req.body, today())),
  );
  app.patch<Id>('/households/:id/plan', { schema: { tags, params: IdParams('id'), summary: '修改当前帮扶计划（备注、无发展意愿说明；须带 version）' } }, (req) =>
    updatePlan(app.db, actorOf(req), Number(req.params.id), req.body),
  );
  app.post<Id>('/households/:id/plan/measures', { schema: { tags, params: IdParams('id'), summary: '在当前计划中新增帮扶措施' } }, async (req, reply) =>
    reply.status(201).send(await addMeasure(app.db, actorOf(req), Number(req.params.id), req.body)),
  );
  app.post<Id>('/households/:id/plan/publish', { schema: { tags, params: IdParams('id'), summary: '帮扶计划在村内公示（关闭10日期限；须带 version）' } }, (req) =>
    publishPlan(app.db, actorOf(req), Number(req.params.id), req.body, today()),
  );
  app.patch<Id>('/measures/:id', { schema: { tags, params: IdParams('id'), summary: '变更措施状态或期限（须带 version）' } }, (req) =>
    changeMeasure(app.db, actorOf(req), Number(req.params.id), req.body, today()),
  );
  app.get<{ Querystring: MeasureListQuery }>('/measures', { schema: { tags, querystring: MeasureQuery, summary: '帮扶措施列表（行业部门只见本部门）' } }, (req) =>
    listMeasures(app.db, actorOf(req), req.query, today()),
  );
  app.get<{ Querystring: GapQuery }>('/supervision/assistance-gaps', { schema: { tags, querystring: Query({ kind: Optional(Text(30, 'no_measure | no_developmental | fallback_only')), regionCode: Optional(RegionCode()), page: Optional(Page()), pageSize: Optional(PageSize(100)) }), summary: '帮扶缺口：无措施 / 无开发式措施 / 仅兜底' } }, (req) =>
    listAssistanceGaps(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: MeasureListQuery }>('/supervision/overdue-measures', { schema: { tags, querystring: MeasureQuery, summary: '各部门落实情况与逾期措施' } }, (req) =>
    listOverdueMeasures(app.db, actorOf(req), req.query, today()),
  );
}
