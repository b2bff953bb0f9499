import type { FastifyInstance, FastifyRequest } from 'fastify';
import { login } from '../../app/auth/login.ts';
import { logout } from '../../app/auth/session.ts';
import { changePassword } from '../../app/auth/change-password.ts';
import { verifySecondFactor } from '../../app/auth/verify-second-factor.ts';
import { startTwoFactorEnrolment } from '../../app/auth/start-two-factor-enrolment.ts';
import { confirmTwoFactorEnrolment } from '../../app/auth/confirm-two-factor-enrolment.ts';
import { disableTwoFactor } from '../../app/auth/disable-two-factor.ts';
import { getTwoFactorStatus } from '../../app/auth/get-two-factor-status.ts';
import { renewRecoveryCodes } from '../../app/auth/renew-recovery-codes.ts';
import { getMe } from '../../app/auth/get-me.ts';
import { actorOf, SESSION_COOKIE, setSessionCookie } from '../session.ts';
import { Body, Optional, Text } from '../schemas.ts';

const tags = ['认证'];
const Password = (description: string) => Optional(Text(1000, description));
const Code = Optional(Text(20, '身份验证器中的6位动态口令'));
const RecoveryCode = Optional(Text(40, '恢复码（ABCD-EFGH-JKLM-NPQR）'));

/** Attempts on routes that check a secret, per session (or address without one), besides the account lockout. */
const perSession = (max: number) => ({
  rateLimit: { max, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => req.cookies?.[SESSION_COOKIE] ?? req.ip },
});

export async function authRoutes(app: FastifyInstance) {
  const ctx = (req: FastifyRequest) => ({ now: app.now(), ip: req.ip });

  app.post<{ Body: { username?: string; password?: string } }>(
    '/auth/login',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, summary: '登录（第一步：用户名与密码）', body: Body({ username: Optional(Text(200, '用户名（不区分大小写）')), password: Password('密码') }) },
    },
    async (req, reply) => {
      const body = req.body ?? {};
      const r = await login(app.db, { username: body.username ?? '', password: body.password ?? '', ip: req.ip, userAgent: req.headers['user-agent'] }, app.now());
      setSessionCookie(app, reply, r.token);
      return { mustChangePassword: r.mustChangePassword, next: r.next };
    },
  );

  app.post('/auth/logout', { schema: { tags, summary: '退出登录' } }, async (req, reply) => {
    await logout(app.db, req.cookies[SESSION_COOKIE]!, actorOf(req), req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/auth/me', { schema: { tags, summary: '当前用户与尚待完成的登录步骤（next）' } }, (req) => getMe(app.db, actorOf(req)));

  app.post(
    '/auth/password',
    { config: perSession(10), schema: { tags, summary: '修改本人密码（结束本账号的其他会话）', body: Body({ oldPassword: Password('原密码'), newPassword: Password('新密码') }) } },
    async (req) => {
      const r = await changePassword(app.db, actorOf(req), req.body, ctx(req));
      return { ok: true, ...r };
    },
  );

  app.post(
    '/auth/two-factor/verify',
    { config: perSession(10), schema: { tags, summary: '登录第二步：动态口令或恢复码', body: Body({ code: Code, recoveryCode: RecoveryCode }) } },
    (req) => verifySecondFactor(app.db, actorOf(req), req.body, ctx(req)),
  );

  app.get('/auth/two-factor', { schema: { tags, summary: '本人双因素认证状态' } }, (req) => getTwoFactorStatus(app.db, actorOf(req)));

  app.post('/auth/two-factor/enrol', { config: perSession(10), schema: { tags, summary: '开始绑定身份验证器：二维码与密钥文本' } }, (req) =>
    startTwoFactorEnrolment(app.db, actorOf(req)),
  );

  app.post(
    '/auth/two-factor/confirm',
    { config: perSession(10), schema: { tags, summary: '确认绑定：输入动态口令，返回10个恢复码（只显示一次）', body: Body({ code: Code }) } },
    (req) => confirmTwoFactorEnrolment(app.db, actorOf(req), req.body, ctx(req)),
  );

  app.post(
    '/auth/two-factor/disable',
    { config: perSession(10), schema: { tags, summary: '关闭本人双因素认证（安全策略不要求时）', body: Body({ password: Password('本人密码'), code: Code, recoveryCode: RecoveryCode }) } },
    (req) => disableTwoFactor(app.db, actorOf(req), req.body, ctx(req)),
  );

  app.post(
    '/auth/two-factor/recovery-codes',
    { config: perSession(10), schema: { tags, summary: '重新生成恢复码（旧恢复码作废）', body: Body({ code: Code }) } },
    (req) => renewRecoveryCodes(app.db, actorOf(req), req.body, ctx(req)),
  );
}
