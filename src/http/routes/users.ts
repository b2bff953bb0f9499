import type { FastifyInstance } from 'fastify';
import { createUser } from '../../app/users/create-user.ts';
import { listUsers } from '../../app/users/list-users.ts';
import { getUser } from '../../app/users/get-user.ts';
import { updateUser } from '../../app/users/update-user.ts';
import { disableUser } from '../../app/users/disable-user.ts';
import { enableUser } from '../../app/users/enable-user.ts';
import { resetPassword } from '../../app/users/reset-password.ts';
import { unlockUser } from '../../app/security/unlock-user.ts';
import { resetTwoFactor } from '../../app/security/reset-two-factor.ts';
import { ROLES } from '../../domain/roles.ts';
import { actorOf } from '../session.ts';
import { Body, Enum, IdParams, Optional, Page, PageSize, Query, Reason, RegionCode, Text, Type, Version } from '../schemas.ts';

type Id = { Params: { id: string } };
const tags = ['用户'];
const ReasonBody = Body({ reason: Optional(Reason()) });

export async function userRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>(
    '/users',
    {
      schema: {
        tags, summary: '用户列表（三员只读；本辖区；含区划名称与可执行的操作）',
        querystring: Query({
          q: Optional(Text(64, '用户名或姓名')), role: Optional(Enum(ROLES)), state: Optional(Enum(['active', 'disabled', 'locked', 'must_change'] as const)),
          page: Optional(Page()), pageSize: Optional(PageSize(200)),
        }),
      },
    },
    (req) => listUsers(app.db, actorOf(req), req.query, app.now()),
  );
  app.get<Id>('/users/:id', { schema: { tags, params: IdParams('id'), summary: '用户详情' } }, (req) => getUser(app.db, actorOf(req), Number(req.params.id), app.now()));
  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: '创建业务账号（系统管理员）；返回只显示一次的一次性初始密码。三员账号只能用服务器命令行创建',
        body: Body({
          username: Optional(Text(64)), displayName: Optional(Text(50)), role: Optional(Text(40)),
          departmentKind: Optional(Type.Union([Text(40), Type.Null()])), regionCode: Optional(RegionCode()), reason: Optional(Reason()),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await createUser(app.db, actorOf(req), req.body, { now: app.now() })),
  );
  app.patch<Id>(
    '/users/:id',
    { schema: { tags, params: IdParams('id'), summary: '修改业务账号的名称与所属区划（须带 version 与原因）', body: Body({ version: Optional(Version()), displayName: Optional(Text(50)), regionCode: Optional(RegionCode()), reason: Optional(Reason()) }) } },
    (req) => updateUser(app.db, actorOf(req), Number(req.params.id), req.body, app.now()),
  );
  const action = (path: string, summary: string, run: typeof disableUser) =>
    app.post<Id>(`/users/:id/${path}`, { schema: { tags, params: IdParams('id'), summary, body: ReasonBody } }, (req) =>
      run(app.db, actorOf(req), Number(req.params.id), req.body, app.now()),
    );
  action('disable', '停用业务账号（系统管理员；结束其会话）', disableUser);
  action('enable', '启用业务账号（系统管理员）', enableUser);
  action('unlock', '解除锁定（安全管理员）', unlockUser);
  action('reset-two-factor', '重置双因素认证（安全管理员；下次登录重新绑定）', resetTwoFactor);
  app.post<Id>(
    '/users/:id/reset-password',
    { schema: { tags, params: IdParams('id'), summary: '重置密码（系统管理员）：返回只显示一次的一次性密码，结束其会话', body: ReasonBody } },
    (req) => resetPassword(app.db, actorOf(req), Number(req.params.id), req.body, app.now()),
  );
}
