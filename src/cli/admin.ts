/**
 * `npx jianbang admin …`: the server's command line is the only place where the three admin
 * accounts (system, security, audit admin) are made and rescued (SEC-5). Whoever runs it has the
 * server and its keys; the API never creates or grants these roles.
 *
 *   admin create --role security_admin --username sec1 --name 安全管理员 [--region 360000000000]
 *   admin reset-password --username sec1     a new one-time password (also lifts a lock)
 *   admin reset-2fa --username sec1          forget the authenticator: bind again at next sign-in
 *   admin unlock --username sec1
 *   admin list                               the admin accounts and their state
 *
 * On embedded PGlite the server must be stopped first (one process per data folder).
 */
import { bootstrap } from '../app/bootstrap.ts';
import { SYSTEM_ACTOR, type Actor } from '../app/actor.ts';
import { AppError } from '../app/errors.ts';
import { createAccount } from '../app/users/create-account.ts';
import { issueOneTimePassword } from '../app/users/reset-password.ts';
import { forgetSecondFactor } from '../app/security/reset-two-factor.ts';
import { liftLock } from '../app/security/unlock-user.ts';
import { regionPathOf } from '../app/users/views.ts';
import { ADMIN_ROLES, ROLE_NAMES, type Role } from '../domain/roles.ts';
import { databaseOptionsFromEnv, openDatabase, type Database } from '../store/connection.ts';
import type { Db } from '../store/transaction.ts';
import { findUserByUsername, listUserRows, type UserRow } from '../store/users.ts';

/** Who the audit log names for what the command line does. */
export const COMMAND_LINE_ACTOR: Actor = { ...SYSTEM_ACTOR, displayName: '服务器命令行' };

type Print = (line: string) => void;

const oneTimeNotice = (username: string, password: string, expiresAt: string, print: Print) => {
  print(`用户名：${username}`);
  print(`一次性密码（仅显示这一次）：${password}`);
  print(`有效期至 ${new Date(expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}，只能登录一次；登录后须修改密码并绑定身份验证器（双因素认证）。`);
};

function explain(e: unknown): Error {
  if (e instanceof AppError) return new Error(e.errors.map((x) => (x.path ? `${x.path}：${x.message}` : x.message)).join('；'));
  return e as Error;
}

async function account(db: Db, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user) throw new Error(`用户 ${username} 不存在`);
  return user;
}

export async function adminCreate(db: Db, o: { role: string; username: string; name: string; region?: string; reason?: string }, print: Print) {
  if (!(ADMIN_ROLES as readonly string[]).includes(o.role))
    throw new Error(`--role 应为 ${ADMIN_ROLES.join(' / ')} 之一；业务账号由系统管理员在网页“用户管理”中创建`);
  const created = await createAccount(
    db, COMMAND_LINE_ACTOR,
    { username: o.username, displayName: o.name, role: o.role, regionCode: o.region ?? '360000000000' },
    { reason: o.reason ?? '服务器命令行创建三员账号' },
  );
  print(`已创建${ROLE_NAMES[o.role as Role]}账号。`);
  oneTimeNotice(created.username, created.initialPassword, created.expiresAt!, print);
}

export async function adminResetPassword(db: Db, o: { username: string; reason?: string }, print: Print) {
  const user = await account(db, o.username);
  const r = await issueOneTimePassword(db, COMMAND_LINE_ACTOR, user, o.reason ?? '服务器命令行重置密码');
  print(`已重置 ${user.username} 的密码${r.endedSessions ? `，结束其${r.endedSessions}个会话` : ''}；锁定已解除。`);
  oneTimeNotice(r.username, r.initialPassword, r.expiresAt, print);
}

export async function adminResetTwoFactor(db: Db, o: { username: string; reason?: string }, print: Print) {
  const user = await account(db, o.username);
  if (!user.totp_enabled_at && !user.totp_pending_secret) throw new Error(`${user.username} 未绑定身份验证器`);
  const r = await forgetSecondFactor(db, COMMAND_LINE_ACTOR, user, o.reason ?? '服务器命令行重置双因素认证');
  print(`已重置 ${user.username} 的双因素认证${r.endedSessions ? `，结束其${r.endedSessions}个会话` : ''}；下次登录时重新绑定身份验证器。`);
}

export async function adminUnlock(db: Db, o: { username: string; reason?: string }, print: Print, now = new Date()) {
  const user = await account(db, o.username);
  if (!user.locked_until || new Date(user.locked_until) <= now) throw new Error(`${user.username} 未被锁定`);
  await liftLock(db, COMMAND_LINE_ACTOR, user, o.reason ?? '服务器命令行解除锁定');
  print(`已解除 ${user.username} 的锁定。`);
}

export async function adminList(db: Db, print: Print, now = new Date()) {
  const rows: Awaited<ReturnType<typeof listUserRows>>['rows'] = [];
  for (const role of ADMIN_ROLES) rows.push(...(await listUserRows(db, { scope: '%', role, now, limit: 1000, offset: 0 })).rows);
  if (!rows.length) return print('尚无三员账号（首次启动 npm start 会创建系统管理员 admin）');
  print(['用户名', '角色', '名称', '区划', '状态', '双因素认证'].join('\t'));
  for (const r of rows) {
    const state = [
      r.disabled ? '已停用' : '正常',
      r.locked_until && new Date(r.locked_until) > now ? '锁定中' : null,
      r.must_change_password ? (r.one_time_password_used_at ? '待改密码' : '一次性密码未使用') : null,
    ].filter(Boolean).join('、');
    print([r.username, ROLE_NAMES[r.role as Role], r.display_name, regionPathOf(r), state, r.totp_enabled_at ? '已绑定' : '未绑定'].join('\t'));
  }
}

/** Opens the configured database, brings it up to date and runs one admin command. */
export async function runAdmin(command: string, fn: (database: Database) => Promise<void>) {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: `admin ${command}` });
  try {
    const report = await bootstrap(database);
    if (report.firstAdmin) console.log(`（首次启动：已创建系统管理员 ${report.firstAdmin.username}，一次性密码：${report.firstAdmin.password}）`);
    await fn(database);
  } catch (e) {
    throw explain(e);
  } finally {
    await database.close();
  }
}
