/**
 * Building blocks of the route schemas (TypeBox → JSON schema → OpenAPI at /api/docs and the
 * validation layer in validation.ts). A route declares its path parameters, every query
 * parameter and the fields of its body with their types and bounds; the use case still decides
 * what each value means and answers in Chinese naming the field.
 *
 * Body fields say what *shape* a value has — its type, the length of a text, the bounds of an
 * integer (int4, ids), the size of a list — never that it is required, which words it may be or
 * what format a date or code has: those are the use case's (`Check`), which reports every problem
 * of a form at once with its own messages; a type error is the only one the schema answers first.
 * So body fields also take `null` (`Maybe`), which the web sends for an empty input, and body
 * dates and region codes are `DateField` / `RegionField` (format documented, checked by the use
 * case), while query parameters use the enforcing `IsoDate` / `RegionCode`.
 *
 * `x-message` gives a pattern or bound its Chinese message.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { INT4_MAX, INT4_MIN, MAX_ID } from '../domain/validation.ts';

export { INT4_MAX, INT4_MIN, MAX_ID };

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
 * A JSON body: the declared fields get their types checked here; unknown fields are left to the
 * use case, which names them ("未知字段（可能是拼写错误）") like every other problem.
 */
export const Body = <P extends TProperties>(props: P, description?: string): TObject<P> =>
  Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });

/** A route that takes no body: nothing, or an empty JSON object (what the web's `api.post` sends). */
export const NoBody = () => Type.Object({}, { additionalProperties: false, description: '无请求体（或空对象 {}）' });

export const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const Enum = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/**
 * A text field holding one of `values`. The use case checks which (its message lists them), so the
 * bound here is only against junk: a long wrong word must get that message, not "too long".
 */
export const Word = (values: readonly string[], description?: string) =>
  Text(100, `${description ? `${description}：` : ''}${values.join(' | ')}`);

export const BoolText = (description?: string) => Enum(['true', 'false'] as const, description);

export const RegionCode = (description = '12位区划代码') =>
  Type.String({ pattern: '^[0-9]{12}$', description, 'x-message': '区划代码应为12位数字' });

/** YYYY-MM-DD in 1900–2100 (the use cases check the day exists; PostgreSQL refuses year 0). */
export const ISO_DATE_PATTERN = '^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
export const IsoDate = (description = '日期 YYYY-MM-DD') =>
  Type.String({ pattern: ISO_DATE_PATTERN, description, 'x-message': '日期格式应为 YYYY-MM-DD（1900–2100年）' });

/** A body date: text of a date's length; the use case checks it (Check.date: a real day, 1900–2100). */
export const DateField = (description = '日期') => Type.String({ maxLength: 10, format: 'date', description: `${description}（YYYY-MM-DD）` });

/** A body region code: text of a code's length; the use case checks it names a region (level, existence). */
export const RegionField = (description = '区划') => Type.String({ maxLength: 12, description: `${description}（12位区划代码）` });

/** An integer column (int4), unless the field says it holds less. */
export const Int = (description?: string, o: { minimum?: number; maximum?: number } = {}) =>
  Type.Integer({ minimum: o.minimum ?? INT4_MIN, maximum: o.maximum ?? INT4_MAX, ...(description ? { description } : {}) });

export const Num = (description?: string) => Type.Number(description ? { description } : {});
export const Bool = (description?: string) => Type.Boolean(description ? { description } : {});

/** A list of at most `maxItems` entries. */
export const List = <T extends TSchema>(items: T, maxItems: number, description?: string) =>
  Type.Array(items, { maxItems, ...(description ? { description } : {}) });

export const Page = () => Type.Integer({ minimum: 1, maximum: 100_000, description: '页码（从1开始）', 'x-message': '页码应为1-100000' });
export const PageSize = (max = 100) => Type.Integer({ minimum: 1, maximum: max, description: `每页条数（1-${max}）`, 'x-message': `每页条数应为1-${max}` });

/** A record's version: the use case stores version + 1, which must still fit int4. */
export const Version = () =>
  Type.Integer({ minimum: 1, maximum: INT4_MAX - 1, description: '记录版本号（乐观并发，取自读取时的 version）', 'x-message': '版本号超出范围，请刷新后重试' });

export const Reason = (max = 500) => Type.String({ minLength: 1, maxLength: max, description: '原因（记入审计日志）' });

export const Optional = <T extends TSchema>(s: T) => Type.Optional(s);

/** The field's type, or `null` (an empty input). */
export const OrNull = <T extends TSchema>(s: T): TUnsafe<Static<T> | null> => {
  const type = (s as { type?: string | string[] }).type;
  if (!type) throw new Error('OrNull 需要带 type 的模式');
  const types = Array.isArray(type) ? type : [type];
  return Type.Unsafe<Static<T> | null>({ ...s, type: types.includes('null') ? types : [...types, 'null'] });
};

/** An optional body field that may be null: what most body fields are. */
export const Maybe = <T extends TSchema>(s: T) => Type.Optional(OrNull(s));

/** What an edit carries besides its fields: the version it was read at, and a reason for the audit log. */
export const EditFields = () => ({ version: Maybe(Version()), reason: Maybe(Text(500, '修改原因（记入审计日志）')) });

export { Type };
export type { TProperties };
