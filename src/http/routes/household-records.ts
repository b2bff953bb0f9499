import type { FastifyInstance } from 'fastify';
import { addRecord, listRecords, updateRecord, voidRecord } from '../../app/household-records/record-use-cases.ts';
import { notFound } from '../../app/errors.ts';
import { isRecordKind, type RecordKind } from '../../domain/household-records.ts';
import { actorOf } from '../session.ts';
import { chinaDate } from '../../domain/clock.ts';
import { Id, IdParams, Params, Text } from '../schemas.ts';

const tags = ['收入支出与风险'];
type P = { Params: { id: string; kind: string; recordId: string } };
const RecordParams = Params({ id: Id(), kind: Text(20, 'incomes | claims | expenses | risks') });
const RecordIdParams = Params({ id: Id(), kind: Text(20, 'incomes | claims | expenses | risks'), recordId: Id() });

function kindOf(k: string): RecordKind {
  if (!isRecordKind(k)) throw notFound('接口不存在');
  return k;
}

/** /households/:id/{incomes|claims|expenses|risks}: the data the assessment reads (INC-1…3, IDN-3). */
export async function householdRecordRoutes(app: FastifyInstance) {
  app.get<P>('/households/:id/records', { schema: { tags, params: IdParams('id'), summary: '本户全部收入、理赔、支出、风险记录' } }, (req) =>
    listRecords(app.db, actorOf(req), Number(req.params.id)),
  );
  app.post<P>('/households/:id/:kind', { schema: { tags, params: RecordParams, summary: '新增记录（kind = incomes | claims | expenses | risks）' } }, async (req, reply) =>
    reply.status(201).send(await addRecord(app.db, actorOf(req), kindOf(req.params.kind), Number(req.params.id), req.body, chinaDate(app.now()))),
  );
  app.patch<P>('/households/:id/:kind/:recordId', { schema: { tags, params: RecordIdParams, summary: '修改记录（须带 version）' } }, (req) =>
    updateRecord(app.db, actorOf(req), kindOf(req.params.kind), Number(req.params.id), Number(req.params.recordId), req.body),
  );
  app.post<P>('/households/:id/:kind/:recordId/void', { schema: { tags, params: RecordIdParams, summary: '作废记录（须带 version 与原因）' } }, (req) =>
    voidRecord(app.db, actorOf(req), kindOf(req.params.kind), Number(req.params.id), Number(req.params.recordId), req.body),
  );
}
