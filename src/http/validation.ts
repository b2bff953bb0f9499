/**
 * The one validation layer every API request passes through: params, querystring and body of
 * every route under /api/v1, before any handler runs.
 *
 * 1. Input hygiene, whatever the route: no NUL or other control characters in any string or key,
 *    no string longer than MAX_STRING_LENGTH, no nesting deeper than MAX_DEPTH, no array longer
 *    than MAX_ARRAY_LENGTH, and no repeated query parameter the route does not declare as a list.
 * 2. The route's JSON schema (TypeBox, `schemas.ts`): path ids are integers in range, query
 *    parameters have their declared types and bounds and no unknown ones, body fields their types.
 *
 * Every failure is a 400 (404 for a path parameter: the path names no record) with
 * `{ errors: [{ path, message }] }` in Chinese, naming the field as the
 * use cases do (`members[0].idNumber`). The use cases still check the meaning of each field
 * (GB 11643 check digit, dates in order …); this layer makes sure nothing malformed reaches them
 * or the database, so no input can end in a 500.
 *
 * `onRoute` gives every API route a schema for each part it lacks (no query parameters, a JSON
 * object as body) so the layer covers routes that declare nothing, and a route with path
 * parameters but no params schema is refused at start-up. The one exception is the body of an
 * upload route (`config: { upload: true }`): it is the file, streamed by upload.ts.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { AppError } from '../app/errors.ts';
import type { FieldError } from '../domain/validation.ts';
import { SEALED_PREFIX } from '../store/sealed.ts';

export const MAX_STRING_LENGTH = 10_000;
export const MAX_DEPTH = 16;
export const MAX_ARRAY_LENGTH = 10_000;

type Part = 'params' | 'querystring' | 'body' | 'headers';

// Query strings and path parameters arrive as text: coerce to the declared type. JSON bodies
// already carry types: a string where a number belongs is an error, not a conversion.
// `format: 'date'` documents a body date (DateField); the use case checks it with its own message.
const ajvOptions = {
  allErrors: true, strict: false, verbose: true, useDefaults: true, removeAdditional: false, allowUnionTypes: true, formats: { date: true },
} as const;
const coercing = new Ajv({ ...ajvOptions, coerceTypes: true });
const exact = new Ajv({ ...ajvOptions, coerceTypes: false });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** `['members', 0, 'idNumber']` → `members[0].idNumber`. */
function joinPath(parts: (string | number)[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

function stringProblem(s: string): string | null {
  if (CONTROL.test(s)) return '不能包含空字符（\\0）或其他控制字符';
  // Stored text with this prefix would be taken for a sealed value when read (store/sealed.ts).
  if (s.startsWith(SEALED_PREFIX)) return `不能以系统保留的 ${SEALED_PREFIX} 开头`;
  if (s.length > MAX_STRING_LENGTH) return `过长：不能超过${MAX_STRING_LENGTH}个字符`;
  return null;
}

/**
 * Hygiene of one request part, walked iteratively (a hostile body may be nested far deeper than
 * the call stack). Stops at the first problem of each kind it meets; one is enough to refuse.
 */
export function inputProblems(value: unknown, listKeys: ReadonlySet<string> = new Set(), part: Part = 'body'): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length && errors.length < 20) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) errors.push({ path: joinPath(path), message: problem });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (path.length >= MAX_DEPTH) {
      errors.push({ path: joinPath(path), message: `嵌套层级过深：不能超过${MAX_DEPTH}层` });
      continue;
    }
    if (Array.isArray(v)) {
      if (part === 'querystring' && path.length === 1 && !listKeys.has(String(path[0]))) {
        errors.push({ path: joinPath(path), message: '参数不能重复出现：只能给一个值' });
        continue;
      }
      if (v.length > MAX_ARRAY_LENGTH) {
        errors.push({ path: joinPath(path), message: `列表过长：不能超过${MAX_ARRAY_LENGTH}项` });
        continue;
      }
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      continue;
    }
    for (const k of Object.keys(v)) {
      const keyProblem = stringProblem(k);
      if (keyProblem) {
        errors.push({ path: joinPath(path), message: `字段名${keyProblem}` });
        continue;
      }
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
  return errors;
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本', integer: '整数', number: '数字', boolean: 'true 或 false', object: '对象', array: '列表', null: '空',
};

function ajvMessage(e: ErrorObject, part: Part): string {
  const p = e.params as Record<string, any>;
  const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  switch (e.keyword) {
    case 'type': {
      const types: string[] = Array.isArray(p.type) ? p.type : String(p.type).split(',');
      if (Array.isArray(e.data) && part === 'querystring') return '参数不能重复出现：只能给一个值';
      // "or null" is how an empty input is allowed, not a type worth telling the user.
      const named = types.length > 1 ? types.filter((t) => t !== 'null') : types;
      const names = named.map((t) => TYPE_NAMES[t] ?? t).join('或');
      return /^[a-z]/.test(names) ? `应为 ${names}` : `应为${names}`;
    }
    case 'required':
      return '必填';
    case 'additionalProperties':
      return part === 'querystring' ? '未知参数（可能是拼写错误）' : '未知字段（可能是拼写错误）';
    case 'enum':
      return `取值应为 ${(p.allowedValues as unknown[]).join(' / ')} 之一`;
    case 'const':
      return `取值应为 ${String(p.allowedValue)}`;
    case 'maxLength':
      return `不能超过${p.limit}个字符`;
    case 'minLength':
      return p.limit === 1 ? '必填' : `不能少于${p.limit}个字符`;
    case 'minimum':
    case 'exclusiveMinimum':
      return typeof custom === 'string' ? custom : `不能小于${e.keyword === 'minimum' ? p.limit : `或等于${p.limit}`}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return typeof custom === 'string' ? custom : `不能大于${e.keyword === 'maximum' ? p.limit : `或等于${p.limit}`}`;
    case 'maxItems':
      return `最多${p.limit}项`;
    case 'minItems':
      return `至少${p.limit}项`;
    case 'pattern':
    case 'format':
      return typeof custom === 'string' ? custom : '格式不正确';
    case 'multipleOf':
      return `应为${p.multipleOf}的整数倍`;
    default:
      return typeof custom === 'string' ? custom : '取值不符合要求';
  }
}

/** `/members/0/idNumber` → `members[0].idNumber`; a missing or unknown field at its own path. */
function ajvPath(e: ErrorObject): string {
  const parts: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') parts.push(String(p.missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String(p.additionalProperty));
  return joinPath(parts);
}

export function formatAjvErrors(errors: readonly ErrorObject[], part: Part): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    // anyOf/oneOf repeat their branches' errors; the branch errors say more.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const err = { path: ajvPath(e), message: ajvMessage(e, part) };
    const key = `${err.path}\u0000${err.message}`;
    if (!seen.has(key)) out.push(err), seen.add(key);
  }
  return out.length ? out : [{ path: '', message: '请求参数不符合要求' }];
}

/** Query parameters a schema declares as lists (only these may repeat). */
function listKeysOf(schema: any): Set<string> {
  const keys = new Set<string>();
  for (const [k, s] of Object.entries<any>(schema?.properties ?? {})) if (s?.type === 'array') keys.add(k);
  return keys;
}

/** Fastify validator compiler: hygiene, then the schema; a failure is an AppError(400). */
function compile({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  const part = (httpPart ?? 'body') as Part;
  const ajv = part === 'body' ? exact : coercing;
  const check: ValidateFunction = ajv.compile(schema as object);
  const lists = listKeysOf(schema);
  // A path that names no possible record (`/households/abc`, `/households/1e30`) is a resource
  // that does not exist: 404, still saying which part of the path is wrong.
  const status = part === 'params' ? 404 : 400;
  return (data: unknown) => {
    const problems = inputProblems(data, lists, part);
    if (problems.length) return { error: new AppError(status, problems) };
    if (check(data)) return { value: data };
    return { error: new AppError(status, formatAjvErrors(check.errors ?? [], part)) };
  };
}

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;
/** Every API body is a JSON object; a route wanting anything else says so (`POST /assessments`). */
const OBJECT_BODY = { type: 'object' } as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const apiRoutes = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** The API routes the layer has seen (the fuzz test checks that none escapes the OpenAPI document). */
export function registeredApiRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return apiRoutes.get(app) ?? [];
}

/** Gives API routes the schemas they lack, and refuses a route with unvalidated path parameters. */
function completeSchema(route: RouteOptions, seen: { method: string; url: string }[]) {
  if (!route.url.startsWith('/api/v1/')) return;
  const schema: FastifySchema = (route.schema ??= {});
  schema.querystring ??= NO_QUERY;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // An upload route's body is the file itself (upload.ts), streamed to disk and checked by content.
  const upload = (route.config as { upload?: boolean } | undefined)?.upload === true;
  if (upload && schema.body) throw new Error(`上传路由 ${methods.join(',')} ${route.url} 不能再声明 body 模式`);
  if (!upload && methods.some((m) => BODY_METHODS.has(m))) schema.body ??= OBJECT_BODY;
  if (/[:*]/.test(route.url) && !schema.params)
    throw new Error(`路由 ${methods.join(',')} ${route.url} 有路径参数却没有 params 模式（src/http/schemas.ts）`);
  for (const method of methods) if (method !== 'HEAD') seen.push({ method, url: route.url });
}

export function registerValidation(app: FastifyInstance) {
  const seen: { method: string; url: string }[] = [];
  apiRoutes.set(app, seen);
  app.setValidatorCompiler(compile);
  app.addHook('onRoute', (route) => completeSchema(route, seen));
  // A request without a body is an empty object (what `api.post` sends), so a bodiless POST is not
  // refused as "not an object" while a JSON `null` still is.
  app.addHook('preValidation', async (req) => {
    if ((req.routeOptions.config as { upload?: boolean } | undefined)?.upload) return;
    if (req.body === undefined && BODY_METHODS.has(req.method)) req.body = {};
  });
}
