import type { FastifyInstance } from 'fastify';
import { login } from '../../app/auth/login.ts';
import { logout } from '../../app/auth/session.ts';
import { changePassword } from '../../app/auth/change-password.ts';
import { ROLE_NAMES, DEPARTMENT_KIND_NAMES, type DepartmentKind } from '../../domain/roles.ts';
import { getRegion } from '../../store/regions.ts';
import { actorOf, SESSION_COOKIE, setSessionCookie } from '../session.ts';

export async function authRoutes(app: FastifyInstance) {
  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags: ['认证'], summary: '登录', body: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { username?: string; password?: string };
      const r = await login(app.db, { username: body.username ?? '', password: body.password ?? '', ip: req.ip, userAgent: req.headers['user-agent'] }, app.now());
      setSessionCookie(app, reply, r.token);
      return { mustChangePassword: r.mustChangePassword };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['认证'], summary: '退出登录' } }, async (req, reply) => {
    await logout(app.db, req.cookies[SESSION_COOKIE]!, actorOf(req));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/auth/me', { schema: { tags: ['认证'], summary: '当前用户' } }, async (req) => {
    const a = actorOf(req);
    const region = await getRegion(app.db, a.regionCode);
    return {
      id: a.id, username: a.username, displayName: a.displayName, role: a.role, roleName: ROLE_NAMES[a.role],
      departmentKind: a.departmentKind, departmentKindName: a.departmentKind ? DEPARTMENT_KIND_NAMES[a.departmentKind as DepartmentKind] : null,
      regionCode: a.regionCode, regionName: region?.name ?? null, regionLevel: region?.level ?? null,
      mustChangePassword: a.mustChangePassword,
    };
  });

  app.post('/auth/password', { schema: { tags: ['认证'], summary: '修改密码' } }, async (req) => {
    await changePassword(app.db, actorOf(req), (req.body ?? {}) as object);
    return { ok: true };
  });
}
