import type { FastifyInstance } from 'fastify';
import { addRecord, listRecords, updateRecord, voidRecord } from '../../app/household-records/record-use-cases.ts';
import { RECORD_KIND_NAMES, RECORD_KINDS, type RecordKind } from '../../domain/household-records.ts';
import { CLAIM_STATUSES, CLAIM_TYPES, EXPENSE_TYPES, INCOME_TYPES, RISK_TYPES } from '../../policy/types.ts';
import { actorOf } from '../session.ts';
import { chinaDate } from '../../domain/clock.ts';
import { Body, Bool, DateField, EditFields, Id, IdParams, Maybe, Num, Params, Text, type TProperties, Version, Word } from '../schemas.ts';

const tags = ['收入支出与风险'];
type P = { Params: { id: string; recordId: string } };

const Month = (description: string) => Text(7, `${description}（YYYY-MM）`);
const Amount = () => Num('金额（元，最多两位小数）');
const Note = () => Maybe(Text(500, '备注'));

/** Each kind's fields (checkRecord in src/domain/household-records.ts checks what they mean). */
const RECORD_FIELDS: Record<RecordKind, TProperties> = {
  incomes: {
    type: Maybe(Word(INCOME_TYPES, '收入类型')), amount: Maybe(Amount()), from: Maybe(Month('起始月份')), to: Maybe(Month('截止月份')),
    memberId: Maybe(Id('取得收入的成员（可不填）')), note: Note(),
  },
  claims: { type: Maybe(Word(CLAIM_TYPES, '理赔类型')), amount: Maybe(Amount()), month: Maybe(Month('月份')), status: Maybe(Word(CLAIM_STATUSES, '状态')), note: Note() },
  expenses: { type: Maybe(Word(EXPENSE_TYPES, '支出类型')), amount: Maybe(Amount()), month: Maybe(Month('月份')), note: Note() },
  risks: {
    type: Maybe(Word(RISK_TYPES, '风险类型')), selfResolvable: Maybe(Bool('能否自行化解')), incomeDrop: Maybe(Bool('收入骤减')),
    resolved: Maybe(Bool('已解决')), foundOn: Maybe(DateField('发现日期')), resolvedOn: Maybe(DateField('解决日期')), note: Note(),
  },
};

/**
 * /households/:id/{incomes|claims|expenses|risks}: the data the assessment reads (INC-1…3,
 * IDN-3). One route per kind, so each documents and checks its own fields.
 */
export async function householdRecordRoutes(app: FastifyInstance) {
  app.get<P>('/households/:id/records', { schema: { tags, params: IdParams('id'), summary: '本户全部收入、理赔、支出、风险记录' } }, (req) =>
    listRecords(app.db, actorOf(req), Number(req.params.id)),
  );
  for (const kind of RECORD_KINDS) {
    const name = RECORD_KIND_NAMES[kind];
    const fields = RECORD_FIELDS[kind];
    const recordParams = Params({ id: Id(), recordId: Id(`${name}记录编号`) });
    app.post<P>(`/households/:id/${kind}`, { schema: { tags, params: IdParams('id'), body: Body(fields), summary: `新增${name}记录` } }, async (req, reply) =>
      reply.status(201).send(await addRecord(app.db, actorOf(req), kind, Number(req.params.id), req.body, chinaDate(app.now()))),
    );
    app.patch<P>(`/households/:id/${kind}/:recordId`, { schema: { tags, params: recordParams, body: Body({ ...fields, ...EditFields() }), summary: `修改${name}记录（须带 version）` } }, (req) =>
      updateRecord(app.db, actorOf(req), kind, Number(req.params.id), Number(req.params.recordId), req.body),
    );
    app.post<P>(
      `/households/:id/${kind}/:recordId/void`,
      { schema: { tags, params: recordParams, body: Body({ version: Maybe(Version()), reason: Maybe(Text(500, '作废原因')) }), summary: `作废${name}记录（须带 version 与原因）` } },
      (req) => voidRecord(app.db, actorOf(req), kind, Number(req.params.id), Number(req.params.recordId), req.body),
    );
  }
}
