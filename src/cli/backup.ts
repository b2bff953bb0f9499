/**
 * `jianbang backup FILE` / `jianbang restore FILE` (SEC-10).
 *
 * One file, a tar of:
 *   manifest.json            format, kind, created at, schema version, the audit head at backup
 *                            time, sha256 and size of the dump, the ids (never the keys) of the keys
 *                            it needs; signed with the audit key (HMAC)
 *   database.tar.gz          PGlite: the data directory (`dumpDataDir`)    — or —
 *   database.pgdump          PostgreSQL server: `pg_dump -Fc`
 *   audit-head.json, audit-checkpoints.jsonl   the anchor as it was
 *
 * The keys are never in it: without keys.json (or JIANBANG_AUDIT_KEY) the sealed fields cannot be
 * opened and the chain cannot be verified, so the key file is backed up separately, elsewhere.
 *
 * An embedded folder is locked by a running server, so backup and restore refuse while it runs.
 * Restore checks the manifest's signature and the dump's sha256 before touching anything, fills
 * only an empty target (or, with --force, moves the old one aside — never deletes it), resets the
 * anchor to the backup's head (the newer head and checkpoints moved aside), runs `audit verify` and
 * appends an audit entry saying from which backup it was restored.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { sql } from 'kysely';
import * as tar from 'tar';
import { SYSTEM_ACTOR } from '../app/actor.ts';
import { anchorOf, auditKeyId, auditMac, GLOBAL_CHAIN } from '../store/audit-anchor.ts';
import { appendAudit, firstKeyedSeq, verifyAuditChain, type AuditVerifyReport } from '../store/audit.ts';
import { databaseOptionsFromEnv, openDatabase, type Database, type OpenOptions } from '../store/connection.ts';
import { DataDirLockedError, dataDirLayout } from '../store/data-dir.ts';
import { KEY_FILE, loadKeyRing, type KeyRing } from '../store/keys.ts';
import { migrate, migrationFiles } from '../store/migrate.ts';
import { inTransaction } from '../store/transaction.ts';
import { printAuditReport } from './db-commands.ts';

export const BACKUP_FORMAT = 1;
const MANIFEST = 'manifest.json';
const HEAD = 'audit-head.json';
const CHECKPOINTS = 'audit-checkpoints.jsonl';
const DUMP = { pglite: 'database.tar.gz', postgres: 'database.pgdump' } as const;
const ENTRIES = new Set([MANIFEST, HEAD, CHECKPOINTS, ...Object.values(DUMP)]);

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  kind: 'pglite' | 'postgres';
  createdAt: string;
  schemaVersion: number;
  appVersion: string;
  /** The newest audit entry at backup time (read before the dump, so the dump holds at least this much). */
  auditHead: { seq: number; hash: string; keyedFrom: number | null } | null;
  dump: { file: string; sha256: string; bytes: number };
  /** Which keys the data needs (ids and a fingerprint only). */
  keys: { auditKeyId: string; dataKeyIds: string[] };
  mac: string;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const appVersion = () => JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;

/** The folder where the key file of `opts` lives (what the operator must back up separately). */
function keyFolderOf(opts: OpenOptions): string | null {
  if (opts.keyDir) return resolve(opts.keyDir);
  if (opts.dataDir && !opts.dataDir.startsWith('memory://')) return dataDirLayout(opts.dataDir).keyDir;
  return null;
}

/** The refusal of a locked folder, said for this command. */
function explainLock(e: unknown, what: string): never {
  if (e instanceof DataDirLockedError)
    throw new BackupError(`${what}内嵌数据库需要独占数据目录，而服务器（或另一个命令）正在使用它：请先停止它（在运行 npm start 的终端按 Ctrl+C），再执行本命令。\n${e.message}`);
  throw e;
}

/** The PostgreSQL client tool `name`, or a message naming the package to install. */
function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const probe = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new BackupError(`找不到 ${name}：备份和恢复 PostgreSQL 服务器需要 PostgreSQL 客户端工具，请安装 postgresql-client（Debian/Ubuntu：apt-get install postgresql-client，版本不低于服务器）`);
  return name;
}

/** Connection for the pg tools: the URL without its password, which goes through the environment instead of the process list. */
function pgConnection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv, what: string) {
  const r = spawnSync(tool, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new BackupError(`${what}失败（${tool} 退出码 ${r.status}）：${(r.stderr || r.stdout || '').trim()}`);
}

async function schemaVersion(database: Database): Promise<number> {
  const r = await sql<{ v: number | null }>`select max(version)::int as v from schema_migration`.execute(database.db);
  return r.rows[0]?.v ?? 0;
}

function signManifest(keys: KeyRing, body: Omit<BackupManifest, 'mac'>): BackupManifest {
  return { ...body, mac: auditMac(keys.auditKey, 'backup', body) };
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
  /** Where the key file lives: it is not in the backup. */
  keyFolder: string | null;
}

/** Writes a backup of the database `opts` names to `file` (written whole or not at all). */
export async function createBackup(opts: OpenOptions, file: string): Promise<BackupResult> {
  const target = resolve(file);
  const work = mkdtempSync(join(tmpdir(), 'jianbang-backup-'));
  try {
    const database = await openDatabase({ ...opts, command: 'backup' }).catch((e) => explainLock(e, '备份'));
    let manifest: BackupManifest;
    try {
      const version = await schemaVersion(database);
      if (version === 0) throw new BackupError('数据库还没有初始化（没有任何迁移），没有可备份的内容');
      const last = await database.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const keyedFrom = version >= 9 ? await firstKeyedSeq(database.db) : null;
      const dumpFile = join(work, DUMP[database.kind]);
      if (database.kind === 'pglite') {
        await sql`checkpoint`.execute(database.db);
        writeFileSync(dumpFile, Buffer.from(await (await database.dumpDataDir!()).arrayBuffer()));
      } else {
        const tool = pgTool('pg_dump');
        const conn = pgConnection(opts.url!);
        run(tool, ['--format=custom', '--no-owner', '--no-privileges', `--file=${dumpFile}`, `--dbname=${conn.url}`], conn.env, '导出数据库');
      }
      const anchor = anchorOf(database.db);
      const headText = anchor?.headFileText();
      if (headText) writeFileSync(join(work, HEAD), headText);
      writeFileSync(join(work, CHECKPOINTS), anchor?.checkpointFileText() ?? '');
      const dump = readFileSync(dumpFile);
      const keys = database.context.keys;
      manifest = signManifest(keys, {
        format: BACKUP_FORMAT, kind: database.kind, createdAt: new Date().toISOString(), schemaVersion: version, appVersion: appVersion(),
        auditHead: last ? { seq: last.seq, hash: last.hash, keyedFrom } : null,
        dump: { file: DUMP[database.kind], sha256: sha256(dump), bytes: dump.length },
        keys: { auditKeyId: auditKeyId(keys.auditKey), dataKeyIds: [...keys.dataKeys.keys()].sort() },
      });
      writeFileSync(join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    } finally {
      await database.close();
    }
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}`;
    await tar.c({ file: partial, cwd: work, portable: true }, readdirSync(work).sort());
    chmodSync(partial, 0o600); // personal data: readable by the operator only
    renameSync(partial, target);
    return { file: target, manifest, keyFolder: keyFolderOf(opts) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Reads the backup's entries into memory (nothing is written to disk, so a truncated file cannot
 * leave half-extracted files behind) and refuses anything that is not one of ours.
 */
async function readEntries(file: string): Promise<Map<string, Buffer>> {
  if (!existsSync(file)) throw new BackupError(`备份文件不存在：${file}`);
  const entries = new Map<string, Buffer>();
  const unknown: string[] = [];
  try {
    await tar.t({
      file, strict: true,
      onReadEntry: (entry) => {
        if (!ENTRIES.has(entry.path) || entry.type !== 'File') {
          unknown.push(entry.path);
          return entry.resume();
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => entries.set(entry.path, Buffer.concat(chunks)));
      },
    });
  } catch (e: any) {
    throw new BackupError(`备份文件损坏或不是监帮的备份，无法解包：${e?.message ?? e}`);
  }
  if (unknown.length) throw new BackupError(`备份文件含有不应有的内容（${unknown.slice(0, 3).join('、')}），拒绝恢复`);
  return entries;
}

/** Checks a backup without touching any database: the manifest's format, keys and signature, the dump's size and sha256. */
async function openBackup(file: string, keys: KeyRing): Promise<{ manifest: BackupManifest; dump: Buffer; checkpoints: string }> {
  const entries = await readEntries(file);
  const manifestBytes = entries.get(MANIFEST);
  if (!manifestBytes) throw new BackupError('备份文件损坏或不是监帮的备份：缺少 manifest.json');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw new BackupError('备份文件损坏：manifest.json 不是有效的 JSON');
  }
  if (manifest?.format !== BACKUP_FORMAT) throw new BackupError(`无法识别的备份格式 ${manifest?.format}（本版本只能恢复格式 ${BACKUP_FORMAT}）`);
  if (manifest.keys?.auditKeyId !== auditKeyId(keys.auditKey))
    throw new BackupError(
      `审计密钥与做备份的系统不同（备份需要密钥编号 ${manifest.keys?.auditKeyId}，当前为 ${auditKeyId(keys.auditKey)}）：请先放回备份时的密钥文件 keys.json（或设置原来的 JIANBANG_AUDIT_KEY）`,
    );
  const missing = (manifest.keys.dataKeyIds ?? []).filter((id) => !keys.dataKeys.has(id));
  if (missing.length) throw new BackupError(`当前密钥文件缺少备份所需的数据密钥 ${missing.join('、')}：请放回备份时的密钥文件 keys.json`);
  const { mac, ...body } = manifest;
  if (auditMac(keys.auditKey, 'backup', body) !== mac) throw new BackupError('备份清单的签名无效：清单被改动，拒绝恢复');
  const dump = Object.values(DUMP).includes(manifest.dump.file as any) ? entries.get(manifest.dump.file) : undefined;
  if (!dump) throw new BackupError(`备份文件损坏：缺少数据库转储 ${manifest.dump.file}`);
  if (dump.length !== manifest.dump.bytes || sha256(dump) !== manifest.dump.sha256)
    throw new BackupError('备份文件已损坏：数据库转储的大小或 SHA-256 与清单不符，拒绝恢复');
  const latest = Math.max(...migrationFiles().map((m) => m.version));
  if (manifest.schemaVersion > latest) throw new BackupError(`备份来自更新的版本（数据库结构版本 ${manifest.schemaVersion}，本程序只到 ${latest}）：请先升级程序`);
  return { manifest, dump, checkpoints: entries.get(CHECKPOINTS)?.toString('utf8') ?? '' };
}

/** The keys the restored data needs: given, or the existing key file (never a new one, which could open nothing). */
function restoreKeys(opts: OpenOptions): KeyRing {
  if (opts.keys) return opts.keys;
  const folder = keyFolderOf(opts);
  if (!folder || !existsSync(join(folder, KEY_FILE)))
    throw new BackupError(`找不到密钥文件 ${folder ? join(folder, KEY_FILE) : KEY_FILE}：备份不含密钥，请先把备份时的 keys.json 复制到该位置（目录 700，文件 600）再恢复`);
  return loadKeyRing(folder);
}

export interface RestoreResult {
  manifest: BackupManifest;
  report: AuditVerifyReport;
  /** Where the replaced database (--force) and the newer anchor files were moved. */
  movedAside: string[];
}

/** Restores `file` into the database `opts` names; see the module comment for the checks. */
export async function restoreBackup(opts: OpenOptions, file: string, o: { force?: boolean } = {}): Promise<RestoreResult> {
  const keys = restoreKeys(opts);
  const { manifest, dump, checkpoints } = await openBackup(resolve(file), keys);
  const movedAside: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'jianbang-restore-'));
  try {
    const targetKind = opts.url ? 'postgres' : 'pglite';
    if (manifest.kind !== targetKind)
      throw new BackupError(`这是${manifest.kind === 'pglite' ? '内嵌 PGlite' : 'PostgreSQL 服务器'}的备份，不能恢复到${targetKind === 'pglite' ? '内嵌 PGlite' : 'PostgreSQL 服务器'}（请按备份时的方式配置 DATABASE_URL / JIANBANG_DATA_DIR）`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    let database: Database;
    if (targetKind === 'pglite') {
      if (!opts.dataDir || opts.dataDir.startsWith('memory://')) throw new BackupError('恢复内嵌数据库需要数据目录（JIANBANG_DATA_DIR）');
      database = await openDatabase({
        ...opts, keys, command: 'restore', loadDataDir: new Blob([new Uint8Array(dump)]),
        onLocked: (layout) => {
          if (readdirSync(layout.pgliteDir).length === 0) return;
          if (!o.force) throw new BackupError(`数据目录 ${layout.pgliteDir} 中已有数据库：恢复只写入空目录；确需替换时加 --force（原目录会移到一旁保留，不会删除）`);
          const aside = `${layout.pgliteDir}.replaced-${stamp}`;
          renameSync(layout.pgliteDir, aside);
          mkdirSync(layout.pgliteDir);
          movedAside.push(aside);
        },
      }).catch((e) => explainLock(e, '恢复'));
    } else {
      const tool = pgTool('pg_restore');
      database = await openDatabase({ ...opts, keys, command: 'restore' });
      try {
        const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(database.db);
        if (tables.rows[0]!.n > 0) {
          if (!o.force) throw new BackupError('目标数据库中已有数据表：恢复只写入空数据库；确需替换时加 --force（原有的 public 模式会改名保留，不会删除）');
          const aside = `public_replaced_${stamp.slice(0, 19).replace(/-/g, '').replace('T', '_')}`;
          await sql.raw(`alter schema public rename to ${aside}; create schema public`).execute(database.db);
          movedAside.push(`模式 ${aside}`);
        }
        const dumpPath = join(work, manifest.dump.file);
        writeFileSync(dumpPath, dump, { mode: 0o600 });
        const conn = pgConnection(opts.url!);
        run(tool, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${conn.url}`, dumpPath], conn.env, '导入数据库');
      } catch (e) {
        await database.close();
        throw e;
      }
    }
    try {
      await migrate(database);
      const anchor = anchorOf(database.db);
      if (anchor) {
        const h = manifest.auditHead;
        const chains: Parameters<typeof anchor.reset>[0] = h && h.keyedFrom !== null ? { [GLOBAL_CHAIN]: { seq: h.seq, hash: h.hash, keyedFrom: h.keyedFrom } } : {};
        movedAside.push(...anchor.reset(chains, checkpoints, 'before-restore'));
        if (h) anchor.checkpoint(h, 'restore');
      }
      const report = await verifyAuditChain(database.db);
      await inTransaction(database.db, (trx) =>
        appendAudit(trx, {
          actor: SYSTEM_ACTOR, action: 'system.restore', objectType: 'backup', objectId: basename(file),
          reason: `从 ${manifest.createdAt} 做的备份恢复`,
          after: { createdAt: manifest.createdAt, kind: manifest.kind, schemaVersion: manifest.schemaVersion, auditHead: manifest.auditHead, verified: report.ok, movedAside },
        }),
      );
      return { manifest, report, movedAside };
    } finally {
      await database.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function backupCommand(file: string) {
  const opts = databaseOptionsFromEnv();
  const r = await createBackup(opts, file);
  const m = r.manifest;
  console.log(`已备份到 ${r.file}（${m.kind === 'pglite' ? '内嵌 PGlite' : 'PostgreSQL 服务器'}，数据库 ${megabytes(m.dump.bytes)}，结构版本 ${m.schemaVersion}，审计记录到 seq=${m.auditHead?.seq ?? 0}）`);
  console.log(
    `注意：备份不含密钥。请把密钥文件 ${r.keyFolder ? join(r.keyFolder, KEY_FILE) : KEY_FILE}${process.env.JIANBANG_AUDIT_KEY ? ' 和 JIANBANG_AUDIT_KEY' : ''} 另行安全备份（不要与本备份放在一起）；没有它，备份中的加密字段无法读取，审计链也无法校验。`,
  );
}

export async function restoreCommand(file: string, o: { force?: boolean }) {
  const r = await restoreBackup(databaseOptionsFromEnv(), file, o);
  console.log(`已从 ${r.manifest.createdAt} 做的备份恢复（审计记录到 seq=${r.manifest.auditHead?.seq ?? 0}）。`);
  for (const m of r.movedAside) console.log(`  已移到一旁保留：${m}`);
  console.log('恢复后的审计校验：');
  printAuditReport(r.report);
  if (!r.report.ok) process.exitCode = 1;
}
