/** A small fetch wrapper for the Jianbang API (`/api/v1`, JSON, cookie session). */

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[];
  constructor(status: number, errors: FieldError[]) {
    super(errors.map((e) => e.message).join('；') || `请求失败（HTTP ${status}）`);
    this.status = status;
    this.errors = errors;
  }
}

export const API = '/api/v1';

let onUnauthorized: (() => void) | null = null;
/** The app registers what to do on any 401 (go to the login page). */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Builds a query string, leaving out empty values. */
export function queryString(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  let res: Response;
  // A file (Blob) goes as the raw request body: the upload routes stream it, no multipart.
  const raw = body instanceof Blob;
  try {
    res = await fetch(`${API}${path}${queryString(query)}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': raw ? 'application/octet-stream' : 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, [{ path: '', message: '无法连接服务器，请检查网络' }]);
  }
  const text = await res.text();
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const errors: FieldError[] = Array.isArray(data?.errors) && data.errors.length
      ? data.errors
      : [{ path: '', message: `请求失败（HTTP ${res.status}）` }];
    if (res.status === 401 && path !== '/auth/login' && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, errors);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  /** POSTs a file as the request body (Content-Type: application/octet-stream). */
  upload: <T>(path: string, file: Blob, query?: Query) => request<T>('POST', path, file, query),
};

/** `members[1].idNumber` → ['members', 1, 'idNumber'] (antd form name path). */
export function errorPathToName(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part))) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  }
  return out;
}

export function firstMessage(e: unknown): string {
  if (e instanceof ApiError) return e.errors[0]?.message ?? e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
