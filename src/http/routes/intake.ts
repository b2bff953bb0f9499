import type { FastifyInstance } from 'fastify';
import { chinaDate } from '../../domain/clock.ts';
import { RISK_TYPES } from '../../policy/types.ts';
import { NO_RISK_REASONS, TASK_OUTCOMES } from '../../domain/verification-task.ts';
import { WARNING_TYPE_CODES } from '../../domain/warnings.ts';
import { dispatchMessages, listHouseholdMessages } from '../../app/intake/household-messages.ts';
import { listDepartmentWarnings, warningTypes, type WarningListQuery } from '../../app/intake/list-warnings.ts';
import { getVerificationTask, listVerificationTasks, type TaskListQuery } from '../../app/intake/list-tasks.ts';
import { recordTaskOutcome } from '../../app/intake/record-task-outcome.ts';
import { locateQueuedWarning, rejectQueuedWarning } from '../../app/intake/resolve-queued-warning.ts';
import { MAX_WARNINGS_PER_REQUEST, submitWarnings } from '../../app/intake/submit-warnings.ts';
import { warningPrecision } from '../../app/intake/warning-precision.ts';
import { issueApiToken, listApiTokens, revokeApiToken } from '../../app/security/api-tokens.ts';
import { authorize } from '../../app/authz.ts';
import { actorOf } from '../session.ts';
import { Body, BoolText, DateField, Id, IdParams, IsoDate, List, Maybe, NoBody, Optional, Page, PageSize, Query, Text, Version, Word } from '../schemas.ts';

const tags = ['预警与核实任务'];
type P = { Params: { id: string } };

const WarningItem = Body({
  type: Maybe(Word(WARNING_TYPE_CODES, '预警类型（须属本部门类别）')),
  name: Maybe(Text(50, '预警对象姓名')),
  idNumber: Maybe(Text(20, '身份证号（用于匹配）')),
  warnedOn: Maybe(DateField('预警日期（线索日期，Q42 的15天由此起算）')),
  detail: Maybe(Text(500, '预警内容')),
  sourceRef: Maybe(Text(100, '部门系统中的编号（同一部门不能重复）')),
  regionCode: Maybe(Text(12, '所在区划代码（不填为账号或令牌的区划）')),
});

/** Intake (WRN-1, WRN-6, GRN-3): department warnings, verification tasks, API tokens, the message queue. */
export async function intakeRoutes(app: FastifyInstance) {
  const today = () => chinaDate(app.now());

  app.post('/warnings', {
    schema: {
      tags, summary: `报送行业部门预警（网页或部门系统；部门系统用接口令牌：Authorization: Bearer jbt_…；一次最多${MAX_WARNINGS_PER_REQUEST}条，全部通过才写入）`,
      body: Body({ warnings: Maybe(List(WarningItem, MAX_WARNINGS_PER_REQUEST, '预警列表')) }),
    },
  }, async (req, reply) =>
    reply.status(201).send(await submitWarnings(app.db, actorOf(req), req.body, today(), { channel: req.apiTokenId ? 'api' : 'page', tokenId: req.apiTokenId })),
  );
  app.get<{ Querystring: WarningListQuery }>('/warnings', {
    schema: { tags, summary: '预警列表与计数（部门：本部门；县级 queue=pending：未在监测系统登记的待查队列）', querystring: Query({ outcome: Optional(Word(['task', 'merged', 'unknown'])), queue: Optional(Word(['pending', 'located', 'rejected'])), page: Optional(Page()), pageSize: Optional(PageSize(200)) }) },
  }, (req) => listDepartmentWarnings(app.db, actorOf(req), req.query));
  app.get('/warnings/types', { schema: { tags, summary: '本部门可报送的预警类型' } }, (req) => warningTypes(actorOf(req)));
  app.get<{ Querystring: { from?: string; to?: string } }>('/warnings/precision', {
    schema: { tags, summary: '预警精准度（WRN-6）：按部门类别统计期间内的预警、合并、未登记、无风险、启动识别、认定户数、办结天数中位数', querystring: Query({ from: Optional(IsoDate()), to: Optional(IsoDate()) }) },
  }, (req) => warningPrecision(app.db, actorOf(req), req.query, today()));
  app.post<P>('/warnings/:id/locate', {
    schema: { tags, summary: '县级待查队列：找到该人员所在农户，生成核实任务', params: IdParams('id'), body: Body({ version: Maybe(Version()), householdId: Maybe(Id('农户编号')) }) },
  }, (req) => locateQueuedWarning(app.db, actorOf(req), Number(req.params.id), req.body, today()));
  app.post<P>('/warnings/:id/reject', {
    schema: { tags, summary: '县级待查队列：退回（须说明原因）', params: IdParams('id'), body: Body({ version: Maybe(Version()), reason: Maybe(Text(500, '退回原因')) }) },
  }, (req) => rejectQueuedWarning(app.db, actorOf(req), Number(req.params.id), req.body, today()));

  app.get<{ Querystring: TaskListQuery }>('/verification-tasks', {
    schema: { tags, summary: '核实任务（待核实在前，按期限排序）', querystring: Query({ state: Optional(Word(['open', 'closed'])), overdue: Optional(BoolText()), householdId: Optional(Id()), page: Optional(Page()), pageSize: Optional(PageSize(200)) }) },
  }, (req) => listVerificationTasks(app.db, actorOf(req), req.query, today()));
  app.get<P>('/verification-tasks/:id', { schema: { tags, summary: '核实任务详情（合并的预警、可选的核实结论）', params: IdParams('id') } }, (req) =>
    getVerificationTask(app.db, actorOf(req), Number(req.params.id), today()),
  );
  app.post<P>('/verification-tasks/:id/outcome', {
    schema: {
      tags, summary: '登记入户核实结果：无风险 / 发现风险启动识别 / 已是监测对象登记新增风险（须带 version）', params: IdParams('id'),
      body: Body({
        version: Maybe(Version()), outcome: Maybe(Word(TASK_OUTCOMES, '核实结论')), visitedOn: Maybe(DateField('入户核实日期')), visitors: Maybe(Text(200, '核实人员')),
        findings: Maybe(Text(2000, '核实情况')), reasonCode: Maybe(Word(Object.keys(NO_RISK_REASONS), '无风险的原因')), reason: Maybe(Text(1000, '原因说明')),
        riskType: Maybe(Word(RISK_TYPES, '新增风险类型')), householdId: Maybe(Id('核实的农户（举报未指明登记人员时）')),
      }),
    },
  }, (req) => recordTaskOutcome(app.db, actorOf(req), Number(req.params.id), req.body, today()));

  app.get('/api-tokens', { schema: { tags: ['安全管理'], summary: '行业部门接口令牌（只显示前缀）' } }, (req) => listApiTokens(app.db, actorOf(req)));
  app.post('/api-tokens', {
    schema: { tags: ['安全管理'], summary: '为行业部门账号签发接口令牌（令牌只显示这一次）', body: Body({ userId: Maybe(Id('部门账号')), name: Maybe(Text(100, '用途（如：医保系统推送）')), regionCode: Maybe(Text(12, '限定区划（不填为账号区划）')), expiresOn: Maybe(DateField('有效期至')) }) },
  }, async (req, reply) => reply.status(201).send(await issueApiToken(app.db, actorOf(req), req.body, today())));
  app.post<P>('/api-tokens/:id/revoke', {
    schema: { tags: ['安全管理'], summary: '吊销接口令牌', params: IdParams('id'), body: Body({ reason: Maybe(Text(500, '吊销原因')) }) },
  }, (req) => revokeApiToken(app.db, actorOf(req), Number(req.params.id), req.body));

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>('/household-messages', {
    schema: { tags: ['告知农户'], summary: '告知农户的消息队列（GRN-3）', querystring: Query({ status: Optional(Word(['queued', 'sent', 'failed', 'undeliverable'])), page: Optional(Page()), pageSize: Optional(PageSize(200)) }) },
  }, (req) => listHouseholdMessages(app.db, actorOf(req), req.query));
  app.post('/household-messages/dispatch', { schema: { tags: ['告知农户'], summary: '立即发送待发送的消息（县级及以上、系统管理员）', body: NoBody() } }, async (req) => {
    authorize(actorOf(req), 'message:send');
    return dispatchMessages(app.db, app.messageSender);
  });
}
