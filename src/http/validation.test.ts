import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { inputProblems, MAX_ARRAY_LENGTH, MAX_DEPTH, MAX_STRING_LENGTH, registerValidation, registeredApiRoutes } from './validation.ts';
import { sendError } from './guards.ts';
import { Body, Bool, Id, IdParams, Int, IsoDate, List, Maybe, NoBody, OrNull, Page, Query, Text, Version } from './schemas.ts';

/** A tree `depth` levels deep, built without recursion. */
function nested(depth: number, wrap: (inner: unknown) => unknown) {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

describe('input hygiene (every part of every request)', () => {
  it('walks 100,000 levels of nesting without recursion and stops at the depth limit', () => {
    const objects = nested(100_000, (a) => ({ a }));
    const lists = nested(100_000, (a) => [a]);
    expect(() => inputProblems(objects)).not.toThrow();
    expect(inputProblems(objects)).toEqual([{ path: 'a'.repeat(1) + '.a'.repeat(MAX_DEPTH - 1), message: `嵌套层级过深：不能超过${MAX_DEPTH}层` }]);
    expect(inputProblems(lists)).toEqual([{ path: '[0]'.repeat(MAX_DEPTH), message: `嵌套层级过深：不能超过${MAX_DEPTH}层` }]);
  });

  it('refuses NUL and control characters in values and in keys, naming where', () => {
    expect(inputProblems({ members: [{ name: 'a\u0000b' }] })).toEqual([{ path: 'members[0].name', message: '不能包含空字符（\\0）或其他控制字符' }]);
    expect(inputProblems({ household: { 'x\u0007': 1 } })).toEqual([{ path: 'household', message: '字段名不能包含空字符（\\0）或其他控制字符' }]);
    // Line breaks and tabs are ordinary text (a note of several lines).
    expect(inputProblems({ note: '第一行\n第二行\t完' })).toEqual([]);
  });

  it('bounds strings and lists', () => {
    expect(inputProblems({ note: 'x'.repeat(MAX_STRING_LENGTH + 1) })).toEqual([{ path: 'note', message: `过长：不能超过${MAX_STRING_LENGTH}个字符` }]);
    expect(inputProblems({ note: 'x'.repeat(MAX_STRING_LENGTH) })).toEqual([]);
    expect(inputProblems({ ids: new Array(MAX_ARRAY_LENGTH + 1).fill(1) })).toEqual([{ path: 'ids', message: `列表过长：不能超过${MAX_ARRAY_LENGTH}项` }]);
  });

  it('refuses a repeated query parameter unless the route declares a list', () => {
    expect(inputProblems({ q: ['a', 'b'] }, new Set(), 'querystring')).toEqual([{ path: 'q', message: '参数不能重复出现：只能给一个值' }]);
    expect(inputProblems({ ids: ['1', '2'] }, new Set(['ids']), 'querystring')).toEqual([]);
  });
});

async function app() {
  const a = Fastify();
  registerValidation(a);
  a.setErrorHandler((err, _req, reply) => sendError(reply, err));
  await a.register(
    async (api) => {
      api.post('/things', {
        schema: {
          body: Body({
            name: Maybe(Text(5)), count: Maybe(Int()), on: Maybe(IsoDate()), version: Maybe(Version()), ok: Maybe(Bool()),
            members: Maybe(List(Body({ idNumber: Maybe(Text(18)), grade: Maybe(Int('等级')) }), 3)),
          }),
        },
      }, async (req) => ({ body: req.body }));
      api.get('/things/:id', { schema: { params: IdParams('id'), querystring: Query({ page: Maybe(Page()), id: Maybe(OrNull(Id())) }) } }, async (req) => ({ params: req.params, query: req.query }));
      api.post('/things/:id/run', { schema: { params: IdParams('id'), body: NoBody() } }, async (req) => ({ body: req.body }));
      api.post('/untyped', async (req) => ({ body: req.body }));
    },
    { prefix: '/api/v1' },
  );
  await a.ready();
  return a;
}

describe('the schema layer (Ajv, messages in Chinese)', () => {
  it('names each bad body field by its path, nested ones as members[0].idNumber', async () => {
    const a = await app();
    const res = await a.inject({
      method: 'POST', url: '/api/v1/things',
      payload: { name: 'toolong', count: 2 ** 31, on: '0000-01-01', version: 2 ** 31 - 1, ok: 'yes', members: [{ idNumber: 360731, grade: 1.5 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'name', message: '不能超过5个字符' },
      { path: 'count', message: '不能大于2147483647' },
      { path: 'on', message: '日期格式应为 YYYY-MM-DD（1900–2100年）' },
      { path: 'version', message: '版本号超出范围，请刷新后重试' },
      { path: 'ok', message: '应为 true 或 false' },
      { path: 'members[0].idNumber', message: '应为文本' },
      { path: 'members[0].grade', message: '应为整数' },
    ]);
    await a.close();
  });

  it('takes null for an empty input, and leaves unknown fields and meaning to the use case', async () => {
    const a = await app();
    const res = await a.inject({ method: 'POST', url: '/api/v1/things', payload: { name: null, count: null, members: [{ grade: 9 }], extra: 1 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().body).toEqual({ name: null, count: null, members: [{ grade: 9 }], extra: 1 });
    await a.close();
  });

  it('a body is a JSON object: arrays, strings and null are refused; no body at all is an empty object', async () => {
    const a = await app();
    for (const payload of ['[]', '"x"', '42', 'null']) {
      const res = await a.inject({ method: 'POST', url: '/api/v1/untyped', payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json()).toEqual({ errors: [{ path: '', message: '应为对象' }] });
    }
    expect((await a.inject({ method: 'POST', url: '/api/v1/untyped' })).json()).toEqual({ body: {} });
    expect((await a.inject({ method: 'POST', url: '/api/v1/things/1/run' })).json()).toEqual({ body: {} });
    const extra = await a.inject({ method: 'POST', url: '/api/v1/things/1/run', payload: { a: 1 } });
    expect(extra.json()).toEqual({ errors: [{ path: 'a', message: '未知字段（可能是拼写错误）' }] });
    await a.close();
  });

  it('path ids that name no record are 404; query values are coerced, bounded and never repeated', async () => {
    const a = await app();
    for (const id of ['abc', '0', '1.5', '1e30', '99999999999999999999']) {
      const res = await a.inject({ method: 'GET', url: `/api/v1/things/${id}` });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().errors[0].path).toBe('id');
    }
    expect((await a.inject({ method: 'GET', url: '/api/v1/things/7?page=2' })).json()).toEqual({ params: { id: 7 }, query: { page: 2 } });
    expect((await a.inject({ method: 'GET', url: '/api/v1/things/7?page=1e308' })).json()).toEqual({ errors: [{ path: 'page', message: '页码应为1-100000' }] });
    expect((await a.inject({ method: 'GET', url: '/api/v1/things/7?page=1&page=2' })).json()).toEqual({ errors: [{ path: 'page', message: '参数不能重复出现：只能给一个值' }] });
    expect((await a.inject({ method: 'GET', url: '/api/v1/things/7?pg=1' })).json()).toEqual({ errors: [{ path: 'pg', message: '未知参数（可能是拼写错误）' }] });
    await a.close();
  });

  it('refuses at start-up a route with path parameters but no params schema, and lists the routes it saw', async () => {
    const a = Fastify();
    registerValidation(a);
    expect(() => a.get('/api/v1/loose/:id', async () => ({}))).toThrow('路由 GET /api/v1/loose/:id 有路径参数却没有 params 模式');
    await a.close();
    const b = await app();
    expect(registeredApiRoutes(b).map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/v1/things', 'GET /api/v1/things/:id', 'POST /api/v1/things/:id/run', 'POST /api/v1/untyped',
    ]);
    await b.close();
  });
});
