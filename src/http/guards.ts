/**
 * What every request meets before a route (and every error on its way out):
 *
 * - bodies only as `application/json` (no `text/plain`, which a cross-site form can send);
 * - a state-changing request from a browser must come from our own origin (`Origin`,
 *   `Sec-Fetch-Site`); requests without those headers (curl, another system) are not browsers;
 * - API responses carry personal data: `Cache-Control: no-store`;
 * - errors leave in one shape, `{ errors: [{ path, message }] }`, in Chinese, with the HTTP
 *   status they mean — never a stack, an English framework message or a 500 for bad input.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../app/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Fastify's own client errors, in Chinese. */
const FRAMEWORK_MESSAGES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, '不支持的请求体格式：只接受 application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, '请求体过大：不能超过 5 MB'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, '请求体为空：声明为 application/json 时须提供 JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, '请求体不是有效的 JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, '请求头 Content-Length 与请求体长度不符'],
  FST_ERR_BAD_URL: [400, '网址无效：路径中有不能识别的编码'],
  // A path segment longer than any id or code names no record.
  FST_ERR_MAX_PARAM_LENGTH: [404, '路径参数过长：没有这样的记录'],
  FST_ERR_INVALID_URL: [400, '网址无效'],
  FST_ERR_ASYNC_CONSTRAINT: [400, '请求无效'],
};

/**
 * PostgreSQL refusing a value is a validation gap, not a server fault: answered 400/409 and
 * counted, so the fuzz test can require that it never happens (validation.ts should have said no).
 */
const DATABASE_REFUSALS: [RegExp, number, string][] = [
  [/^23505$/, 409, '记录重复，可能已被他人登记'],
  [/^(40001|40P01)$/, 409, '并发冲突，请重试'],
  [/^23503$/, 400, '引用的记录不存在'],
  [/^23502$/, 400, '缺少必填数据'],
  [/^23514$/, 400, '数据不符合约束条件'],
  [/^22/, 400, '输入的数据格式不正确或超出允许范围'],
  [/^54000$/, 400, '输入内容过长'],
];

export const databaseRefusals = { count: 0 };

export function sendError(reply: FastifyReply, err: any, log?: FastifyBaseLogger) {
  if (err instanceof AppError) return reply.status(err.status).send({ errors: err.errors });
  const framework = err?.code ? FRAMEWORK_MESSAGES[err.code] : undefined;
  if (framework) return reply.status(framework[0]).send({ errors: [{ path: '', message: framework[1] }] });
  if (err instanceof SyntaxError || err?.name === 'SyntaxError')
    return reply.status(400).send({ errors: [{ path: '', message: '请求体不是有效的 JSON' }] });
  if (typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) {
    const hit = DATABASE_REFUSALS.find(([re]) => re.test(err.code));
    if (hit) {
      // Uniqueness and serialisation conflicts are expected under concurrency; the rest are gaps.
      if (hit[1] !== 409) {
        databaseRefusals.count++;
        log?.warn({ code: err.code, detail: err.message }, '数据库拒绝了未经校验的输入');
      }
      return reply.status(hit[1]).send({ errors: [{ path: '', message: hit[2] }] });
    }
  }
  if (err?.statusCode === 429) return reply.status(429).send({ errors: [{ path: '', message: '请求过于频繁，请稍后再试' }] });
  if (err?.statusCode === 404) return reply.status(404).send({ errors: [{ path: '', message: '接口不存在' }] });
  if (err?.statusCode >= 400 && err.statusCode < 500) {
    log?.warn({ code: err.code, detail: err.message }, '请求被拒绝');
    return reply.status(err.statusCode).send({ errors: [{ path: '', message: '请求无效' }] });
  }
  (log ?? console).error(err);
  return reply.status(500).send({ errors: [{ path: '', message: '服务器内部错误' }] });
}

/**
 * `scheme://host[:port]` as a browser writes it (no default port, lower case), or null for
 * `null` and anything else that is not an origin: `http://localhost` is `http://localhost:80`.
 */
function normalOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function registerRequestGuards(app: FastifyInstance, opts: { allowedOrigins: string[] }) {
  // Fastify parses text/plain by default; a cross-site <form> can post it without a preflight.
  app.removeContentTypeParser('text/plain');

  const allowed = new Set(opts.allowedOrigins.map(normalOrigin));
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method)) return;
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new AppError(403, [{ path: '', message: '拒绝跨站请求' }]);
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const from = normalOrigin(origin);
    if (from === null || (from !== normalOrigin(`${req.protocol}://${req.host}`) && !allowed.has(from)))
      throw new AppError(403, [{ path: '', message: `拒绝跨站请求：来源 ${origin.slice(0, 100)} 不是本系统` }]);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    return payload;
  });
}
