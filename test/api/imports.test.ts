import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { importsIdle } from '../../src/app/imports/import-queue.ts';
import { MEMBERS_SHEET } from '../../src/domain/sheets/registry.ts';
import { API, createTestApp, type TestApp } from '../helpers/app.ts';
import { nextIdNumber } from '../helpers/households.ts';
import { csv, readWorkbook, registryRows, registryWorkbook, workbook, zipBomb } from '../helpers/import-files.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function upload(user: string, file: Buffer, query = 'sheet=households') {
  const res = await t.as(user).inject({ method: 'POST', url: `${API}/imports?${query}`, headers: { 'content-type': 'application/octet-stream' }, payload: file });
  return res;
}

/** Uploads and waits for the background job to end. */
async function importFile(user: string, file: Buffer, query = 'sheet=households') {
  const res = await upload(user, file, query);
  expect(res.statusCode, res.body).toBe(202);
  await importsIdle(t.db);
  const job = await t.as(user).get(`${API}/imports/${res.json().id}?problems=20`);
  expect(job.statusCode).toBe(200);
  const view = job.json();
  // Failures print what the job said (the assertion diff alone hides it).
  if (view.status !== 'succeeded') console.log(`job ${view.id} ${view.status}: ${view.message} ${JSON.stringify(view.problems)}`);
  return view;
}

const householdCount = async () => Number((await t.db.selectFrom('household').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('import template', () => {
  it('has the data sheets, drop-downs for enums, 说明 and an example row', async () => {
    const res = await t.as('county').get(`${API}/imports/templates/households`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('农户信息采集表'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['农户信息', '家庭成员', '说明', '选项']);
    const members = wb.getWorksheet('家庭成员')!;
    expect((members.getRow(1).values as unknown[]).slice(1)).toEqual(MEMBERS_SHEET.columns.map((c) => c.header));
    const relationCol = MEMBERS_SHEET.columns.findIndex((c) => c.header === '与户主关系') + 1;
    const validation = (members as any).dataValidations.model;
    const listed = Object.entries<any>(validation).find(([range]) => range.startsWith(String.fromCharCode(64 + relationCol)));
    expect(listed?.[1].type).toBe('list');
    expect(members.getRow(2).getCell(relationCol).value).toBe('户主');
    const notes = wb.getWorksheet('说明')!;
    const text: string[] = [];
    notes.eachRow((r) => text.push((r.values as unknown[]).join(' ')));
    expect(text.join('\n')).toContain('Q19');
    expect(text.join('\n')).toContain('共同生活');
  });

  it('is refused to roles that do not import, and for an unknown sheet', async () => {
    expect((await t.as('city').get(`${API}/imports/templates/households`)).statusCode).toBe(403);
    expect((await t.as('county').get(`${API}/imports/templates/nothing`)).statusCode).toBe(404);
  });
});

describe('import of the registry', () => {
  const head1 = { name: '赵一', idNumber: nextIdNumber('male') };
  const head2 = { name: '钱二', idNumber: nextIdNumber('female') };
  let file: Buffer;

  it('creates households with their members, all in one job with its audit entry', async () => {
    file = await registryWorkbook(
      registryRows([
        { region: t.regions.villageA, head: head1, members: [{ name: '赵小一', idNumber: nextIdNumber('male'), relation: '子女', 劳动能力: '无劳动能力', 在校情况: '小学' }] },
        { region: t.regions.villageB, head: { ...head2, phone: '13812345678' } },
      ]),
    );
    const before = await householdCount();
    const job = await importFile('county', file);
    expect(job.status, JSON.stringify(job.problems)).toBe('succeeded');
    expect(job).toMatchObject({ created: 5, updated: 0, rowsRead: 5 });
    expect(await householdCount()).toBe(before + 2);
    const list = await t.as('county').get(`${API}/households?q=${encodeURIComponent('赵一')}`);
    expect(list.json().items).toHaveLength(1);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('object_type', '=', 'import_job').where('object_id', '=', String(job.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(['import.run']);
    expect(audit[0]!.after).toMatchObject({ fileSha256: job.fileSha256, created: 5 });
    // The stored file is dropped once the job has succeeded.
    expect(await t.db.selectFrom('import_file_chunk').select('seq').where('job_id', '=', job.id).execute()).toHaveLength(0);
  });

  it('re-importing the same file changes nothing and says so', async () => {
    const auditBefore = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const job = await importFile('county', file);
    expect(job, `${job.message} ${JSON.stringify(job.problems)}`).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 5 });
    expect(job.message).toContain('没有改动');
    const auditAfter = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(auditAfter.n) - Number(auditBefore.n)).toBe(1); // the job's own entry only
  });

  it('a changed value updates the record with version and audit', async () => {
    const changed = registryRows([{ region: t.regions.villageB, head: { ...head2, phone: '13900001111' } }]);
    const job = await importFile('county', await workbook([{ spec: MEMBERS_SHEET, rows: changed.members }]), 'sheet=members');
    expect(job).toMatchObject({ status: 'succeeded', updated: 1, created: 0 });
    const m = await t.db.selectFrom('member').select(['id', 'version', 'phone']).where('name', '=', '钱二').executeTakeFirstOrThrow();
    expect(m.version).toBe(2);
    expect(m.phone).toBe('13900001111');
    const entry = await t.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'member.update').where('object_id', '=', String(m.id)).executeTakeFirstOrThrow();
    expect(JSON.stringify(entry)).not.toContain('13900001111'); // masked in the log
  });

  it('a dry run validates and says what it would do, writing nothing', async () => {
    const fresh = registryRows([{ region: t.regions.villageA, head: { name: '孙三', idNumber: nextIdNumber() } }]);
    const before = await householdCount();
    const job = await importFile('county', await registryWorkbook(fresh), 'sheet=households&dryRun=true');
    expect(job).toMatchObject({ status: 'succeeded', dryRun: true, created: 2 });
    expect(job.message).toContain('未写入');
    expect(await householdCount()).toBe(before);
  });

  it('a file with one bad row writes nothing; the report names row, column and reason', async () => {
    const rows = registryRows(
      Array.from({ length: 30 }, (_, i) => ({ region: t.regions.villageA, head: { name: `周${i}`, idNumber: nextIdNumber() } })),
    );
    rows.members[17]!['身份证号'] = '360731199001011230'; // wrong check digit
    rows.members[20]!['劳动能力'] = '很强';
    const before = await householdCount();
    const job = await importFile('county', await registryWorkbook(rows));
    expect(job.status).toBe('rejected');
    expect(await householdCount()).toBe(before);
    expect(job.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sheet: '家庭成员', row: 19, column: '身份证号', reason: expect.stringContaining('校验') }),
        expect.objectContaining({ sheet: '家庭成员', row: 22, column: '劳动能力', reason: expect.stringContaining('有劳动能力') }),
      ]),
    );
    // The masked value only: no whole ID number in the job view.
    expect(JSON.stringify(job.problems)).not.toMatch(/\d{17}[\dX]/);
    expect(job.hasErrorReport).toBe(true);
    const report = await t.as('county').get(`${API}/imports/${job.id}/error-report`);
    expect(report.statusCode).toBe(200);
    const sheets = await readWorkbook(report.rawPayload);
    const members = sheets['家庭成员']!;
    const errorCol = members[0]!.indexOf('错误说明');
    expect(errorCol).toBe(MEMBERS_SHEET.columns.length);
    expect(String(members[18]![errorCol])).toContain('【身份证号】');
    expect(members[17]![errorCol] ?? '').toBe('');
    // Only the uploader gets the report (it is the whole file).
    expect((await t.as('county2').get(`${API}/imports/${job.id}/error-report`)).statusCode).toBe(403);
  });

  it('reads GB18030 CSV written by Chinese Excel', async () => {
    const rows = registryRows([{ region: t.regions.villageA, head: { name: '吴四', idNumber: nextIdNumber() }, members: [{ name: '吴小四', idNumber: nextIdNumber(), 健康状况: '长期慢性病' }] }]);
    rows.members.forEach((m) => (m['负责村区划代码'] = t.regions.villageA));
    const job = await importFile('county', csv(MEMBERS_SHEET, rows.members, 'gbk'), 'sheet=members');
    expect(job, JSON.stringify(job.problems)).toMatchObject({ status: 'succeeded', created: 3, fileKind: 'csv', fileEncoding: 'gb18030' });
    const m = await t.db.selectFrom('member').select(['name', 'health']).where('name', '=', '吴小四').executeTakeFirstOrThrow();
    expect(m.health).toBe('chronic');
  });

  it('rows outside the importer’s region are errors, not silent skips', async () => {
    const rows = registryRows([
      { region: t.regions.villageA, head: { name: '郑五', idNumber: nextIdNumber() } },
      { region: t.regions.villageB, head: { name: '王六', idNumber: nextIdNumber() } },
    ]);
    const job = await importFile('village', await registryWorkbook(rows));
    expect(job.status).toBe('rejected');
    expect(job.problems).toEqual([expect.objectContaining({ sheet: '农户信息', row: 3, column: '负责村区划代码', reason: expect.stringContaining('辖区') })]);
  });

  it('a number registered in another household or county is refused without saying where', async () => {
    const rows = registryRows([{ region: t.regions.villageA, head: { name: '冯七', idNumber: nextIdNumber() }, members: [{ name: '赵一', idNumber: head1.idNumber }] }]);
    const job = await importFile('county', await registryWorkbook(rows));
    expect(job.status).toBe('rejected');
    expect(job.problems[0]).toMatchObject({ column: '身份证号', reason: expect.stringContaining('已有登记') });
  });

  it('refuses what is not XLSX or CSV, a zip bomb and an oversized file before any job', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const res = await upload('county', png);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'file', message: expect.stringContaining('XLSX') });
    const empty = await upload('county', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    const old = process.env.JIANBANG_IMPORT_MAX_MB;
    process.env.JIANBANG_IMPORT_MAX_MB = '1';
    try {
      const big = await upload('county', Buffer.alloc(2 * 1024 * 1024, 0x41));
      expect(big.statusCode).toBe(413);
      expect(big.json().errors[0].message).toContain('文件过大');
    } finally {
      if (old === undefined) delete process.env.JIANBANG_IMPORT_MAX_MB;
      else process.env.JIANBANG_IMPORT_MAX_MB = old;
    }
  });

  it('a file of several thousand rows: one bad row in the middle writes nothing, the corrected file imports whole', async () => {
    const rows = registryRows(
      Array.from({ length: 1500 }, (_, i) => ({ region: i % 2 ? t.regions.villageA : t.regions.villageB, head: { name: `大${i}`, idNumber: nextIdNumber() }, members: [{ name: `大子${i}`, idNumber: nextIdNumber('female'), 与户主关系: '配偶' }] })),
    );
    const good = rows.members[1601]!['出生日期'];
    rows.members[1601]!['出生日期'] = '1899-13-01';
    const before = await householdCount();
    const bad = await importFile('county', await registryWorkbook(rows));
    expect(bad).toMatchObject({ status: 'rejected', rowsRead: 4500, problemCount: 1 });
    expect(bad.problems[0]).toMatchObject({ sheet: '家庭成员', row: 1603, column: '出生日期' });
    expect(await householdCount()).toBe(before);
    rows.members[1601]!['出生日期'] = good ?? null;
    const job = await importFile('county', await registryWorkbook(rows));
    expect(job).toMatchObject({ status: 'succeeded', created: 4500, rowsRead: 4500, rowsWritten: 4500 });
    expect(await householdCount()).toBe(before + 1500);
    const audits = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('reason', 'like', `%导入任务 ${job.id}）`).executeTakeFirstOrThrow();
    expect(Number(audits.n)).toBe(1500); // one entry per household created, with its members
  });

  it('refuses a zip bomb before parsing it', async () => {
    const res = await upload('county', zipBomb());
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toContain('压缩炸弹');
  });

  it('lists the jobs of the actor’s region only, and refuses other roles', async () => {
    const mine = await t.as('county').get(`${API}/imports`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().total).toBeGreaterThan(3);
    const other = await t.as('othercounty').get(`${API}/imports`);
    expect(other.json().total).toBe(0);
    const job = mine.json().items[0];
    expect((await t.as('othercounty').get(`${API}/imports/${job.id}`)).statusCode).toBe(404);
    expect((await t.as('city').get(`${API}/imports`)).statusCode).toBe(403);
  });
});
