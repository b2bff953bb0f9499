import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resumeSession, type SessionUser } from '../app/auth/session.ts';
import { PENDING_STEP_MESSAGES, type PendingStep } from '../app/auth/sign-in-steps.ts';
import { AppError, unauthenticated } from '../app/errors.ts';

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

/** Resolves the session cookie on every API request; the routes get `req.actor` or a 401. */
export const sessionPlugin = fp<{ secureCookies: boolean }>(async (app, opts) => {
  app.decorateRequest('actor', null);
  app.decorate('sessionCookieOptions', {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: opts.secureCookies,
    path: '/',
  });
  app.addHook('preHandler', async (req: FastifyRequest) => {
    const path = req.routeOptions.url ?? req.url;
    if (PUBLIC.has(path) || path.startsWith(PUBLIC_PREFIX)) return;
    const user = await resumeSession(app.db, req.cookies[SESSION_COOKIE], app.now());
    if (!user) throw unauthenticated('未登录或会话已超时，请重新登录');
    if (user.pending && !ALLOWED_WHILE[user.pending].has(path)) throw new AppError(403, [{ path: '', message: PENDING_STEP_MESSAGES[user.pending] }]);
    req.actor = user;
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
  }
  interface FastifyInstance {
    sessionCookieOptions: { httpOnly: boolean; sameSite: 'strict'; secure: boolean; path: string };
  }
}
