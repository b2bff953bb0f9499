import { bootstrap } from '../app/bootstrap.ts';
import { databaseOptionsFromEnv, openDatabase } from '../store/connection.ts';
import { migrate } from '../store/migrate.ts';
import { verifyAuditChain } from '../store/audit.ts';

export async function migrateCommand() {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'migrate' });
  try {
    const applied = await migrate(database, (m) => console.log(m));
    console.log(applied.length ? `完成，共应用 ${applied.length} 个迁移` : '数据库已是最新');
  } finally {
    await database.close();
  }
}

export async function auditVerifyCommand() {
  const database = await openDatabase({ ...databaseOptionsFromEnv(), command: 'audit verify' });
  try {
    await bootstrap(database);
    const report = await verifyAuditChain(database.db, (n) => process.stderr.write(`\r已校验 ${n} 条`));
    process.stderr.write('\n');
    if (report.ok) console.log(`审计日志完整：共 ${report.checked} 条，哈希链校验通过`);
    else {
      console.log(`审计日志被篡改：第一条异常记录 seq=${report.firstBroken!.seq}（${report.firstBroken!.problem}）；此前 ${report.checked} 条校验通过`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}
