/**
 * Building blocks of the route schemas (TypeBox → JSON schema → OpenAPI at /api/docs and the
 * validation layer in validation.ts). A route declares its path parameters, every query
 * parameter and the top-level fields of its body; the use case still decides what each value
 * means and answers in Chinese naming the field.
 *
 * `x-message` gives a pattern or bound its Chinese message.
 */
import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

/** Ids are bigserial; JavaScript holds them exactly up to 2^53 − 1. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
export const INT4_MAX = 2_147_483_647;

export const Id = (description = '编号') => Type.Integer({ minimum: 1, maximum: MAX_ID, description, 'x-message': '编号超出范围' });

/** Path parameters `{ id }` (or other names), all positive integer ids. */
export const IdParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries((names.length ? names : ['id']).map((n) => [n, Id()])) as Record<K, ReturnType<typeof Id>>, {
    additionalProperties: false,
  });

export const Params = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });

/** Query parameters: only the declared ones, each at most once (validation.ts). */
export const Query = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });

/**
 * A JSON body: the declared top-level fields get their types checked here; unknown fields are
 * left to the use case, which names them ("未知字段（可能是拼写错误）") like every other problem.
 */
export const Body = <P extends TProperties>(props: P, description?: string): TObject<P> =>
  Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });

export const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const Enum = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const BoolText = (description?: string) => Enum(['true', 'false'] as const, description);

export const RegionCode = (description = '12位区划代码') =>
  Type.String({ pattern: '^[0-9]{12}$', description, 'x-message': '区划代码应为12位数字' });

export const IsoDate = (description = '日期 YYYY-MM-DD') =>
  Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description, 'x-message': '日期格式应为 YYYY-MM-DD' });

export const Page = () => Type.Integer({ minimum: 1, maximum: 100_000, description: '页码（从1开始）', 'x-message': '页码应为1-100000' });
export const PageSize = (max = 100) => Type.Integer({ minimum: 1, maximum: max, description: `每页条数（1-${max}）`, 'x-message': `每页条数应为1-${max}` });

export const Version = () => Type.Integer({ minimum: 1, maximum: INT4_MAX, description: '记录版本号（乐观并发，取自读取时的 version）' });

export const Reason = (max = 500) => Type.String({ minLength: 1, maxLength: max, description: '原因（记入审计日志）' });

export const Optional = <T extends TSchema>(s: T) => Type.Optional(s);
export { Type };
