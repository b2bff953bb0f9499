import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resumeSession, type SessionUser } from '../app/auth/session.ts';
import { PENDING_STEP_MESSAGES, type PendingStep } from '../app/auth/sign-in-steps.ts';
import { AppError, forbidden, unauthenticated } from '../app/errors.ts';
import { actorOfApiToken } from '../app/security/api-tokens.ts';
import { appendAudit } from '../store/audit.ts';
import { inTransaction } from '../store/transaction.ts';
import { chinaDate } from '../domain/clock.ts';

export const SESSION_COOKIE = 'jb_sid';

const PUBLIC = new Set(['/api/v1/auth/login']);
/** The household self-report page (WRN-5) needs no account: its routes protect themselves (public.ts). */
export const PUBLIC_PREFIX = '/api/v1/public/';
const ALWAYS = ['/api/v1/auth/me', '/api/v1/auth/logout'];

/** The only routes a session may use while a sign-in step is pending (sign-in-steps.ts). */
const ALLOWED_WHILE: Record<PendingStep, Set<string>> = {
  second_factor: new Set([...ALWAYS, '/api/v1/auth/two-factor/verify']),
  change_password: new Set([...ALWAYS, '/api/v1/auth/password']),
  enrol_two_factor: new Set([...ALWAYS, '/api/v1/auth/password', '/api/v1/auth/two-factor', '/api/v1/auth/two-factor/enrol', '/api/v1/auth/two-factor/confirm']),
};

/** The routes a department system may call with its API token (WRN-1); nothing else. */
const TOKEN_ROUTES = new Set(['POST /api/v1/warnings', 'GET /api/v1/warnings', 'GET /api/v1/warnings/types']);

/** Resolves the session cookie on every API request; the routes get `req.actor` or a 401. */
export const sessionPlugin = fp<{ secureCookies: boolean }>(async (app, opts) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('apiTokenId', null);
  app.decorate('sessionCookieOptions', {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: opts.secureCookies,
    path: '/',
  });
  app.addHook('preHandler', async (req: FastifyRequest) => {
    const path = req.routeOptions.url ?? req.url;
    if (PUBLIC.has(path) || path.startsWith(PUBLIC_PREFIX)) return;
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && /^bearer\s/i.test(auth)) {
      const actor = await actorOfApiToken(app.db, auth.slice(7).trim(), chinaDate(app.now()));
      if (!actor) throw unauthenticated('接口令牌无效、已吊销或已过期');
      req.actor = { ...actor, mustChangePassword: false, sessionId: '', twoFactorEnabled: false, pending: null };
      req.apiTokenId = actor.tokenId;
      // Resolved first, so a call to another route is counted and audited like the rest.
      if (!TOKEN_ROUTES.has(`${req.method} ${path}`)) throw forbidden('接口令牌只能用于行业部门预警报送接口');
      return;
    }
    const user = await resumeSession(app.db, req.cookies[SESSION_COOKIE], app.now());
    if (!user) throw unauthenticated('未登录或会话已超时，请重新登录');
    if (user.pending && !ALLOWED_WHILE[user.pending].has(path)) throw new AppError(403, [{ path: '', message: PENDING_STEP_MESSAGES[user.pending] }]);
    req.actor = user;
  });
  // Every call made with a token is audited with its answer, whatever the route made of it.
  // (onSend: written before the answer leaves, so the caller never sees an unaudited answer).
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.apiTokenId || !req.actor) return payload;
    const actor = req.actor;
    await inTransaction(app.db, (trx) =>
      appendAudit(trx, {
        actor, action: 'api_token.call', objectType: 'api_token', objectId: req.apiTokenId,
        after: { method: req.method, route: req.routeOptions.url ?? req.url, status: reply.statusCode },
      }),
    ).catch((err) => req.log.error(err, '接口令牌调用未能记入审计日志'));
    return payload;
  });
});

export function actorOf(req: FastifyRequest): SessionUser {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}

export function setSessionCookie(app: { sessionCookieOptions: object }, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, app.sessionCookieOptions);
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: SessionUser | null;
    /** The API token the request was made with (null: a session). */
    apiTokenId: number | null;
  }
  interface FastifyInstance {
    sessionCookieOptions: { httpOnly: boolean; sameSite: 'strict'; secure: boolean; path: string };
  }
}
