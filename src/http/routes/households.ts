import type { FastifyInstance } from 'fastify';
import { createHousehold } from '../../app/households/create-household.ts';
import { getHousehold } from '../../app/households/get-household.ts';
import { updateHousehold } from '../../app/households/update-household.ts';
import { addMember } from '../../app/households/add-member.ts';
import { updateMember } from '../../app/households/update-member.ts';
import { listHouseholds, type ListQuery } from '../../app/households/list-households.ts';
import { exportHouseholds } from '../../app/households/export-households.ts';
import {
  FALLBACK_BASES, HEALTH_STATES, LABOR_ABILITIES, REGISTRATIONS, RELATIONS, RESPONSIBILITY_BASES, SCHOOLING,
} from '../../domain/household.ts';
import { actorOf } from '../session.ts';
import { exportQuery, sendExport } from '../export-reply.ts';
import { Body, Bool, BoolText, DateField, EditFields, IdParams, Int, List, Maybe, Optional, Page, PageSize, Query, RegionCode, RegionField, Text, Word } from '../schemas.ts';

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

/** Household fields (checkHousehold in src/domain/household.ts checks what they mean). */
export const HouseholdFields = {
  regionCode: Maybe(RegionField('负责村（村级）')),
  registrationRegionCode: Maybe(RegionField('户籍地（村级，默认同负责村）')),
  residenceRegionCode: Maybe(RegionField('常住地（村级）')),
  responsibilityBasis: Maybe(Word(RESPONSIBILITY_BASES, '责任认定依据（Q19）')),
  responsibilityReason: Maybe(Text(500, '由常住地或迁入地负责的原因')),
  villageGroup: Maybe(Text(50, '村民小组')),
  address: Maybe(Text(200, '住址')),
  formerlyPoor: Maybe(Bool('脱贫户')),
  povertyExitYear: Maybe(Int('脱贫年度（2013-2020）')),
  dibaoSince: Maybe(DateField('农村低保起始日期')),
  tekunSince: Maybe(DateField('分散供养特困起始日期')),
  relocatedSince: Maybe(DateField('易地搬迁日期')),
  disabledHouseholdSince: Maybe(DateField('残疾人家庭认定日期')),
  fallbackSince: Maybe(DateField('兜底保障认定日期（Q35）')),
  fallbackBasis: Maybe(Word(FALLBACK_BASES, '兜底保障依据')),
};

/** Member fields (checkMember): also the new member of a natural increase. */
export const MemberFields = {
  name: Maybe(Text(50, '姓名')),
  idNumber: Maybe(Text(18, '身份证号（18位）')),
  relation: Maybe(Word(RELATIONS, '与户主关系')),
  sex: Maybe(Word(['male', 'female'], '性别（须与身份证号一致）')),
  birthDate: Maybe(DateField('出生日期（须与身份证号一致）')),
  registration: Maybe(Word(REGISTRATIONS, '户籍类型')),
  urbanGuarantees: Maybe(Bool('享受城镇低保或职工基本养老保险')),
  livesTogether: Maybe(Bool('共同生活（Q15）')),
  laborAbility: Maybe(Word(LABOR_ABILITIES, '劳动能力')),
  health: Maybe(Word(HEALTH_STATES, '健康状况')),
  disabilityGrade: Maybe(Int('残疾等级（1-4）')),
  schooling: Maybe(Word(SCHOOLING, '在校情况')),
  employment: Maybe(Text(100, '务工就业情况')),
  phone: Maybe(Text(20, '联系电话')),
  bankAccount: Maybe(Text(30, '银行账号')),
  supportNote: Maybe(Text(1000, '赡养抚养情况')),
};

export async function householdRoutes(app: FastifyInstance) {
  app.get<{ Querystring: ListQuery }>('/households', { schema: { tags, querystring: HouseholdListQuery, summary: '农户列表（本辖区）' } }, (req) =>
    listHouseholds(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: ListQuery }>('/households/export.xlsx', { schema: { tags, querystring: exportQuery(HouseholdListQuery), summary: '导出农户列表（XLSX，筛选条件同列表）' } }, async (req, reply) =>
    sendExport(reply, await exportHouseholds(app.db, actorOf(req), req.query), app.now()),
  );
  app.post(
    '/households',
    { schema: { tags, body: Body({ household: Optional(Body(HouseholdFields)), members: Optional(List(Body(MemberFields), 100, '家庭成员（须有且只有一名户主）')) }), summary: '登记农户及家庭成员' } },
    async (req, reply) => reply.status(201).send(await createHousehold(app.db, actorOf(req), req.body)),
  );
  app.get<Id & { Querystring: { reveal?: string } }>('/households/:id', { schema: { tags, params: IdParams('id'), querystring: Query({ reveal: Optional(BoolText('true：查看敏感信息（留痕）')) }), summary: '农户详情（reveal=true 查看敏感信息并留痕）' } }, (req) =>
    getHousehold(app.db, actorOf(req), Number(req.params.id), { reveal: req.query.reveal === 'true' }),
  );
  app.patch<Id>('/households/:id', { schema: { tags, params: IdParams('id'), body: Body({ ...HouseholdFields, ...EditFields() }), summary: '修改农户信息（须带 version）' } }, (req) =>
    updateHousehold(app.db, actorOf(req), Number(req.params.id), req.body),
  );
  app.post<Id>('/households/:id/members', { schema: { tags, params: IdParams('id'), body: Body(MemberFields), summary: '新增家庭成员' } }, async (req, reply) =>
    reply.status(201).send(await addMember(app.db, actorOf(req), Number(req.params.id), req.body)),
  );
  app.patch<{ Params: { id: string; memberId: string } }>(
    '/households/:id/members/:memberId',
    { schema: { tags, params: IdParams('id', 'memberId'), body: Body({ ...MemberFields, ...EditFields() }), summary: '修改家庭成员（须带 version）' } },
    (req) => updateMember(app.db, actorOf(req), Number(req.params.id), Number(req.params.memberId), req.body),
  );
}
