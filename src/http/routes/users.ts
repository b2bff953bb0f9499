import type { FastifyInstance } from 'fastify';
import { createUser } from '../../app/users/create-user.ts';
import { listUsers } from '../../app/users/list-users.ts';
import { actorOf } from '../session.ts';

export async function userRoutes(app: FastifyInstance) {
  app.get('/users', { schema: { tags: ['用户'], summary: '用户列表（系统管理员）' } }, (req) => listUsers(app.db, actorOf(req)));
  app.post('/users', { schema: { tags: ['用户'], summary: '创建用户（系统管理员）；返回一次性初始密码' } }, async (req, reply) =>
    reply.status(201).send(await createUser(app.db, actorOf(req), req.body)),
  );
}
