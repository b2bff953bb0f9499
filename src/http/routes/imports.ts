import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { getImportJob } from '../../app/imports/get-import-job.ts';
import { importErrorReport } from '../../app/imports/import-error-report.ts';
import { importTemplate } from '../../app/imports/import-template.ts';
import { IMPORT_SHEETS, importerFor } from '../../app/imports/importers.ts';
import { listImportJobs } from '../../app/imports/list-import-jobs.ts';
import { importLimits } from '../../app/imports/read-table.ts';
import { rerunImportJob } from '../../app/imports/rerun-import-job.ts';
import { startImport } from '../../app/imports/start-import.ts';
import { exportRegistrySheet } from '../../app/imports/export-sheet.ts';
import { authorizeImport, importableSheets } from '../../app/imports/import-access.ts';
import { actorOf } from '../session.ts';
import { acceptUploads, receiveUpload } from '../upload.ts';
import { Body, BoolText, Bool, IdParams, Int, Optional, Page, PageSize, Params, Query, Text, Word } from '../schemas.ts';

const tags = ['导入'];
type Id = { Params: { id: string } };

/** A file download: a Chinese file name the browser keeps (RFC 5987), no caching of personal data. */
export function sendFile(reply: FastifyReply, fileName: string, contentType: string, body: Buffer | Readable) {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'no-store')
    .send(body);
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function importRoutes(app: FastifyInstance) {
  acceptUploads(app);
  app.get('/imports/sheets', { schema: { tags, summary: '可导入的表及其列规格' } }, (req) => {
    const actor = actorOf(req);
    authorizeImport(actor);
    // Only the sheets this account may import (the population: counties; warnings: departments).
    return importableSheets(actor).map((key) => {
      const imp = importerFor(key)!;
      return { key, title: imp.title, sheets: imp.sheets.map((s) => ({ name: s.name, identity: s.identity, columns: s.columns.map((c) => ({ header: c.header, required: c.required, type: c.type, rule: c.rule, clause: c.clause ?? null })) })) };
    });
  });
  app.get<{ Params: { sheet: string } }>('/imports/templates/:sheet', { schema: { tags, params: Params({ sheet: Word(IMPORT_SHEETS, '导入表') }), summary: '下载导入模板（XLSX：表头、下拉选项、说明、示例行）' } }, async (req, reply) => {
    authorizeImport(actorOf(req), req.params.sheet);
    const t = await importTemplate(req.params.sheet);
    return sendFile(reply, t.fileName, XLSX, t.buffer);
  });
  app.get<{ Querystring: { reveal?: string } }>('/imports/households/export.xlsx', { schema: { tags, querystring: Query({ reveal: Optional(BoolText('true：含完整身份证号等（村、乡镇、县级，留痕），可改后重新导入')) }), summary: '按导入格式导出本辖区信息采集表（农户信息与家庭成员）' } }, async (req, reply) => {
    const r = await exportRegistrySheet(app.db, actorOf(req), { reveal: req.query.reveal === 'true' });
    return sendFile(reply, r.fileName, XLSX, r.stream);
  });
  app.post<{ Querystring: { sheet: string; dryRun?: string; fileName?: string } }>(
    '/imports',
    {
      config: { upload: true },
      schema: {
        tags,
        querystring: Query({ sheet: Word(IMPORT_SHEETS, '导入表'), dryRun: Optional(BoolText('true：只校验，不写入')), fileName: Optional(Text(200, '原文件名（显示用）')) }),
        summary: '上传文件导入（请求体为文件本身；后台任务，返回任务编号与进度）',
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      authorizeImport(actor, req.query.sheet);
      const upload = await receiveUpload(req, importLimits().maxBytes);
      try {
        const job = await startImport(app.db, actor, upload, { sheet: req.query.sheet, dryRun: req.query.dryRun === 'true', fileName: req.query.fileName });
        return reply.status(202).send(job);
      } finally {
        await upload.discard();
      }
    },
  );
  app.get<{ Querystring: { sheet?: string; page?: number; pageSize?: number } }>('/imports', { schema: { tags, querystring: Query({ sheet: Optional(Word(IMPORT_SHEETS)), page: Optional(Page()), pageSize: Optional(PageSize(100)) }), summary: '导入任务列表（本辖区）' } }, (req) =>
    listImportJobs(app.db, actorOf(req), req.query),
  );
  app.get<Id & { Querystring: { problems?: number } }>('/imports/:id', { schema: { tags, params: IdParams('id'), querystring: Query({ problems: Optional(Int('列出的问题条数（默认200）', { minimum: 0, maximum: 5000 })) }), summary: '导入任务：进度、结果与问题' } }, (req) =>
    getImportJob(app.db, actorOf(req), Number(req.params.id), { problems: req.query.problems }),
  );
  app.get<Id>('/imports/:id/error-report', { schema: { tags, params: IdParams('id'), summary: '下载错误报告（原文件加“错误说明”列；仅上传人）' } }, async (req, reply) => {
    const r = await importErrorReport(app.db, actorOf(req), Number(req.params.id));
    return sendFile(reply, r.fileName, r.contentType, r.stream);
  });
  app.post<Id & { Body: { dryRun?: boolean } }>('/imports/:id/rerun', { schema: { tags, params: IdParams('id'), body: Body({ dryRun: Optional(Bool('true：只校验')) }), summary: '用同一文件重新运行（中断或改正系统数据之后）' } }, async (req, reply) =>
    reply.status(202).send(await rerunImportJob(app.db, actorOf(req), Number(req.params.id), { dryRun: req.body?.dryRun })),
  );
}
