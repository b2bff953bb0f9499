import { createHash, randomBytes } from 'node:crypto';
import { isInSubtree } from '../../domain/region-code.ts';
import { DEPARTMENT_KIND_NAMES, DEPARTMENT_KINDS, type DepartmentKind } from '../../domain/roles.ts';
import { Check } from '../../domain/validation.ts';
import { insertApiToken, listApiTokens as listTokenRows, revokeApiToken as revokeTokenRow, useApiToken } from '../../store/api-tokens.ts';
import { appendAudit } from '../../store/audit.ts';
import { getRegion } from '../../store/regions.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { conflict, invalid, notFound, unprocessable } from '../errors.ts';

/**
 * API tokens for department systems (WRN-1): a credential like a password, so the security admin
 * issues and revokes them (三员分立); only the SHA-256 of the secret is kept (the secret has 256
 * random bits, so a plain hash is enough: nothing to guess), and it is shown once.
 */
export const TOKEN_PREFIX = 'jbt_';

export const tokenHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function issueApiToken(db: Db, actor: Actor, raw: unknown, today: string) {
  authorize(actor, 'api_token:manage');
  const c = new Check();
  const o = c.object('', raw, ['userId', 'name', 'regionCode', 'expiresOn']) ?? {};
  const userId = c.id('userId', o.userId, { required: true });
  const name = c.string('name', o.name, { required: true, max: 100 });
  const regionCode = c.string('regionCode', o.regionCode, { max: 12 });
  if (regionCode && !/^\d{12}$/.test(regionCode)) c.fail('regionCode', '区划代码应为12位数字');
  const expiresOn = c.date('expiresOn', o.expiresOn);
  if (expiresOn && expiresOn < today) c.fail('expiresOn', '有效期不能早于今天');
  if (!c.ok) throw invalid(c.errors);
  const user = await db.selectFrom('app_user').select(['id', 'username', 'role', 'department_kind', 'region_code', 'disabled']).where('id', '=', userId!).executeTakeFirst();
  if (!user) throw notFound('账号不存在');
  if (user.role !== 'department' || !user.department_kind || !(DEPARTMENT_KINDS as readonly string[]).includes(user.department_kind))
    throw unprocessable('userId', '只能为行业部门账号签发接口令牌');
  if (user.disabled) throw unprocessable('userId', '该账号已停用');
  const region = regionCode ?? user.region_code;
  if (!isInSubtree(user.region_code, region)) throw unprocessable('regionCode', '令牌的区划须在该部门账号的区划范围内');
  if (!(await getRegion(db, region))) throw invalid([{ path: 'regionCode', message: '区划代码不存在' }]);
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return inTransaction(db, async (trx) => {
    const row = await insertApiToken(trx, {
      userId: user.id, name: name!, tokenHash: tokenHash(secret), prefix: secret.slice(0, 10), departmentKind: user.department_kind!,
      regionCode: region, expiresOn, createdBy: actor.id,
    });
    await appendAudit(trx, {
      actor, action: 'api_token.issue', objectType: 'api_token', objectId: row.id,
      after: { userId: user.id, username: user.username, name, departmentKind: user.department_kind, regionCode: region, expiresOn, prefix: row.prefix },
    });
    return { ...tokenView({ ...row, username: user.username, display_name: '', region_name: null }), token: secret };
  });
}

type TokenRow = Awaited<ReturnType<typeof listTokenRows>>[number];

function tokenView(t: Omit<TokenRow, 'display_name' | 'region_name'> & { display_name?: string; region_name: string | null }) {
  return {
    id: Number(t.id), userId: Number(t.user_id), username: t.username, name: t.name, prefix: t.prefix, departmentKind: t.department_kind,
    departmentName: DEPARTMENT_KIND_NAMES[t.department_kind as DepartmentKind] ?? t.department_kind, regionCode: t.region_code, regionName: t.region_name,
    expiresOn: t.expires_on, createdAt: t.created_at, revokedAt: t.revoked_at, revokeReason: t.revoke_reason, lastUsedAt: t.last_used_at,
    useCount: Number(t.use_count), active: !t.revoked_at,
  };
}

export async function listApiTokens(db: Db, actor: Actor) {
  authorize(actor, 'api_token:manage');
  return { items: (await listTokenRows(db)).map(tokenView) };
}

export async function revokeApiToken(db: Db, actor: Actor, id: number, raw: unknown) {
  authorize(actor, 'api_token:manage');
  const c = new Check();
  const o = c.object('', raw, ['reason']) ?? {};
  const reason = c.string('reason', o.reason, { required: true, max: 500 });
  if (!c.ok) throw invalid(c.errors);
  return inTransaction(db, async (trx) => {
    const r = await revokeTokenRow(trx, id, actor.id, reason!);
    if (!r) {
      const exists = await trx.selectFrom('api_token').select('id').where('id', '=', id).executeTakeFirst();
      throw exists ? conflict('', '该令牌已经吊销') : notFound('令牌不存在');
    }
    await appendAudit(trx, { actor, action: 'api_token.revoke', objectType: 'api_token', objectId: id, reason, after: { userId: r.user_id, name: r.name } });
    return { id, revoked: true };
  });
}

/**
 * The actor a bearer token acts as: its department account, narrowed to the token's kind and
 * region. Null for anything but a live token of an enabled department account.
 */
export async function actorOfApiToken(db: Db, secret: string, today: string): Promise<(Actor & { tokenId: number }) | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
  const t = await useApiToken(db, tokenHash(secret), today);
  if (!t) return null;
  const u = await db.selectFrom('app_user').select(['id', 'username', 'display_name']).where('id', '=', Number(t.user_id)).executeTakeFirstOrThrow();
  return {
    id: u.id, username: u.username, displayName: u.display_name, role: 'department', departmentKind: t.department_kind as DepartmentKind,
    regionCode: t.region_code, tokenId: Number(t.id),
  };
}
