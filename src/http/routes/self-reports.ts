import type { FastifyInstance } from 'fastify';
import { getSelfReport } from '../../app/self-report/get-self-report.ts';
import { listSelfReports, type SelfReportListQuery } from '../../app/self-report/list-self-reports.ts';
import { openCaseFromSelfReport } from '../../app/self-report/open-case-from-self-report.ts';
import { rejectSelfReport } from '../../app/self-report/reject-self-report.ts';
import { REPORT_STATES } from '../../domain/self-report.ts';
import { actorOf } from '../session.ts';
import { Body, BoolText, Id, IdParams, Maybe, Optional, Page, PageSize, Query, RegionCode, Text, Version, Word } from '../schemas.ts';

const tags = ['农户申报（村级处理）'];
type P = { Params: { id: string } };

/** The village's worklist of household self-reports (WRN-5), signed in. */
export async function selfReportRoutes(app: FastifyInstance) {
  app.get<{ Querystring: SelfReportListQuery }>('/self-reports', {
    schema: {
      tags, summary: '农户申报列表（本辖区；待处理在前）',
      querystring: Query({ state: Optional(Word(REPORT_STATES, '状态')), regionCode: Optional(RegionCode()), page: Optional(Page()), pageSize: Optional(PageSize(200)) }),
    },
  }, (req) => listSelfReports(app.db, actorOf(req), req.query));

  app.get<P & { Querystring: { reveal?: string } }>('/self-reports/:id', {
    schema: { tags, summary: '申报详情（身份证号、电话默认脱敏；reveal=true 显示完整并记入审计日志）', params: IdParams('id'), querystring: Query({ reveal: Optional(BoolText('显示完整身份证号和电话')) }) },
  }, (req) => getSelfReport(app.db, actorOf(req), Number(req.params.id), { reveal: req.query.reveal === 'true' }));

  app.post<P>('/self-reports/:id/open-case', {
    schema: {
      tags, summary: '启动识别：村级已登记该户后，以申报日期为线索日期启动识别程序，并附上已签署的承诺授权书（须带 version）', params: IdParams('id'),
      body: Body({ householdId: Maybe(Id('已登记的农户编号（申报人须为该户在册成员）')), version: Maybe(Version()) }),
    },
  }, (req) => openCaseFromSelfReport(app.db, actorOf(req), Number(req.params.id), req.body));

  app.post<P>('/self-reports/:id/reject', {
    schema: { tags, summary: '不予受理（须说明原因；农户查询时只显示“经核实未纳入”）', params: IdParams('id'), body: Body({ reason: Maybe(Text(500, '不予受理的原因')), version: Maybe(Version()) }) },
  }, (req) => rejectSelfReport(app.db, actorOf(req), Number(req.params.id), req.body));
}
