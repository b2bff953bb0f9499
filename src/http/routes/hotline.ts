import type { FastifyInstance } from 'fastify';
import { acceptTicket } from '../../app/hotline/accept-ticket.ts';
import { archiveTicket } from '../../app/hotline/archive-ticket.ts';
import { assignTicket } from '../../app/hotline/assign-ticket.ts';
import { evaluateTicket } from '../../app/hotline/evaluate-ticket.ts';
import { getTicket } from '../../app/hotline/get-ticket.ts';
import { listTickets, type TicketListQuery } from '../../app/hotline/list-tickets.ts';
import { replyTicket } from '../../app/hotline/reply-ticket.ts';
import { chinaDate } from '../../domain/clock.ts';
import { EVALUATIONS, TICKET_KINDS, TICKET_STATES, TIP_KINDS } from '../../domain/hotline-ticket.ts';
import { actorOf } from '../session.ts';
import { Body, BoolText, IdParams, Maybe, Optional, Page, PageSize, Query, RegionField, Text, Version, Word } from '../schemas.ts';

const tags = ['12317工单'];
type P = { Params: { id: string } };

const AcceptBody = Body({
  kind: Maybe(Word(TICKET_KINDS, '工单类型')),
  tipKind: Maybe(Word(TIP_KINDS, '举报类别（举报类必填，Q21）')),
  callerName: Maybe(Text(50, '来电人姓名（可匿名）')),
  callerPhone: Maybe(Text(20, '来电号码（答复短信发送至此）')),
  content: Maybe(Text(2000, '诉求内容')),
  regionCode: Maybe(RegionField('所涉地区（申报、举报须到村）')),
  subjectName: Maybe(Text(50, '申报人或被举报涉及的人员姓名')),
  subjectIdNumber: Maybe(Text(18, '其身份证号（申报必填）')),
});

const ListQuery = Query({
  state: Optional(Word(TICKET_STATES, '状态')),
  kind: Optional(Word(TICKET_KINDS, '类型')),
  overdue: Optional(BoolText('仅看逾期未答复')),
  escalated: Optional(BoolText('仅看已提级督办')),
  page: Optional(Page()),
  pageSize: Optional(PageSize(200)),
});

/** 12317 tickets (WRN-2, Q52): accept, assign, reply, evaluate, archive; lists and detail by role. */
export async function hotlineRoutes(app: FastifyInstance) {
  const today = () => chinaDate(app.now());

  app.post('/hotline/tickets', { schema: { tags, body: AcceptBody, summary: '受理登记12317工单（坐席）' } }, async (req, reply) =>
    reply.status(201).send(await acceptTicket(app.db, actorOf(req), req.body, today())),
  );
  app.get<{ Querystring: TicketListQuery }>('/hotline/tickets', {
    schema: { tags, querystring: ListQuery, summary: '工单队列：坐席看本区域全部，乡镇/县看交办本级及下级的，市/省/国家级看提级至本级督办的' },
  }, (req) => listTickets(app.db, actorOf(req), req.query, today()));
  app.get<P & { Querystring: { revealCaller?: string } }>('/hotline/tickets/:id', {
    schema: { tags, params: IdParams('id'), querystring: Query({ revealCaller: Optional(BoolText('坐席查看完整来电号码（记入审计日志）')) }), summary: '工单详情与办理记录' },
  }, (req) => getTicket(app.db, actorOf(req), Number(req.params.id), today(), { revealCaller: req.query.revealCaller === 'true' }));
  app.post<P>('/hotline/tickets/:id/assign', {
    schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), regionCode: Maybe(RegionField('交办单位（工单所涉的乡镇或县）')), note: Maybe(Text(500, '交办说明')) }), summary: '交办（坐席，须带 version）' },
  }, (req) => assignTicket(app.db, actorOf(req), Number(req.params.id), req.body, today()));
  app.post<P>('/hotline/tickets/:id/reply', {
    schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), reply: Maybe(Text(2000, '答复内容')) }), summary: '答复（承办的乡镇或县，须带 version）' },
  }, (req) => replyTicket(app.db, actorOf(req), Number(req.params.id), req.body, today()));
  app.post<P>('/hotline/tickets/:id/evaluate', {
    schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()), evaluation: Maybe(Word(EVALUATIONS, '评价')), note: Maybe(Text(500, '评价说明（不满意必填）')) }), summary: '记录诉求人评价（坐席；不满意退回重办一次）' },
  }, (req) => evaluateTicket(app.db, actorOf(req), Number(req.params.id), req.body, today()));
  app.post<P>('/hotline/tickets/:id/archive', {
    schema: { tags, params: IdParams('id'), body: Body({ version: Maybe(Version()) }), summary: '归档已办结工单（坐席）' },
  }, (req) => archiveTicket(app.db, actorOf(req), Number(req.params.id), req.body, today()));
}
