/**
 * The audit chain's anchor outside the database (SEC-9). A keyed chain alone cannot show that its
 * newest rows were deleted: what is left is still a valid chain. So after every committed audit
 * write the chain's head (latest seq and hash) is written to a file beside the key, signed with the
 * audit key, and signed checkpoints are appended for history. `audit verify` compares the database
 * with both and names what is missing.
 *
 *   <keyDir>/audit-head.json          {"format":1,"keyId":…,"chains":{"global":{seq,hash,keyedFrom,at}},"writtenAt":…,"mac":…}
 *   <keyDir>/audit-checkpoints.jsonl  one signed line per checkpoint: every 1,000 entries or hour,
 *                                     at server stop, at each successful verify, at restore
 *
 * The head is keyed by chain so per-county chains fit later; today there is one, `global`.
 * It never moves backwards (commits can finish out of order) and may lag the database by the
 * entries of a process that was killed between commit and write — verify accepts a database
 * ahead of its head, never one behind it.
 *
 * The anchor refuses to invent a head in the middle of a chain: when the head file is missing or
 * does not verify, it leaves it as it is (evidence) and says so once; `audit verify` reports it
 * until an operator re-anchors (`audit verify --reanchor`, audited) or restores a backup.
 *
 * Nor does it advance over a fork: if the newest rows were deleted and new ones written in their
 * place, blindly following the new head would erase the evidence. appendAudit checks, on a
 * process's first write (and whenever another process wrote last), that the anchored row is still
 * in the database unchanged; if not, the head is frozen (`forked`) and stays so until an operator
 * acts. The system keeps working; verify fails.
 */
import { createHmac } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { contextOf, type AuditHead, type AuditHeadSink } from './context.ts';
import type { Kysely } from 'kysely';

export const GLOBAL_CHAIN = 'global';
export const HEAD_FILE = 'audit-head.json';
export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';
export const CHECKPOINT_EVERY_ENTRIES = 1000;
export const CHECKPOINT_EVERY_MS = 3600_000;

/** Canonical JSON (sorted keys, undefined dropped) so key order can never change a hash or a signature. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as any)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** HMAC under the audit key, domain-separated so a signature of one kind never passes as another. */
export function auditMac(key: Buffer, domain: 'head' | 'checkpoint' | 'backup', body: unknown): string {
  return createHmac('sha256', key).update(`jianbang:audit-${domain}:`).update(canonicalJson(body)).digest('hex');
}

/** A short public fingerprint of the audit key: tells "wrong key" apart from "forged file". */
export function auditKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('jianbang:audit-key-id').digest('hex').slice(0, 16);
}

export interface ChainHead {
  seq: number;
  hash: string;
  /** First seq written with the key: from here on an unkeyed row is a forgery. */
  keyedFrom: number;
  at: string;
  /** Set when the database no longer holds the anchored row as it was: the head stops here. */
  forked?: { at: string; detail: string };
}

export interface HeadRecord {
  format: 1;
  keyId: string;
  chains: Record<string, ChainHead>;
  writtenAt: string;
  mac: string;
}

export type CheckpointReason = 'interval' | 'stop' | 'verify' | 'restore' | 'reanchor';

export interface Checkpoint {
  chain: string;
  seq: number;
  hash: string;
  at: string;
  reason: CheckpointReason;
  keyId: string;
  mac: string;
}

export type HeadState =
  | { status: 'missing' }
  | { status: 'invalid'; problem: string }
  | { status: 'ok'; record: HeadRecord };

export interface CheckpointLine {
  line: number;
  checkpoint?: Checkpoint;
  problem?: string;
}

/** What appendAudit reports after a commit: the newest entry, and where the keyed chain began if this transaction began it. */
export interface AdvancedHead extends AuditHead {
  chainStart?: number;
}

const isHex64 = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isSeq = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;

/** The anchor's logic; where the two files live is up to the subclass (disk, or memory for in-memory databases). */
export abstract class AuditAnchor implements AuditHeadSink {
  /** Where the head lives, for messages. */
  abstract readonly where: string;
  readonly keyId: string;
  private warned = false;
  private lastCheckpoint: { seq: number; atMs: number } | null | undefined;
  /** The newest row this process knows to continue the anchored head (skips the fork check). */
  private confirmed: AuditHead | null = null;

  constructor(private readonly key: Buffer) {
    this.keyId = auditKeyId(key);
  }

  protected abstract readHeadText(): string | null;
  protected abstract writeHeadText(text: string): void;
  protected abstract readCheckpointText(): string | null;
  protected abstract writeCheckpointText(text: string): void;
  protected abstract appendCheckpointText(line: string): void;
  /** Moves the current head and checkpoints aside (never deletes them); returns where they went. */
  protected abstract archive(label: string): string[];

  readHead(): HeadState {
    const text = this.readHeadText();
    if (text === null) return { status: 'missing' };
    let record: HeadRecord;
    try {
      record = JSON.parse(text);
    } catch {
      return { status: 'invalid', problem: '内容不是有效的 JSON（文件损坏或被改动）' };
    }
    if (!record || record.format !== 1 || typeof record.chains !== 'object' || record.chains === null || typeof record.mac !== 'string')
      return { status: 'invalid', problem: '格式无法识别（文件损坏或被改动）' };
    const { mac, ...body } = record;
    if (auditMac(this.key, 'head', body) !== mac)
      return {
        status: 'invalid',
        problem:
          record.keyId && record.keyId !== this.keyId
            ? `签名与当前审计密钥不符：文件记录的密钥编号为 ${record.keyId}，当前密钥为 ${this.keyId}（审计密钥被更换，或文件被改动）`
            : '签名无效：文件被改动或伪造',
      };
    for (const [chain, h] of Object.entries(record.chains))
      if (!isSeq(h?.seq) || !isHex64(h?.hash) || !isSeq(h?.keyedFrom)) return { status: 'invalid', problem: `链 ${chain} 的记录格式无法识别` };
    return { status: 'ok', record };
  }

  /** Called after a commit that appended audit entries (see appendAudit). Never throws for a bad head; it reports it once. */
  advance(head: AdvancedHead, chain = GLOBAL_CHAIN): void {
    const state = this.readHead();
    let chains: Record<string, ChainHead>;
    let keyedFrom: number;
    if (state.status === 'ok') {
      const current = state.record.chains[chain];
      if (current?.forked) return this.warnOnce(`头部锚点 ${this.where} 已因分叉冻结（${current.forked.detail}）`);
      if (current && current.seq >= head.seq) return; // a later commit got here first
      if (!current && head.chainStart === undefined) return this.warnOnce(`头部锚点文件 ${this.where} 中没有链 ${chain}`);
      chains = { ...state.record.chains };
      keyedFrom = current?.keyedFrom ?? head.chainStart!;
    } else if (state.status === 'missing' && head.chainStart !== undefined) {
      // The keyed chain begins in this very commit: the head starts with it.
      chains = {};
      keyedFrom = head.chainStart;
    } else {
      return this.warnOnce(
        state.status === 'missing' ? `头部锚点文件 ${this.where} 不存在` : `头部锚点文件 ${this.where} ${state.problem}`,
      );
    }
    chains[chain] = { seq: head.seq, hash: head.hash, keyedFrom, at: new Date().toISOString() };
    this.writeHead(chains);
    if (chain === GLOBAL_CHAIN) this.confirmed = { seq: head.seq, hash: head.hash };
    const last = this.latestCheckpoint(chain);
    if (!last || head.seq - last.seq >= CHECKPOINT_EVERY_ENTRIES || Date.now() - last.atMs >= CHECKPOINT_EVERY_MS)
      this.checkpoint(head, 'interval', chain);
  }

  /** The anchored head of `chain` when it is valid and not frozen: what a new write must continue. */
  liveHead(chain = GLOBAL_CHAIN): ChainHead | null {
    const state = this.readHead();
    const h = state.status === 'ok' ? state.record.chains[chain] : undefined;
    return h && !h.forked ? h : null;
  }

  /** Whether `last` (the database's newest row) is known to continue the head. */
  confirms(last: AuditHead | undefined): boolean {
    return !!last && !!this.confirmed && this.confirmed.seq === last.seq && this.confirmed.hash === last.hash;
  }

  confirm(last: AuditHead) {
    this.confirmed = { seq: last.seq, hash: last.hash };
  }

  /** Freezes the head of `chain` where it is, recording why (the evidence must survive later writes). */
  markForked(detail: string, chain = GLOBAL_CHAIN) {
    const state = this.readHead();
    if (state.status !== 'ok' || !state.record.chains[chain] || state.record.chains[chain]!.forked) return;
    const at = new Date().toISOString();
    this.writeHead({ ...state.record.chains, [chain]: { ...state.record.chains[chain]!, forked: { at, detail } } });
    this.confirmed = null;
    console.error(`审计链与库外头部锚点不一致：${detail}。末尾的审计记录可能被删除或改写；锚点保持原样作为证据，请运行 npx jianbang audit verify。`);
  }

  /** Appends one signed checkpoint line. */
  checkpoint(head: AuditHead, reason: CheckpointReason, chain = GLOBAL_CHAIN): Checkpoint {
    const body = { chain, seq: head.seq, hash: head.hash, at: new Date().toISOString(), reason, keyId: this.keyId };
    const cp: Checkpoint = { ...body, mac: auditMac(this.key, 'checkpoint', body) };
    this.appendCheckpointText(`${JSON.stringify(cp)}\n`);
    this.lastCheckpoint = { seq: head.seq, atMs: Date.parse(cp.at) };
    return cp;
  }

  readCheckpoints(): CheckpointLine[] {
    const text = this.readCheckpointText();
    if (!text) return [];
    const out: CheckpointLine[] = [];
    text.split('\n').forEach((raw, i) => {
      if (!raw.trim()) return;
      const line = i + 1;
      let cp: Checkpoint;
      try {
        cp = JSON.parse(raw);
      } catch {
        return out.push({ line, problem: `检查点文件第 ${line} 行不是有效的 JSON（文件损坏或被改动）` });
      }
      const { mac, ...body } = cp ?? ({} as Checkpoint);
      if (!isSeq(cp?.seq) || !isHex64(cp?.hash) || typeof cp?.chain !== 'string' || auditMac(this.key, 'checkpoint', body) !== mac)
        return out.push({ line, problem: `检查点文件第 ${line} 行签名无效：被改动或伪造${cp?.keyId && cp.keyId !== this.keyId ? `（其密钥编号 ${cp.keyId} 与当前密钥 ${this.keyId} 不同）` : ''}` });
      out.push({ line, checkpoint: cp });
    });
    return out;
  }

  /** The raw head file (a backup carries it as it is), or null. */
  headFileText(): string | null {
    return this.readHeadText();
  }

  /** The raw checkpoint file (a backup carries it as it is). */
  checkpointFileText(): string {
    return this.readCheckpointText() ?? '';
  }

  /**
   * Replaces the head (restore, re-anchor): the current head and checkpoints are moved aside, the
   * new head is signed with the current key, and `checkpoints` (verified lines, e.g. from a backup)
   * become the new history. Returns where the old files went.
   */
  reset(chains: Record<string, Omit<ChainHead, 'at'> & { at?: string }>, checkpoints: string, label: string): string[] {
    const moved = this.archive(label);
    this.writeCheckpointText(checkpoints);
    this.lastCheckpoint = undefined;
    this.confirmed = null;
    const now = new Date().toISOString();
    this.writeHead(Object.fromEntries(Object.entries(chains).map(([c, h]) => [c, { seq: h.seq, hash: h.hash, keyedFrom: h.keyedFrom, at: h.at ?? now }])));
    this.warned = false;
    return moved;
  }

  private writeHead(chains: Record<string, ChainHead>) {
    const body = { format: 1 as const, keyId: this.keyId, chains, writtenAt: new Date().toISOString() };
    this.writeHeadText(`${JSON.stringify({ ...body, mac: auditMac(this.key, 'head', body) }, null, 2)}\n`);
  }

  private latestCheckpoint(chain: string) {
    if (this.lastCheckpoint === undefined) {
      const last = this.readCheckpoints()
        .map((l) => l.checkpoint)
        .filter((c): c is Checkpoint => !!c && c.chain === chain)
        .at(-1);
      this.lastCheckpoint = last ? { seq: last.seq, atMs: Date.parse(last.at) } : null;
    }
    return this.lastCheckpoint;
  }

  private warnOnce(what: string) {
    if (this.warned) return;
    this.warned = true;
    console.error(`${what}，审计头部锚点未更新。请运行 npx jianbang audit verify 检查；确认数据无误后可用 audit verify --reanchor --reason … 重新建立锚点。`);
  }
}

/** The anchor of an installation: two files beside keys.json (0600, the head replaced atomically). */
export class FileAuditAnchor extends AuditAnchor {
  readonly where: string;
  readonly checkpointPath: string;

  constructor(readonly dir: string, key: Buffer) {
    super(key);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.where = join(dir, HEAD_FILE);
    this.checkpointPath = join(dir, CHECKPOINT_FILE);
  }

  protected readHeadText() {
    return existsSync(this.where) ? readFileSync(this.where, 'utf8') : null;
  }

  protected writeHeadText(text: string) {
    // No fsync: after a power cut the head may lag, which verify accepts; it can never run ahead.
    const tmp = `${this.where}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.where);
  }

  protected readCheckpointText() {
    return existsSync(this.checkpointPath) ? readFileSync(this.checkpointPath, 'utf8') : null;
  }

  protected writeCheckpointText(text: string) {
    const tmp = `${this.checkpointPath}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.checkpointPath);
  }

  protected appendCheckpointText(line: string) {
    // Checkpoints are rare; each is synced so history survives a crash.
    const fd = openSync(this.checkpointPath, 'a', 0o600);
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  protected archive(label: string) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const moved: string[] = [];
    for (const path of [this.where, this.checkpointPath])
      if (existsSync(path)) {
        const aside = `${path}.${label}-${stamp}`;
        renameSync(path, aside);
        moved.push(aside);
      }
    return moved;
  }
}

/** Same interface for in-memory databases (tests, the e2e server); the texts are public so tests can damage them. */
export class MemoryAuditAnchor extends AuditAnchor {
  readonly where = '（内存中的锚点）';
  headText: string | null = null;
  checkpointsText = '';
  archived: { label: string; head: string | null; checkpoints: string }[] = [];

  protected readHeadText() {
    return this.headText;
  }
  protected writeHeadText(text: string) {
    this.headText = text;
  }
  protected readCheckpointText() {
    return this.checkpointsText;
  }
  protected writeCheckpointText(text: string) {
    this.checkpointsText = text;
  }
  protected appendCheckpointText(line: string) {
    this.checkpointsText += line;
  }
  protected archive(label: string) {
    this.archived.push({ label, head: this.headText, checkpoints: this.checkpointsText });
    this.headText = null;
    this.checkpointsText = '';
    return [`${this.where}（${label}）`];
  }
}

/** The anchor of a database handle, or null when it has none. */
export function anchorOf(db: Kysely<any>): AuditAnchor | null {
  const sink = contextOf(db).auditHead;
  return sink instanceof AuditAnchor ? sink : null;
}

/** The anchor a database opened with `keyDir` should use (connection.ts). */
export function anchorFor(keyDir: string | null, auditKey: Buffer): AuditAnchor {
  return keyDir ? new FileAuditAnchor(keyDir, auditKey) : new MemoryAuditAnchor(auditKey);
}
