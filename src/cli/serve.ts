import { isIP } from 'node:net';
import { bootstrap } from '../app/bootstrap.ts';
import { dispatchMessages, logOnlySender } from '../app/intake/household-messages.ts';
import { startDeadlineScheduler } from '../app/deadlines/run-deadline-scheduler.ts';
import { buildServer, type ServerOptions } from '../http/server.ts';
import { databaseOptionsFromEnv, openDatabase } from '../store/connection.ts';
import { checkpointAudit } from '../store/audit.ts';

export async function serve(o: { port?: string; demo?: boolean }) {
  const started = Date.now();
  const options = databaseOptionsFromEnv();
  console.log(options.url ? '数据库：PostgreSQL 服务器（DATABASE_URL）' : `数据库：内嵌 PGlite，数据目录 ${options.dataDir}`);
  const database = await openDatabase({ ...options, command: 'serve' });
  const report = await bootstrap(database, (m) => console.log(m));
  if (report.firstAdmin) {
    console.log('');
    console.log('================ 首次启动 ================');
    console.log(`系统管理员账号：${report.firstAdmin.username}`);
    console.log(`一次性密码（仅显示这一次）：${report.firstAdmin.password}`);
    console.log('只能登录一次，72小时内有效；登录后须修改密码并绑定身份验证器（双因素认证）。');
    console.log('遗失或过期：停止服务后运行 npx jianbang admin reset-password --username admin');
    console.log('==========================================');
    console.log('');
  }
  if (o.demo) {
    const { loadDemo } = await import('./demo.ts');
    await loadDemo(database, { seed: 1, households: 3000, county: '360731' });
  }
  const http = httpOptionsFromEnv();
  if (typeof http.trustProxy === 'number')
    console.warn(`按跳数（${http.trustProxy}）信任反向代理：本服务须只能经代理访问（HOST=127.0.0.1 或防火墙），否则客户端可伪造 X-Forwarded-For；建议改填代理地址`);
  const app = await buildServer({ db: database.db, logger: process.env.JIANBANG_LOG === '1', ...http, messageSender: logOnlySender() });
  const port = Number(o.port ?? process.env.PORT ?? 3000);
  await app.listen({ port, host: process.env.HOST ?? '0.0.0.0' });
  // Deadlines are marked due soon / overdue at start and every hour; the last good run is recorded (PRC-7).
  const stopScheduler = startDeadlineScheduler(database.db, () => new Date(), (msg, err) => console.error(msg, err));
  // Messages to households leave every minute through the configured sender (GRN-3; log-only here).
  const messages = setInterval(() => {
    dispatchMessages(database.db, app.messageSender).catch((err) => console.error('发送告知消息失败，将在下次重试', err));
  }, 60_000);
  messages.unref();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopScheduler();
    clearInterval(messages);
    await app.close();
    // The audit head and a signed checkpoint at stop: the next verify can tell what happened while it was down.
    await checkpointAudit(database.db, 'stop').catch((e) => console.error('写入审计检查点失败：', e));
    await database.close();
    process.exit(0);
  };
  // Before the announcement: whoever reacts to it by stopping the server gets a clean stop.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const address = app.server.address();
  const listening = address && typeof address === 'object' ? address.port : port; // PORT=0 picks a free port
  console.log(`监帮已启动：http://localhost:${listening}  （API 文档 /api/docs，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
}

/**
 * Deployment settings of the HTTP layer (docs/security.md):
 * - `JIANBANG_SECURE_COOKIES=1`: the session cookie gets `Secure` (the site is served over HTTPS);
 * - `JIANBANG_TRUST_PROXY`: the reverse proxy in front — a hop count (`1`), addresses or CIDRs
 *   (`127.0.0.1,10.0.0.0/8`), or `loopback`; then the client address and `X-Forwarded-Proto`
 *   come from the proxy's headers (rate limits, login log);
 * - `JIANBANG_ALLOWED_ORIGINS`: other origins allowed to send state-changing requests.
 */
export function httpOptionsFromEnv(env = process.env): Pick<ServerOptions, 'secureCookies' | 'trustProxy' | 'allowedOrigins'> {
  const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const proxy = env.JIANBANG_TRUST_PROXY?.trim();
  const proxies = !proxy || proxy === 'false' || proxy === '0' || /^\d+$/.test(proxy) ? [] : list(proxy);
  // A typo would otherwise stop the server with proxy-addr's English error, or trust nobody.
  const bad = proxies.filter((p) => !PROXY_NAMES.has(p) && !isIP(p.replace(/\/\d+$/, '')));
  if (bad.length) throw new Error(`JIANBANG_TRUST_PROXY 无效：${bad.join(', ')}（应为跳数、IP 地址或网段，如 127.0.0.1,10.0.0.0/8，或 loopback）`);
  return {
    secureCookies: env.JIANBANG_SECURE_COOKIES === '1' || env.JIANBANG_SECURE_COOKIES === 'true',
    trustProxy: !proxy || proxy === 'false' || proxy === '0' ? false : /^\d+$/.test(proxy) ? Number(proxy) : proxies,
    allowedOrigins: list(env.JIANBANG_ALLOWED_ORIGINS),
  };
}

/** proxy-addr's named address ranges. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
