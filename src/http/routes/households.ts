import type { FastifyInstance } from 'fastify';
import { createHousehold } from '../../app/households/create-household.ts';
import { getHousehold } from '../../app/households/get-household.ts';
import { updateHousehold } from '../../app/households/update-household.ts';
import { addMember } from '../../app/households/add-member.ts';
import { updateMember } from '../../app/households/update-member.ts';
import { listHouseholds, type ListQuery } from '../../app/households/list-households.ts';
import { exportHouseholds } from '../../app/households/export-households.ts';
import { actorOf } from '../session.ts';
import { BoolText, IdParams, Optional, Page, PageSize, Query, RegionCode, Text } from '../schemas.ts';

type Id = { Params: { id: string } };
const tags = ['农户'];

export const HouseholdListQuery = Query({
  regionCode: Optional(RegionCode('只看该区划（本辖区内）')),
  q: Optional(Text(50, '户主或成员姓名、身份证号')),
  monitoringStatus: Optional(Text(20, 'none | monitored | eliminated')),
  formerlyPoor: Optional(BoolText()),
  page: Optional(Page()),
  pageSize: Optional(PageSize(100)),
});

export async function householdRoutes(app: FastifyInstance) {
  app.get<{ Querystring: ListQuery }>('/households', { schema: { tags, querystring: HouseholdListQuery, summary: '农户列表（本辖区）' } }, (req) =>
    listHouseholds(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: ListQuery }>('/households/export.xlsx', { schema: { tags, querystring: HouseholdListQuery, summary: '导出农户列表（XLSX）' } }, async (req, reply) => {
    const buf = await exportHouseholds(app.db, actorOf(req), req.query);
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent('农户名单.xlsx')}`)
      .send(buf);
  });
  app.post('/households', { schema: { tags, summary: '登记农户及家庭成员' } }, async (req, reply) =>
    reply.status(201).send(await createHousehold(app.db, actorOf(req), req.body)),
  );
  app.get<Id & { Querystring: { reveal?: string } }>('/households/:id', { schema: { tags, params: IdParams('id'), querystring: Query({ reveal: Optional(BoolText('true：查看敏感信息（留痕）')) }), summary: '农户详情（reveal=true 查看敏感信息并留痕）' } }, (req) =>
    getHousehold(app.db, actorOf(req), Number(req.params.id), { reveal: req.query.reveal === 'true' }),
  );
  app.patch<Id>('/households/:id', { schema: { tags, params: IdParams('id'), summary: '修改农户信息（须带 version）' } }, (req) =>
    updateHousehold(app.db, actorOf(req), Number(req.params.id), req.body),
  );
  app.post<Id>('/households/:id/members', { schema: { tags, params: IdParams('id'), summary: '新增家庭成员' } }, async (req, reply) =>
    reply.status(201).send(await addMember(app.db, actorOf(req), Number(req.params.id), req.body)),
  );
  app.patch<{ Params: { id: string; memberId: string } }>('/households/:id/members/:memberId', { schema: { tags, params: IdParams('id', 'memberId'), summary: '修改家庭成员（须带 version）' } }, (req) =>
    updateMember(app.db, actorOf(req), Number(req.params.id), Number(req.params.memberId), req.body),
  );
}
