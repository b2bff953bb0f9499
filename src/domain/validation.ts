/** Field-by-field validation that collects every problem with its JSON path, in Chinese. */
export interface FieldError {
  path: string;
  message: string;
}

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
    if (o.required && !s) return this.fail(path, '必填'), null;
    if (o.max && s.length > o.max) return this.fail(path, `不能超过${o.max}个字符`), null;
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
    if (o.min !== undefined && v < o.min) return this.fail(path, `不能小于${o.min}`), null;
    if (o.max !== undefined && v > o.max) return this.fail(path, `不能大于${o.max}`), null;
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
    if (typeof v !== 'string' || !isIsoDate(v)) return this.fail(path, '日期格式应为 YYYY-MM-DD'), null;
    return v;
  }
}

export function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
