import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { assessOrErrors } from '../policy/index.ts';
import { runAssess } from './assess.ts';

const dir = mkdtempSync(join(tmpdir(), 'jianbang-assess-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = {
  kind: 'identification',
  asOf: '2023-06-15',
  household: {
    formerlyPoor: true,
    members: [{ id: 'm1', birthDate: '1968-03-02', registration: 'rural', urbanGuarantees: false, livesTogether: true, laborAbility: 'full' }],
    incomes: [{ type: 'wage', amount: 7200, from: '2022-06', to: '2023-05' }],
    risks: [{ type: 'illness', selfResolvable: false }],
  },
};

function fakeIo(stdinText = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdin: Readable.from([Buffer.from(stdinText)]),
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('runAssess', () => {
  it('assesses a file: result on stdout, exit 0, same as the library', async () => {
    const f = fakeIo();
    const code = await runAssess(file('ok.json', JSON.stringify(input)), f.io);
    expect(code).toBe(0);
    expect(f.stderr()).toBe('');
    expect(f.stdout().endsWith('\n')).toBe(true);
    const expected = assessOrErrors(input);
    expect(expected.ok && f.stdout()).toBe(`${JSON.stringify(expected.ok && expected.value)}\n`);
    expect(JSON.parse(f.stdout()).recommendation).toBe('identify');
  });

  it('reads standard input when no file is given, or "-"', async () => {
    for (const arg of [undefined, '-']) {
      const f = fakeIo(JSON.stringify(input));
      expect(await runAssess(arg, f.io)).toBe(0);
      expect(JSON.parse(f.stdout()).category).toBe('unstable_out_of_poverty');
    }
  });

  it('accepts a file that starts with a byte order mark', async () => {
    const f = fakeIo();
    expect(await runAssess(file('bom.json', `\uFEFF${JSON.stringify(input)}`), f.io)).toBe(0);
  });

  it('invalid input: errors on stderr, exit 2, nothing on stdout', async () => {
    const { livesTogether, ...member } = input.household.members[0];
    const bad = { ...input, household: { ...input.household, members: [{ ...member, livesTogther: livesTogether }] } };
    const f = fakeIo();
    const code = await runAssess(file('bad.json', JSON.stringify(bad)), f.io);
    expect(code).toBe(2);
    expect(f.stdout()).toBe('');
    const { errors } = JSON.parse(f.stderr());
    expect(errors).toContainEqual({ path: 'household.members[0].livesTogther', message: '未知字段（可能是拼写错误），是否应为“livesTogether”？' });
    expect(errors).toContainEqual({ path: 'household.members[0].livesTogether', message: '缺少必填字段' });
  });

  it('invalid JSON: exit 2 with one error at the root', async () => {
    const f = fakeIo('{"kind": ');
    expect(await runAssess(undefined, f.io)).toBe(2);
    const { errors } = JSON.parse(f.stderr());
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('');
    expect(errors[0].message).toMatch(/^不是有效的 JSON：/);
  });

  it('a file that cannot be read: exit 2 with the reason', async () => {
    const f = fakeIo();
    expect(await runAssess(join(dir, 'missing.json'), f.io)).toBe(2);
    expect(JSON.parse(f.stderr()).errors[0].message).toMatch(/无法读取输入文件/);
  });
});
