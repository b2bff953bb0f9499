import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../store/transaction.ts';
import { AppError } from '../app/errors.ts';
import { sessionPlugin } from './session.ts';
import { authRoutes } from './routes/auth.ts';
import { regionRoutes } from './routes/regions.ts';
import { householdRoutes } from './routes/households.ts';
import { userRoutes } from './routes/users.ts';
import { auditRoutes } from './routes/audit.ts';
import { householdRecordRoutes } from './routes/household-records.ts';
import { assessmentRoutes, simulationRoutes } from './routes/assessments.ts';
import { assistanceRoutes } from './routes/assistance.ts';
import { memberChangeRoutes } from './routes/member-changes.ts';
import { caseRoutes } from './routes/cases.ts';

export interface ServerOptions {
  db: Db;
  logger?: boolean;
  /** Serve the built web UI from this folder (default web/dist when it exists). */
  webRoot?: string | null;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies?: boolean;
  /** Clock for sessions and deadlines; tests move it. */
  now?: () => Date;
}

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: 'info', redact: ['req.headers.cookie', 'req.body.password'] } : false,
    bodyLimit: 5 * 1024 * 1024,
  });
  // Bodies are validated by the use cases, field by field, with Chinese messages naming the path.
  app.setValidatorCompiler(() => () => true);
  app.decorate('db', opts.db);
  app.decorate('now', opts.now ?? (() => new Date()));

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // antd injects its styles at run time
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: { info: { title: '监帮 Jianbang API', version: '1' }, components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'jb_sid' } } } },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((err: any, req, reply) => {
    if (err instanceof AppError) return reply.status(err.status).send({ errors: err.errors });
    if (err?.code === '23505') return reply.status(409).send({ errors: [{ path: '', message: '记录重复，可能已被他人登记' }] });
    if (err?.code === '40001' || err?.code === '40P01')
      return reply.status(409).send({ errors: [{ path: '', message: '并发冲突，请重试' }] });
    if (err?.statusCode === 429) return reply.status(429).send({ errors: [{ path: '', message: '请求过于频繁，请稍后再试' }] });
    if (err?.statusCode && err.statusCode < 500)
      return reply.status(err.statusCode).send({ errors: [{ path: '', message: err.message }] });
    req.log.error(err);
    return reply.status(500).send({ errors: [{ path: '', message: '服务器内部错误' }] });
  });

  await app.register(
    async (api) => {
      await api.register(sessionPlugin, { secureCookies: !!opts.secureCookies });
      await api.register(authRoutes);
      await api.register(regionRoutes);
      await api.register(householdRoutes);
      await api.register(userRoutes);
      await api.register(auditRoutes);
      await api.register(householdRecordRoutes);
      await api.register(assessmentRoutes);
      await api.register(simulationRoutes);
      await api.register(assistanceRoutes);
      await api.register(memberChangeRoutes);
      await api.register(caseRoutes);
      api.setNotFoundHandler((_req, reply) => reply.status(404).send({ errors: [{ path: '', message: '接口不存在' }] }));
    },
    { prefix: '/api/v1' },
  );

  const webRoot = opts.webRoot === undefined ? DEFAULT_WEB_ROOT : opts.webRoot;
  if (webRoot && existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false });
    // Client-side routes: any non-API GET falls back to the single page.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.status(404).send({ errors: [{ path: '', message: '接口不存在' }] });
    });
  } else {
    app.get('/', async () => ({ name: '监帮 Jianbang', message: '前端尚未构建：运行 npm run build:web' }));
  }
  app.get('/healthz', async () => ({ ok: true }));
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    now: () => Date;
  }
}
