import { Command } from 'commander';

const program = new Command();
program
  .name('jianbang')
  .description('监帮 — 防止返贫动态监测和帮扶机制信息系统')
  .showHelpAfterError();

program
  .command('serve')
  .description('启动 API 与网页（默认内嵌 PGlite，设置 DATABASE_URL 使用 PostgreSQL 服务器）')
  .option('-p, --port <port>', '端口（默认 PORT 或 3000）')
  .option('--demo', '启动前载入演示数据（如尚未载入）')
  .action(async (o) => (await import('./serve.ts')).serve(o));

program
  .command('migrate')
  .description('执行数据库迁移')
  .action(async () => (await import('./db-commands.ts')).migrateCommand());

program
  .command('demo')
  .description('载入演示数据：一个真实江西县的各级用户与数千户合成农户')
  .option('--seed <n>', '随机种子（相同种子生成相同数据）', '1')
  .option('--households <n>', '户数', '3000')
  .option('--county <code>', '县级区划代码（6位）', '360731')
  .action(async (o) => (await import('./demo.ts')).demoCommand(o));

program
  .command('assess [file]')
  .description('按评估契约评估一户（从文件或标准输入读取 JSON），不需要数据库')
  .action(async (file) => {
    const { runAssess } = await import('./assess.ts');
    process.exitCode = await runAssess(file);
  });

program
  .command('import [file]')
  .description('导入 XLSX 或 CSV 文件（整份文件全部导入或一行也不写入；有错误时列出行、列与原因）')
  .option('--sheet <sheet>', '导入表：households（农户信息与家庭成员）、members 等，见 docs/data-exchange.md', 'households')
  .option('--county <code>', '6位县级区划代码（导入范围）')
  .option('--region <code>', '12位区划代码（导入范围限于该乡镇或村时）')
  .option('--dry-run', '只校验，不写入')
  .option('--report <file>', '有错误时把错误报告（原文件加“错误说明”列）写到该文件')
  .option('--rerun <job>', '用导入任务保存的文件重新运行（任务被中断之后）')
  .action(async (file, o) => {
    process.exitCode = await (await import('./import.ts')).importCommand(file, o);
  });

program
  .command('simulate')
  .description('假设调整监测范围：重新评估辖区内所有农户，按区域统计建议结论的变化（不写入）')
  .requiredOption('--threshold <yuan>', '假设的监测范围（元/人/年）')
  .option('--as-of <date>', '评估日期 YYYY-MM-DD（默认今天）')
  .option('--region <code>', '12位区划代码（默认全省）')
  .option('--json', '输出 JSON')
  .action(async (o) => (await import('./simulate.ts')).simulateCommand(o));

program
  .command('backup <file>')
  .description('备份数据库到一个文件（内嵌 PGlite 或 PostgreSQL 服务器；不含密钥，密钥文件须另行备份）；内嵌数据库须先停止服务器')
  .action(async (file) => (await import('./backup.ts')).backupCommand(file));

program
  .command('restore <file>')
  .description('从备份文件恢复到配置的数据库（只写入空的数据目录/数据库），恢复后校验审计日志并记入审计')
  .option('--force', '目标已有数据时仍恢复：原数据目录（或 public 模式）移到一旁保留，不删除')
  .action(async (file, o) => (await import('./backup.ts')).restoreCommand(file, o));

const audit = program.command('audit').description('审计日志');
audit
  .command('verify')
  .description('用审计密钥校验哈希链，并与库外的头部锚点和检查点比对，指出被删除或改写的记录；有问题时退出码为 1')
  .option('--reanchor', '记录本身完好而锚点丢失或损坏时，按数据库现状重新建立头部锚点（原文件移到一旁，记入审计日志）')
  .option('--reason <text>', '重新建立锚点的原因')
  .action(async (o) => (await import('./db-commands.ts')).auditVerifyCommand(o));

const keys = program.command('keys').description('数据加密密钥（身份证号、电话、银行账号加密存储，SEC-7）');
const keysRun = (action: 'status' | 'rotate' | 'retire') => async (o: { batch?: string; reason?: string }) => {
  process.exitCode = await (await import('./keys.ts')).keysCommand(action, o);
};
keys.command('status').description('各数据密钥加密了多少值').action(keysRun('status'));
keys
  .command('rotate')
  .description('启用新数据密钥，并分批重新加密全部数据（服务不停机；内嵌数据库运行中时请在网页安全设置中轮换）')
  .option('--batch <n>', '每批行数（1-5000）', '1000')
  .option('--reason <text>', '轮换原因（记入审计日志）')
  .action(keysRun('rotate'));
keys.command('retire').description('从密钥文件删除不再有数据使用的旧密钥（仍有数据使用时拒绝）').action(keysRun('retire'));
const admin = program.command('admin').description('三员账号（系统管理员、安全管理员、审计管理员）：只能在服务器上用命令行创建与重置');
const adminRun = (name: string, run: (m: typeof import('./admin.ts'), db: import('../store/transaction.ts').Db) => Promise<void>) => async () => {
  const m = await import('./admin.ts');
  await m.runAdmin(name, (database) => run(m, database.db));
};
admin
  .command('create')
  .description('创建三员账号，打印一次性密码（首次登录须改密码并绑定身份验证器）')
  .requiredOption('--role <role>', 'system_admin | security_admin | audit_admin')
  .requiredOption('--username <username>', '用户名（3-64位字母、数字或 _ . -）')
  .requiredOption('--name <name>', '名称，如 安全管理员')
  .option('--region <code>', '12位区划代码（默认全省 360000000000）')
  .option('--reason <text>', '原因（记入审计日志）')
  .action((o) => adminRun('create', (m, db) => m.adminCreate(db, o, console.log))());
admin
  .command('reset-password')
  .description('为账号生成新的一次性密码（结束其会话，解除锁定）')
  .requiredOption('--username <username>', '用户名')
  .option('--reason <text>', '原因（记入审计日志）')
  .action((o) => adminRun('reset-password', (m, db) => m.adminResetPassword(db, o, console.log))());
admin
  .command('reset-2fa')
  .description('重置账号的双因素认证（结束其会话，下次登录重新绑定）')
  .requiredOption('--username <username>', '用户名')
  .option('--reason <text>', '原因（记入审计日志）')
  .action((o) => adminRun('reset-2fa', (m, db) => m.adminResetTwoFactor(db, o, console.log))());
admin
  .command('unlock')
  .description('解除账号锁定')
  .requiredOption('--username <username>', '用户名')
  .option('--reason <text>', '原因（记入审计日志）')
  .action((o) => adminRun('unlock', (m, db) => m.adminUnlock(db, o, console.log))());
admin
  .command('list')
  .description('列出三员账号及其状态')
  .action(adminRun('list', (m, db) => m.adminList(db, console.log)));

program.parseAsync(process.argv).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(1);
});
