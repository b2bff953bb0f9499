import { BUSINESS_ROLES, isAdminRole } from '../../domain/roles.ts';
import type { Db } from '../../store/transaction.ts';
import { readPasswordPolicy } from '../../store/users.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { forbidden, invalid } from '../errors.ts';
import { readAccountFields } from './account-fields.ts';
import { createAccount, insertAccount, type CreatedUser } from './create-account.ts';
import { ADMIN_ACCOUNTS_BY_CLI, readReasonBody } from './managed-user.ts';
import { newOneTimePassword, oneTimePasswordColumns } from './one-time-password.ts';

export type { CreatedUser };

/**
 * The system admin creates a business account in their subtree (SEC-5). Nobody chooses another
 * person's password or waives the first-login change: the account gets a one-time password,
 * returned this once to its creator. The three admin roles are made by the command line only.
 *
 * `opts.skipAuthz` is the internal path (demo loader, first admin, tests): see `createAccount`.
 */
export async function createUser(db: Db, actor: Actor, raw: unknown, opts: { skipAuthz?: boolean; now?: Date } = {}): Promise<CreatedUser> {
  if (opts.skipAuthz) return createAccount(db, actor, raw, { now: opts.now });
  const now = opts.now ?? new Date();
  authorize(actor, 'user:manage');
  const { c, o, reason } = readReasonBody(raw, ['username', 'displayName', 'role', 'departmentKind', 'regionCode', 'password', 'mustChangePassword']);
  if (typeof o.role === 'string' && isAdminRole(o.role)) throw forbidden(`不能在这里创建或授予三员角色。${ADMIN_ACCOUNTS_BY_CLI.replace('…', `create --role ${o.role} --username 用户名 --name 名称`)}`);
  if (o.password !== undefined) c.fail('password', '不能为他人设定密码：系统生成一次性初始密码，只向创建者显示一次');
  if (o.mustChangePassword !== undefined && o.mustChangePassword !== true) c.fail('mustChangePassword', '不能免除首次登录修改密码：一次性初始密码登录后必须修改');
  const fields = await readAccountFields(db, c, o, BUSINESS_ROLES);
  if (!c.ok || !fields) throw invalid(c.errors);
  authorize(actor, 'user:manage', fields.regionCode);
  const otp = await newOneTimePassword(await readPasswordPolicy(db), now);
  const id = await insertAccount(db, actor, fields, oneTimePasswordColumns(otp), reason);
  return { id, username: fields.username, initialPassword: otp.password, expiresAt: otp.expiresAt.toISOString() };
}
