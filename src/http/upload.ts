/**
 * File uploads (imports, reconciliation): the request body is the file itself
 * (`Content-Type: application/octet-stream`, or the XLSX / CSV type), streamed to a private temp
 * file while its SHA-256 is computed, never held in memory. A route opts in with
 * `config: { upload: true }`; the validation layer (validation.ts) then checks its params and
 * query as usual and leaves the body to this module. What the file is is decided later from its
 * content (src/app/imports/read-table.ts), not from the type the browser sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid, tooLarge } from '../app/errors.ts';

export const UPLOAD_TYPES = [
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
  'application/vnd.ms-excel',
];

export interface Upload {
  path: string;
  bytes: number;
  sha256: string;
  /** Removes the temp file and its folder. */
  discard(): Promise<void>;
}

/** Lets the plugin's routes receive a raw file body as a stream. */
export function acceptUploads(app: FastifyInstance) {
  app.addContentTypeParser(UPLOAD_TYPES, (_req, payload, done) => done(null, payload));
}

/** Writes a file (a stream) to a private temp folder, refusing it once it passes `maxBytes`. */
export async function saveStream(body: Readable, maxBytes: number): Promise<Upload> {
  const dir = await mkdtemp(join(tmpdir(), 'jianbang-upload-'));
  const path = join(dir, randomBytes(8).toString('hex'));
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > maxBytes) return cb(tooLarge(`文件过大：上限 ${Math.round(maxBytes / 1048576)} MB`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(body, meter, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    await discard();
    throw e;
  }
  if (bytes === 0) {
    await discard();
    throw invalid([{ path: 'file', message: '没有收到文件（文件是空的）' }]);
  }
  return { path, bytes, sha256: hash.digest('hex'), discard };
}

/** The uploaded file of a request whose route has `config: { upload: true }`. */
export async function receiveUpload(req: FastifyRequest, maxBytes: number): Promise<Upload> {
  const body = req.body as Readable | undefined;
  if (!body || typeof (body as Readable).pipe !== 'function')
    throw invalid([{ path: 'file', message: '请上传 .xlsx 或 .csv 文件（请求体为文件本身，Content-Type: application/octet-stream）' }]);
  return saveStream(body, maxBytes);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body is an uploaded file, streamed (see upload.ts). */
    upload?: boolean;
  }
}
