import type { FieldError } from '../domain/validation.ts';

/** One error type for the whole application; the HTTP layer maps `status` in one place. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
  }
}

export const invalid = (errors: FieldError[]) => new AppError(400, errors);
export const unauthenticated = (message = '请先登录') => new AppError(401, [{ path: '', message }]);
export const forbidden = (message = '无权执行此操作') => new AppError(403, [{ path: '', message }]);
export const notFound = (message = '记录不存在') => new AppError(404, [{ path: '', message }]);
export const stale = () =>
  new AppError(409, [{ path: 'version', message: '记录已被他人修改，请刷新后重试' }]);
export const unprocessable = (path: string, message: string) => new AppError(422, [{ path, message }]);
export const conflict = (path: string, message: string) => new AppError(409, [{ path, message }]);
export const tooLarge = (message: string) => new AppError(413, [{ path: '', message }]);
