/** Field-by-field validation that collects every problem with its JSON path, in Chinese. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Bounds a caller gets without asking, so that no value can outgrow its column: integers are
 * int4 (versions, counts, years), ids bigserial as far as JavaScript holds them exactly, free
 * text 1000 characters, dates 1900–2100 (PostgreSQL refuses year 0).
 */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
export const MAX_ID = Number.MAX_SAFE_INTEGER;
export const DEFAULT_MAX_LENGTH = 1000;
export const FIRST_DATE = '1900-01-01';
export const LAST_DATE = '2100-12-31';

export class Check {
  readonly errors: FieldError[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  object(path: string, v: unknown, allowed: string[]): Record<string, unknown> | null {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, '应为对象');
      return null;
    }
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(path ? `${path}.${k}` : k, '未知字段（可能是拼写错误）');
    return v as Record<string, unknown>;
  }

  string(path: string, v: unknown, o: { required?: boolean; max?: number } = {}): string | null {
    if (v === undefined || v === null || v === '') {
      if (o.required) this.fail(path, '必填');
      return null;
    }
    if (typeof v !== 'string') return this.fail(path, '应为文本'), null;
    const s = v.trim();
    const max = o.max ?? DEFAULT_MAX_LENGTH;
    if (o.required && !s) return this.fail(path, '必填'), null;
    if (s.length > max) return this.fail(path, `不能超过${max}个字符`), null;
    return s || null;
  }

  boolean(path: string, v: unknown): boolean | null {
    if (v === undefined || v === null) return this.fail(path, '必填'), null;
    if (typeof v !== 'boolean') return this.fail(path, '应为 true 或 false'), null;
    return v;
  }

  integer(path: string, v: unknown, o: { min?: number; max?: number; required?: boolean } = {}): number | null {
    if (v === undefined || v === null || v === '') {
      if (o.required) this.fail(path, '必填');
      return null;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(path, '应为整数'), null;
    const min = o.min ?? INT4_MIN;
    const max = o.max ?? INT4_MAX;
    if (v < min) return this.fail(path, `不能小于${min}`), null;
    if (v > max) return this.fail(path, `不能大于${max}`), null;
    return v;
  }

  /** A record id (bigserial): a positive integer JavaScript holds exactly. */
  id(path: string, v: unknown, o: { required?: boolean } = {}): number | null {
    if (v === undefined || v === null || v === '') {
      if (o.required) this.fail(path, '必填');
      return null;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(path, '应为整数'), null;
    if (v < 1 || v > MAX_ID) return this.fail(path, '编号超出范围'), null;
    return v;
  }

  oneOf<T extends string>(path: string, v: unknown, values: readonly T[]): T | null {
    if (v === undefined || v === null || v === '') return this.fail(path, '必填'), null;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      return this.fail(path, `取值应为 ${values.join(' / ')} 之一`), null;
    return v as T;
  }

  date(path: string, v: unknown, o: { required?: boolean } = {}): string | null {
    if (v === undefined || v === null || v === '') {
      if (o.required) this.fail(path, '必填');
      return null;
    }
    if (typeof v !== 'string' || !isCalendarDate(v)) return this.fail(path, '日期格式应为 YYYY-MM-DD'), null;
    if (!isIsoDate(v)) return this.fail(path, `日期应在${FIRST_DATE}至${LAST_DATE}之间`), null;
    return v;
  }
}

/** A real day written YYYY-MM-DD, whatever the year. */
function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A real day YYYY-MM-DD between 1900 and 2100, the dates the registry and its procedures can hold. */
export function isIsoDate(v: string): boolean {
  return isCalendarDate(v) && v >= FIRST_DATE && v <= LAST_DATE;
}
