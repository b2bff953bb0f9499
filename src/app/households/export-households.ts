import { padRegionCode } from '../../domain/region-code.ts';
import { HOUSEHOLD_KIND_NAMES } from '../../domain/sheets/registry.ts';
import { CATEGORY_NAMES } from '../../policy/labels.ts';
import { householdExportPage, regionNamesOf } from '../../store/exports.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { MONITORING_STATUS_NAMES } from '../exports/labels.ts';
import { keysetPages, listExport, named, type ExportColumn } from '../exports/xlsx-list.ts';
import { householdFilter, householdListItem, type ListQuery } from './list-households.ts';

type Item = ReturnType<typeof householdListItem> & { province: string; city: string; county: string; township: string };

/** Ancestors of a village: province, city, county, township (12-digit codes). */
const ancestors = (code: string) => [2, 4, 6, 9].map((n) => padRegionCode(code.slice(0, n)));

const COLUMNS: ExportColumn<Item>[] = [
  { header: '户编号', width: 10, value: (r) => r.id },
  { header: '省', width: 10, value: (r) => r.province },
  { header: '市', width: 10, value: (r) => r.city },
  { header: '县', width: 10, value: (r) => r.county },
  { header: '乡镇', width: 12, value: (r) => r.township },
  { header: '村', width: 14, value: (r) => r.regionName },
  { header: '村民小组', width: 10, value: (r) => r.villageGroup },
  { header: '户主姓名', width: 10, value: (r) => r.headName },
  { header: '户主身份证号', width: 21, value: (r) => r.headIdNumber },
  { header: '人口数', width: 7, value: (r) => r.memberCount },
  { header: '户类型', width: 9, value: (r) => named(HOUSEHOLD_KIND_NAMES, String(r.formerlyPoor)) },
  { header: '监测状态', width: 20, value: (r) => named(MONITORING_STATUS_NAMES, r.monitoringStatus) },
  { header: '监测类别', width: 14, value: (r) => named(CATEGORY_NAMES, r.monitoringCategory) },
  { header: '识别日期', width: 11, value: (r) => r.identifiedOn },
  { header: '风险消除日期', width: 12, value: (r) => r.eliminatedOn },
  { header: '低保户', width: 7, value: (r) => r.dibao },
  { header: '特困户', width: 7, value: (r) => r.tekun },
];

/**
 * The household list as XLSX (DAT-2): the list's filter, scope and rows (masked as on screen),
 * with the names of the province, city, county, township and village. Region names come from one
 * lookup per page of the codes not seen before, not a query per row.
 */
export async function exportHouseholds(db: Db, actor: Actor, query: ListQuery) {
  authorize(actor, 'household:read');
  authorize(actor, 'household:export');
  const { regionPattern, q, monitoringStatus, formerlyPoor } = householdFilter(actor, { ...query, page: 1, pageSize: 1 });
  const f = { regionPattern, q, monitoringStatus, formerlyPoor };
  const names = new Map<string, string>();
  /** Village code → its province, city, county and township names, filled a page at a time. */
  const above = new Map<string, string[]>();
  async function* pages() {
    for await (const rows of keysetPages((before, limit) => householdExportPage(db, f, before, limit), (r) => r.id)) {
      const villages = [...new Set(rows.map((r) => r.region_code))].filter((c) => !above.has(c));
      const missing = [...new Set(villages.flatMap(ancestors))].filter((c) => !names.has(c));
      for (const [code, name] of await regionNamesOf(db, missing)) names.set(code, name);
      for (const v of villages) above.set(v, ancestors(v).map((c) => names.get(c) ?? ''));
      yield rows.map((r) => {
        const [province, city, county, township] = above.get(r.region_code)!;
        return { ...householdListItem(actor, r), province: province!, city: city!, county: county!, township: township! };
      });
    }
  }
  return listExport(db, actor, {
    list: 'households', title: '农户名单', filter: { regionCode: query.regionCode, q: query.q, monitoringStatus: query.monitoringStatus, formerlyPoor: query.formerlyPoor },
    sheets: [{ name: '农户名单', columns: COLUMNS, pages }],
  });
}
