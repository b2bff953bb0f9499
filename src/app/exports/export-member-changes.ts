import { RELATION_NAMES } from '../../domain/household.ts';
import { DIRECTION_NAMES, EVIDENCE_NAMES, REASON_NAMES } from '../../domain/member-change.ts';
import { SEX_NAMES } from '../../domain/sheets/registry.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { listMemberChanges, type MemberChangeListQuery } from '../member-changes/list-member-changes.ts';
import { listExport, listPages, named, type ExportColumn } from './xlsx-list.ts';

type Item = Awaited<ReturnType<typeof listMemberChanges>>['items'][number];
const PAGE = 100; // the list's largest page

/** The 人口自然变更 columns; the ID number masked and the birth date as its year, as on screen (SEC-3). */
const COLUMNS: ExportColumn<Item>[] = [
  { header: '所在村', width: 16, value: (r) => r.regionName },
  { header: '村区划代码', width: 14, value: (r) => r.regionCode },
  { header: '户编号', width: 9, value: (r) => r.householdId },
  { header: '类型', width: 9, value: (r) => named(DIRECTION_NAMES, r.direction) },
  { header: '原因', width: 12, value: (r) => named(REASON_NAMES, r.reason) },
  { header: '姓名', width: 10, value: (r) => r.name },
  { header: '与户主关系', width: 10, value: (r) => named(RELATION_NAMES, r.relation) },
  { header: '身份证号', width: 21, value: (r) => r.idNumber },
  { header: '性别', width: 6, value: (r) => named(SEX_NAMES, r.sex) },
  { header: '出生年份', width: 8, value: (r) => r.birthYear },
  // A birth's date is the newborn's birth date: the year only, like the birth date.
  { header: '变更日期', width: 11, value: (r) => r.eventDate ?? `${r.eventYear}年` },
  { header: '登记日期', width: 11, value: (r) => r.recordedOn },
  { header: '登记期限', width: 11, value: (r) => r.dueOn },
  { header: '逾期登记', width: 8, value: (r) => r.overdue },
  { header: '佐证材料', width: 16, value: (r) => named(EVIDENCE_NAMES, r.evidenceType) },
  { header: '佐证材料编号', width: 16, value: (r) => r.evidenceRef },
  { header: '登记人', width: 12, value: (r) => r.recordedBy },
  { header: '备注', width: 24, value: (r) => r.note },
];

/** The member changes of the actor's region as XLSX (DAT-2), with the list's filters. */
export async function exportMemberChanges(db: Db, actor: Actor, q: Omit<MemberChangeListQuery, 'page' | 'pageSize'>) {
  const { pages } = await listPages(PAGE, (page) => listMemberChanges(db, actor, { ...q, page, pageSize: PAGE }));
  return listExport(db, actor, {
    list: 'member_changes', title: '人口自然增减', filter: { ...q },
    sheets: [{ name: '人口自然增减', columns: COLUMNS, pages }],
  });
}
