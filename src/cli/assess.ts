/**
 * `jianbang assess [FILE]`: the assessment contract on the command line. Reads the input from
 * FILE (or standard input when FILE is absent or `-`), prints the result; exit 0. Invalid input
 * → `{"errors":[…]}` on standard error, exit 2. Needs no database: it uses the policy module only.
 */
import { readFile } from 'node:fs/promises';
import { assessOrErrors, type ValidationError } from '../policy/index.ts';

export interface AssessIo {
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

const EXIT_OK = 0;
const EXIT_INVALID = 2;

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function fail(io: AssessIo, errors: ValidationError[]): number {
  io.stderr.write(`${JSON.stringify({ errors })}\n`);
  return EXIT_INVALID;
}

export async function runAssess(
  file: string | undefined,
  io: AssessIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let text: string;
  try {
    text = file === undefined || file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (err) {
    return fail(io, [{ path: '', message: `无法读取输入文件 ${file}：${(err as Error).message}` }]);
  }
  // Files saved by Windows editors often start with a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail(io, [{ path: '', message: `不是有效的 JSON：${(err as Error).message}` }]);
  }

  const outcome = assessOrErrors(raw);
  if (!outcome.ok) return fail(io, outcome.errors);
  io.stdout.write(`${JSON.stringify(outcome.value)}\n`);
  return EXIT_OK;
}
