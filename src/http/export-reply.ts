import type { FastifyReply } from 'fastify';
import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import { chinaDate } from '../domain/clock.ts';
import type { ListExport } from '../app/exports/xlsx-list.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The query schema of a list's export: the list's filters, without its paging (DAT-2). */
export function exportQuery<P extends TProperties>(list: TObject<P>) {
  return Type.Omit(list, ['page', 'pageSize'], { additionalProperties: false });
}

/**
 * Sends a list export as a download: streamed (the reply pipes the workbook as it is written),
 * named with its Chinese title and the day, `农户名单_2024-06-03.xlsx` (RFC 6266 / 5987).
 */
export function sendExport(reply: FastifyReply, exp: ListExport, now: Date) {
  const name = `${exp.title}_${chinaDate(now)}.xlsx`;
  return reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(exp.stream);
}
