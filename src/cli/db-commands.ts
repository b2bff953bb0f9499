import { SYSTEM_ACTOR } from '../app/actor.ts';
import { databaseOptionsFromEnv, openDatabase } from '../store/connection.ts';
import { migrate } from '../store/migrate.ts';
import { appendAudit, firstKeyedSeq, verifyAuditChain, type AuditVerifyReport } from '../store/audit.ts';
import { anchorOf, GLOBAL_CHAIN } from '../store/audit-anchor.ts';
import { inTransaction, type Db } from '../store/transaction.ts';

export async function migrateCommand() {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'migrate' });
  try {
    const applied = await migrate(database, (m) => console.log(m));
    console.log(applied.length ? `完成，共应用 ${applied.length} 个迁移` : '数据库已是最新');
  } finally {
    await database.close();
  }
}

/** Checks the chain with the key, the head and the checkpoints, printing progress on stderr; true when all matched. */
export async function verifyAndPrint(db: Db): Promise<AuditVerifyReport> {
  const report = await verifyAuditChain(db, { onProgress: (n) => process.stderr.write(`\r已校验 ${n} 条`) });
  process.stderr.write('\n');
  printAuditReport(report);
  return report;
}

export function printAuditReport(report: AuditVerifyReport) {
  if (report.ok) {
    const anchored = report.head ? `，与头部锚点（seq=${report.head.seq}）和 ${report.checkpoints} 个检查点一致` : '';
    console.log(`审计日志完整：共 ${report.checked} 条，哈希链与审计密钥校验通过${anchored}`);
  } else {
    console.log(`审计日志有 ${report.problems.length} 处问题：`);
    for (const p of report.problems) console.log(`  - ${p.message}`);
    console.log(`（从第一条起连续 ${report.checked} 条记录的链接与哈希校验通过）`);
  }
  for (const n of report.notes) console.log(`说明：${n}`);
}

export async function auditVerifyCommand(o: { reanchor?: boolean; reason?: string } = {}) {
  if (o.reanchor && !o.reason?.trim()) throw new Error('重新建立锚点须用 --reason 说明原因（记入审计日志）');
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'audit verify' });
  try {
    // Only the schema: verifying must not write (no first admin, no regions) before it has looked.
    await migrate(database);
    const report = await verifyAndPrint(database.db);
    if (o.reanchor) await reanchor(database.db, report, o.reason!.trim());
    else if (!report.ok) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

/**
 * A lost or damaged head (moved to a new machine without it, a disk error) is reported until an
 * operator has looked and re-anchors. Only the anchor is replaced: a damaged table is refused.
 */
async function reanchor(db: Db, report: AuditVerifyReport, reason: string) {
  const anchor = anchorOf(db);
  if (!anchor) throw new Error('该数据库没有审计锚点');
  // Only a lost anchor is replaced; evidence of deleted or changed entries is never overwritten.
  if (report.problems.some((p) => !p.lost)) {
    process.exitCode = 1;
    return console.log('上面的问题表明审计记录被删除或改写，不能重新建立锚点（它只替换丢失或无法读取的锚点文件）：请调查，并从备份恢复（npx jianbang restore FILE）。');
  }
  const keyedFrom = await firstKeyedSeq(db);
  if (!report.last || keyedFrom === null) return console.log('还没有用审计密钥计算的记录，无需建立锚点（第一次写入时自动建立）。');
  const moved = anchor.reset({ [GLOBAL_CHAIN]: { seq: report.last.seq, hash: report.last.hash, keyedFrom } }, '', 'replaced');
  anchor.checkpoint(report.last, 'reanchor');
  await inTransaction(db, (trx) =>
    appendAudit(trx, {
      actor: SYSTEM_ACTOR, action: 'audit.reanchor', objectType: 'audit_anchor', objectId: anchor.where, reason,
      before: { problems: report.problems.map((p) => p.message), movedAside: moved },
      after: { seq: report.last!.seq, hash: report.last!.hash, keyedFrom },
    }),
  );
  console.log(`已重新建立头部锚点：seq=${report.last.seq}（原文件已移至 ${moved.join('、') || '—'}）。复核：`);
  const again = await verifyAndPrint(db);
  if (!again.ok) process.exitCode = 1;
}
