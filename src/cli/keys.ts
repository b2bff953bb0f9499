/**
 * `npx jianbang keys status|rotate|retire`: the data keys of the encryption at rest (SEC-7), for
 * the operator on the server. On an embedded folder a running server holds the lock; then the
 * rotation is done inside the server (security page, or POST /api/v1/security/data-key/rotate).
 */
import { userInfo } from 'node:os';
import { bootstrap } from '../app/bootstrap.ts';
import { SYSTEM_ACTOR, type Actor } from '../app/actor.ts';
import { AppError } from '../app/errors.ts';
import { getDataKeyStatus } from '../app/security/get-data-key-status.ts';
import { retireUnusedDataKeys } from '../app/security/retire-data-keys.ts';
import { runDataKeyRotation } from '../app/security/rotate-data-key.ts';
import { databaseOptionsFromEnv, openDatabase, type Database } from '../store/connection.ts';
import { DataDirLockedError } from '../store/data-dir.ts';

export type KeysAction = 'status' | 'rotate' | 'retire';

export interface KeysCommandOptions {
  batch?: string;
  reason?: string;
}

interface Output {
  log: (line: string) => void;
  error: (line: string) => void;
}

/** Who the audit log names for a command run on the server. */
function operator(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    /* no passwd entry (container) */
  }
  return { ...SYSTEM_ACTOR, displayName: `命令行（操作系统用户 ${name}）` };
}

const LOCKED = (action: KeysAction) =>
  `数据目录正被运行中的监帮服务使用，另一个进程不能打开内嵌数据库。` +
  (action === 'rotate'
    ? '请由安全管理员在网页“安全设置”的“数据加密密钥”中轮换（或调用 POST /api/v1/security/data-key/rotate），服务不停机；'
    : action === 'status'
      ? '请由安全管理员在网页“安全设置”的“数据加密密钥”中查看（或调用 GET /api/v1/security/data-key）；'
      : '') +
  '或先停止服务（在运行 npm start 的终端按 Ctrl+C）再运行本命令。';

/** Runs one `keys` subcommand; returns the exit code. */
export async function keysCommand(action: KeysAction, o: KeysCommandOptions = {}, env = process.env, out: Output = console): Promise<number> {
  const batchSize = o.batch === undefined ? 1000 : Number(o.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    out.error('--batch 应为 1 到 5000 之间的整数');
    return 2;
  }
  let database: Database;
  try {
    database = await openDatabase({ ...databaseOptionsFromEnv(env), command: `keys ${action}` });
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      out.error(LOCKED(action));
      return 1;
    }
    throw e;
  }
  try {
    const boot = await bootstrap(database, out.log);
    // A fresh database gets its first admin here; its one-time password must not be lost.
    if (boot.firstAdmin) out.log(`首次启动：系统管理员 ${boot.firstAdmin.username}，初始密码（仅显示这一次）${boot.firstAdmin.password}`);
    // No other process can open an embedded folder this one holds: nobody to wait for.
    const graceMs = database.kind === 'pglite' ? 0 : undefined;
    if (action === 'status') await printStatus(database, out);
    else if (action === 'rotate') {
      const started = Date.now();
      const report = await runDataKeyRotation(database.db, operator(), o.reason?.trim() || '运维人员在服务器命令行轮换数据密钥', {
        batchSize,
        graceMs,
        onProgress: (p) => {
          if (p.pass === 0) out.log(`新数据密钥 ${p.newKeyId} 已启用；需重新加密 ${p.total} 行`);
          else out.log(`第 ${p.pass} 遍：已重新加密 ${p.done} / ${p.total} 行${p.total ? `（${Math.min(100, Math.round((p.done / p.total) * 100))}%）` : ''}`);
        },
      });
      out.log(`密钥轮换完成：${report.reencrypted} 行已改用密钥 ${report.newKeyId}（${report.passes} 遍，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
      out.log('旧密钥仍保留在密钥文件中；确认无误后可运行 npx jianbang keys retire 删除不再使用的旧密钥。');
    } else {
      const { removed, current } = await retireUnusedDataKeys(database.db, operator(), { skipAuthz: true, graceMs });
      out.log(removed.length ? `已从密钥文件删除旧密钥：${removed.join('、')}；当前密钥 ${current}` : `没有可删除的旧密钥；当前密钥 ${current}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      out.error(e.errors.map((x) => x.message).join('；'));
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}

async function printStatus(database: Database, out: Output) {
  const s = await getDataKeyStatus(database.db, SYSTEM_ACTOR, { skipAuthz: true });
  out.log(`密钥文件：${s.keyDir ?? '（内存，仅本进程）'}`);
  out.log('数据密钥              创建时间                   加密的值');
  for (const k of s.keys) out.log(`${k.id.padEnd(20)}  ${(k.createdAt ?? '—').padEnd(25)}  ${String(k.values).padStart(8)}${k.current ? '  当前' : k.values === 0 ? '  可退役' : ''}`);
  for (const k of s.missingKeys) out.log(`${k.id.padEnd(20)}  缺少该密钥！               ${String(k.values).padStart(8)}`);
  if (s.plaintextValues) out.log(`尚未加密的值：${s.plaintextValues}（下次启动时加密）`);
  for (const c of s.columns) out.log(`  ${c.table}.${c.column}: ${Object.entries(c.byKey).map(([k, n]) => `${k} ${n}`).join('，') || '无数据'}`);
}
