import type { FastifyInstance } from 'fastify';
import { getDataKeyStatus } from '../../app/security/get-data-key-status.ts';
import { startDataKeyRotation } from '../../app/security/rotate-data-key.ts';
import { actorOf } from '../session.ts';
import { Body, Reason } from '../schemas.ts';

/** Data keys of the encryption at rest (SEC-7): status and the in-server rotation, security admin only. */
export async function dataKeyRoutes(app: FastifyInstance) {
  const tags = ['安全'];
  app.get('/security/data-key', { schema: { tags, summary: '数据加密密钥：各密钥加密的数据量与轮换进度（安全管理员）' } }, (req) =>
    getDataKeyStatus(app.db, actorOf(req)),
  );
  app.post(
    '/security/data-key/rotate',
    { schema: { tags, summary: '轮换数据加密密钥：启用新密钥并在后台重新加密全部数据（安全管理员，须填原因）', body: Body({ reason: Reason() }) } },
    async (req, reply) => reply.status(202).send(await startDataKeyRotation(app.db, actorOf(req), req.body)),
  );
}
