import { logOnlySender, type MessageSender } from '../app/intake/household-messages.ts';
import { intakeRoutes } from './routes/intake.ts';
import { hotlineRoutes } from './routes/hotline.ts';
import { publicRoutes } from './routes/public.ts';
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
import { sessionPlugin } from './session.ts';
import { registerValidation } from './validation.ts';
import { registerRequestGuards, sendError } from './guards.ts';
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
import { dataKeyRoutes } from './routes/keys.ts';
import { securityRoutes } from './routes/security.ts';
import { importRoutes } from './routes/imports.ts';
import { exchangeRoutes } from './routes/exchange.ts';

export interface ServerOptions {
  db: Db;
  logger?: boolean;
  /** Serve the built web UI from this folder (default web/dist when it exists). */
  webRoot?: string | null;
  /** Mark cookies Secure (behind HTTPS; `JIANBANG_SECURE_COOKIES=1`). */
  secureCookies?: boolean;
  /**
   * Fastify's `trustProxy` (`JIANBANG_TRUST_PROXY`): the reverse proxy's address(es) or hop
   * count, so rate limits and the login log see the client behind it and `X-Forwarded-Proto`
   * counts. Never `true` on a server reachable without the proxy.
   */
  trustProxy?: boolean | number | string | string[];
  /** Origins besides the server's own that may send state-changing requests (`JIANBANG_ALLOWED_ORIGINS`). */
  allowedOrigins?: string[];
  /** Clock for sessions and deadlines; tests move it. */
  now?: () => Date;
  /** Sends messages to households (GRN-3); default: the log-only sender. */
  messageSender?: MessageSender;
}

/**
 * Fastify 5 takes a hop count as "trust nothing" (it cannot check the peer is the proxy), so a
 * count is given as the function proxy-addr used to make of it: the n nearest hops are trusted.
 * Only safe when the server can be reached through the proxy alone (docs/security.md).
 */
function trustProxyOption(tp: ServerOptions['trustProxy']): boolean | string | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof tp === 'number') return (_addr, hop) => hop < tp;
  return tp ?? false;
}

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: 'info', redact: ['req.headers.cookie', 'req.body.password'] } : false,
    bodyLimit: 5 * 1024 * 1024,
    trustProxy: trustProxyOption(opts.trustProxy),
    // A malformed URL (bad percent-encoding) is answered like every other bad input.
    frameworkErrors: (err, _req, reply) => sendError(reply, err),
  });
  // Every route's params, query and body pass one validation layer (validation.ts); the use
  // cases then check each field's meaning with Chinese messages naming the path.
  registerValidation(app);
  registerRequestGuards(app, { allowedOrigins: opts.allowedOrigins ?? [] });
  app.decorate('db', opts.db);
  app.decorate('now', opts.now ?? (() => new Date()));
  app.decorate('messageSender', opts.messageSender ?? logOnlySender((line) => app.log.info(line)));

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

  app.setErrorHandler((err, req, reply) => sendError(reply, err, req.log));

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
      await api.register(dataKeyRoutes);
      await api.register(securityRoutes);
      await api.register(importRoutes);
      await api.register(exchangeRoutes);
      await api.register(intakeRoutes);
      await api.register(hotlineRoutes);
      await api.register(publicRoutes);
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
    messageSender: MessageSender;
  }
}
