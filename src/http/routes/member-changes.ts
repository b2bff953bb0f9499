import type { FastifyInstance } from 'fastify';
import { chinaDate } from '../../domain/clock.ts';
import { recordMemberChange } from '../../app/member-changes/record-member-change.ts';
import { listHouseholdMemberChanges } from '../../app/member-changes/list-household-member-changes.ts';
import { listMemberChanges, type MemberChangeListQuery } from '../../app/member-changes/list-member-changes.ts';
import { openYearlyUpdates } from '../../app/yearly-update/open-yearly-updates.ts';
import { completeYearlyUpdate } from '../../app/yearly-update/complete-yearly-update.ts';
import { listYearlyUpdates, type YearlyUpdateListQuery } from '../../app/yearly-update/list-yearly-updates.ts';
import { actorOf } from '../session.ts';
import { exportQuery, sendExport } from '../export-reply.ts';
import { exportMemberChanges } from '../../app/exports/export-member-changes.ts';
import { exportYearlyUpdates } from '../../app/exports/export-yearly-updates.ts';
import { CHANGE_DIRECTIONS, DECREASE_REASONS, EVIDENCE_TYPES, INCREASE_REASONS } from '../../domain/member-change.ts';
import { Body, BoolText, DateField, Id, IdParams, INT4_MAX, INT4_MIN, Maybe, Optional, Page, PageSize, Params, Query, RegionCode, RegionField, Text, Type, Version, Word } from '../schemas.ts';
import { MemberFields } from './households.ts';

/** A natural member change (checkMemberChange in src/domain/member-change.ts, Q20). */
const MemberChangeBody = Body({
  direction: Maybe(Word(CHANGE_DIRECTIONS, '增加或减少')),
  reason: Maybe(Word([...INCREASE_REASONS, ...DECREASE_REASONS], '变更原因')),
  evidenceType: Maybe(Word(EVIDENCE_TYPES, '佐证材料类型')),
  evidenceRef: Maybe(Text(100, '佐证材料编号')),
  eventDate: Maybe(DateField('变更日期')),
  note: Maybe(Text(500, '备注')),
  member: Maybe(Body(MemberFields, '新增成员（自然增加）')),
  memberId: Maybe(Id('减少的成员（自然减少）')),
});
/** A year as a number or 4 digits (checkYear says which years may be opened, Q48). */
const Year = () => Type.Unsafe<number | string>({ type: ['integer', 'string'], minimum: INT4_MIN, maximum: INT4_MAX, maxLength: 10, description: '年度，如 2024' });

type Id = { Params: { id: string } };
const MemberChangeListParams = Query({ regionCode: Optional(RegionCode()), overdue: Optional(BoolText()), direction: Optional(Text(10, 'increase | decrease')), page: Optional(Page()), pageSize: Optional(PageSize(100)) });
const YearlyUpdateListParams = Query({ year: Optional(Text(4, '年度')), status: Optional(Text(10, 'pending | done')), regionCode: Optional(RegionCode()), page: Optional(Page()), pageSize: Optional(PageSize(100)) });

/** Natural member changes (REG-5, Q20) and the yearly basic-information update (REG-6, Q48). */
export async function memberChangeRoutes(app: FastifyInstance) {
  const today = () => chinaDate(app.now());
  const tags = ['人口自然增减'];
  app.post<Id>('/households/:id/member-changes', { schema: { tags, params: IdParams('id'), body: MemberChangeBody, summary: '登记人口自然增加或减少（附佐证材料，Q20）' } }, async (req, reply) =>
    reply.status(201).send(await recordMemberChange(app.db, actorOf(req), Number(req.params.id), req.body, today())),
  );
  app.get<Id>('/households/:id/member-changes', { schema: { tags, params: IdParams('id'), summary: '本户人口自然增减记录' } }, (req) =>
    listHouseholdMemberChanges(app.db, actorOf(req), Number(req.params.id)),
  );
  app.get<{ Querystring: MemberChangeListQuery }>('/member-changes', { schema: { tags, querystring: MemberChangeListParams, summary: '本辖区人口自然增减（overdue=true：超过3个月才登记的）' } }, (req) =>
    listMemberChanges(app.db, actorOf(req), req.query),
  );
  app.get<{ Querystring: MemberChangeListQuery }>('/member-changes/export.xlsx', { schema: { tags, querystring: exportQuery(MemberChangeListParams), summary: '导出人口自然增减（XLSX，筛选条件同列表）' } }, async (req, reply) =>
    sendExport(reply, await exportMemberChanges(app.db, actorOf(req), req.query), app.now()),
  );

  const yearly = ['年度基础信息更新'];
  app.post('/yearly-updates', { schema: { tags: yearly, body: Body({ year: Maybe(Year()), regionCode: Maybe(RegionField('只开启该区划（默认本辖区）')) }), summary: '为本辖区监测对象（含已消除风险的）开启年度信息更新任务（Q48）' } }, (req) =>
    openYearlyUpdates(app.db, actorOf(req), req.body, today()),
  );
  app.get<{ Querystring: YearlyUpdateListQuery }>('/yearly-updates', { schema: { tags: yearly, querystring: YearlyUpdateListParams, summary: '年度信息更新任务（year、status、regionCode）' } }, (req) =>
    listYearlyUpdates(app.db, actorOf(req), req.query, today()),
  );
  app.get<{ Querystring: YearlyUpdateListQuery }>('/yearly-updates/export.xlsx', { schema: { tags: yearly, querystring: exportQuery(YearlyUpdateListParams), summary: '导出年度信息更新任务（XLSX，筛选条件同列表）' } }, async (req, reply) =>
    sendExport(reply, await exportYearlyUpdates(app.db, actorOf(req), req.query, today()), app.now()),
  );
  app.post<{ Params: { id: string; year: string } }>(
    '/households/:id/yearly-updates/:year/done',
    { schema: { tags: yearly, params: Params({ id: Id(), year: Type.Integer({ minimum: 1, maximum: 9999, description: '年度' }) }), body: Body({ version: Maybe(Version()), note: Maybe(Text(500, '备注')) }), summary: '标记本户年度信息已更新（须带 version）' } },
    (req) => completeYearlyUpdate(app.db, actorOf(req), Number(req.params.id), Number(req.params.year), req.body, today()),
  );
}
