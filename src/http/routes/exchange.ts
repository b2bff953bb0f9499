import type { FastifyInstance } from 'fastify';
import { exportNational } from '../../app/exchange/export-national.ts';
import { reconcileNational } from '../../app/exchange/reconcile-national.ts';
import { getReconciliation, listReconciliations, type ItemQuery } from '../../app/exchange/get-reconciliation.ts';
import { exportReconciliation } from '../../app/exchange/export-reconciliation.ts';
import { authorizeExchange } from '../../app/exchange/access.ts';
import { importLimits } from '../../app/imports/read-table.ts';
import { chinaDate } from '../../domain/clock.ts';
import { RECONCILIATION_KINDS } from '../../domain/sheets/national.ts';
import { actorOf } from '../session.ts';
import { acceptUploads, receiveUpload } from '../upload.ts';
import { Enum, IdParams, Optional, Page, PageSize, Query, Type } from '../schemas.ts';

const tags = ['全国系统交换'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;
const KindQuery = Optional(Enum(RECONCILIATION_KINDS, '只看该类：only_in_national | only_in_jianbang | field_differs | entry_overdue'));

/** Exchange with the national monitoring system (DAT-4): export in its layout, reconciliation with its export. */
export async function exchangeRoutes(app: FastifyInstance) {
  acceptUploads(app);
  const today = () => chinaDate(app.now());

  app.get<{ Querystring: { countyCode?: string } }>(
    '/exchange/national/export.xlsx',
    {
      schema: {
        tags, summary: '导出全国系统格式（防止返贫监测对象信息采集表：户信息、家庭成员）',
        querystring: Query({ countyCode: Optional(Type.String({ pattern: '^[0-9]{6}$', description: '6位县级代码（县级用户可不填：本县）', 'x-message': '县级代码应为6位数字' })) }),
      },
    },
    async (req, reply) => {
      const { filename, stream } = await exportNational(app.db, actorOf(req), req.query);
      return reply.header('content-type', XLSX).header('content-disposition', attachment(filename)).send(stream);
    },
  );

  app.post(
    '/exchange/national/reconciliations',
    { config: { upload: true }, schema: { tags, summary: '上传全国系统导出文件对账（请求体为 .xlsx 或 .csv 文件本身）' } },
    async (req, reply) => {
      const actor = actorOf(req);
      // Refused before a byte of the file is stored.
      authorizeExchange(actor);
      const upload = await receiveUpload(req, importLimits().maxBytes);
      try {
        return reply.status(201).send(await reconcileNational(app.db, actor, upload, today()));
      } finally {
        await upload.discard();
      }
    },
  );

  app.get<{ Querystring: { page?: number; pageSize?: number } }>(
    '/exchange/national/reconciliations',
    { schema: { tags, summary: '对账记录（本辖区）', querystring: Query({ page: Optional(Page()), pageSize: Optional(PageSize(100)) }) } },
    (req) => listReconciliations(app.db, actorOf(req), req.query),
  );

  app.get<{ Params: { id: string }; Querystring: ItemQuery }>(
    '/exchange/national/reconciliations/:id',
    { schema: { tags, summary: '对账结果及差异清单', params: IdParams(), querystring: Query({ kind: KindQuery, page: Optional(Page()), pageSize: Optional(PageSize(100)) }) } },
    (req) => getReconciliation(app.db, actorOf(req), Number(req.params.id), req.query),
  );

  app.get<{ Params: { id: string }; Querystring: { kind?: string } }>(
    '/exchange/national/reconciliations/:id/items/export.xlsx',
    { schema: { tags, summary: '导出差异清单（XLSX）', params: IdParams(), querystring: Query({ kind: KindQuery }) } },
    async (req, reply) => {
      const { filename, stream } = await exportReconciliation(app.db, actorOf(req), Number(req.params.id), req.query);
      return reply.header('content-type', XLSX).header('content-disposition', attachment(filename)).send(stream);
    },
  );
}
