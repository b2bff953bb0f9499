import { appendAudit } from '../../store/audit.ts';
import { contextOf, KEY_CHECK_INTERVAL_MS, reloadKeys } from '../../store/context.ts';
import { retireDataKeys } from '../../store/keys.ts';
import { inTransaction, type Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { conflict } from '../errors.ts';
import { getDataKeyStatus } from './get-data-key-status.ts';
import { dataKeyRotationJob } from './rotate-data-key.ts';

/**
 * Rotation, last step: removes from keys.json the old data keys no sealed value uses any more, so
 * a stolen copy of the file no longer opens anything. Refused while any row still needs an old
 * key, while a rotation runs, and in the first seconds of a new current key (another process may
 * not have switched to it yet and could still seal with the old one).
 *
 * A backup taken before the rotation needs the retired keys: keep a copy of the old keys.json
 * with such backups (docs/security.md).
 */
export async function retireUnusedDataKeys(db: Db, actor: Actor, opts: { skipAuthz?: boolean; graceMs?: number } = {}) {
  if (!opts.skipAuthz) authorize(actor, 'security:manage');
  const context = contextOf(db);
  if (!context.keyDir) throw conflict('', '该数据库的密钥只在内存中，没有可退役的密钥文件');
  if (dataKeyRotationJob(db)?.state === 'running') throw conflict('', '密钥轮换正在进行中，完成后才能退役旧密钥');
  reloadKeys(context);
  const status = await getDataKeyStatus(db, actor, { skipAuthz: true });
  const current = status.keys.find((k) => k.current)!;
  const graceMs = opts.graceMs ?? 3 * KEY_CHECK_INTERVAL_MS;
  if (current.createdAt && Date.now() - Date.parse(current.createdAt) < graceMs)
    throw conflict('', `当前密钥 ${current.id} 刚刚启用，请 ${Math.ceil(graceMs / 1000)} 秒后再退役旧密钥`);
  const inUse = status.keys.filter((k) => !k.current && k.values > 0);
  if (inUse.length)
    throw conflict('', `旧密钥仍在使用：${inUse.map((k) => `${k.id}（${k.values} 个值）`).join('、')}。请先运行 npx jianbang keys rotate 完成重新加密`);
  if (status.plaintextValues) throw conflict('', `仍有 ${status.plaintextValues} 个值未加密：请先重新启动服务完成存量数据加密`);
  // The file's own current key is kept too, should another process have just added one.
  const removed = retireDataKeys(context.keyDir, new Set([current.id]));
  reloadKeys(context);
  if (removed.length)
    await inTransaction(db, (trx) =>
      appendAudit(trx, { actor, action: 'data_key.retire', objectType: 'data_key', objectId: current.id, after: { removed, current: current.id } }),
    );
  return { removed, current: current.id };
}
