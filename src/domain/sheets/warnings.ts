/**
 * Line-department warnings (WRN-1) as rows: the one check every channel uses — the page, the
 * department system's API and the XLSX/CSV file through the import engine.
 */
import { idNumberProblem } from '../id-number.ts';
import type { Check } from '../validation.ts';
import { WARNING_TYPE_CODES, WARNING_TYPE_NAMES, type WarningTypeCode } from '../warnings.ts';
import type { SheetSpec } from './spec.ts';

export const WARNINGS_SHEET: SheetSpec = {
  key: 'warnings',
  name: '行业部门预警',
  title: '行业部门预警',
  identity: '每行一条预警：以身份证号匹配监测系统中的人员；同一人同一类预警已有办理中的核实任务的，合并计数，不重复生成。',
  columns: [
    { header: '预警类型', field: 'type', type: 'enum', required: true, values: WARNING_TYPE_CODES, labels: WARNING_TYPE_NAMES, example: WARNING_TYPE_NAMES.dibao_application!, rule: '只能报送本部门类别的预警类型', clause: 'Q43', width: 22 },
    { header: '姓名', field: 'name', type: 'text', required: true, max: 50, example: '张三', rule: '预警对象姓名', width: 10 },
    { header: '身份证号', field: 'idNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '18位居民身份证号，校验码须正确（GB 11643）；用于匹配监测系统中的人员', sensitive: 'idNumber', width: 21 },
    { header: '预警日期', field: 'warnedOn', type: 'date', required: true, example: '2024-03-05', rule: 'YYYY-MM-DD，不能晚于今天；即线索发现日期，识别的15天从此日起算', clause: 'Q42', width: 12 },
    { header: '预警内容', field: 'detail', type: 'text', required: false, max: 500, example: '住院自付费用累计超过预警线', rule: '简要说明（个人信息，仅核实人员可见）', sensitive: 'freeText', width: 30 },
    { header: '来源单号', field: 'sourceRef', type: 'text', required: false, max: 100, example: 'YB-2024-000123', rule: '部门系统中的编号；同一部门同一单号只能报送一次', width: 18 },
    { header: '所在区划代码', field: 'regionCode', type: 'regionCode', required: false, example: '', rule: '12位区划代码（县、乡镇或村）；不填为本部门账号的区划。身份证号不在该区划内的，作为“未在监测系统登记”进入县级待查队列', width: 16 },
  ],
  notes: ['一个文件中同一人同一类预警出现多行的，合并为一个核实任务并计数。预警对象已是监测对象的，生成“新增风险”核实任务，由村级确认后登记到监测对象的风险中。'],
};

export interface WarningInput {
  type: WarningTypeCode;
  name: string;
  idNumber: string;
  warnedOn: string;
  detail: string | null;
  sourceRef: string | null;
  regionCode: string | null;
}

export const WARNING_FIELDS = ['type', 'name', 'idNumber', 'warnedOn', 'detail', 'sourceRef', 'regionCode'] as const;

/** Checks one warning (paths are prefixed by `at`, e.g. `warnings[3].`); null when it has problems. */
export function checkWarning(c: Check, raw: unknown, today: string, at = ''): WarningInput | null {
  const before = c.errors.length;
  const o = c.object(at.replace(/\.$/, ''), raw, [...WARNING_FIELDS]);
  if (!o) return null;
  const type = c.oneOf(`${at}type`, o.type, WARNING_TYPE_CODES);
  const name = c.string(`${at}name`, o.name, { required: true, max: 50 });
  const idNumber = c.string(`${at}idNumber`, o.idNumber, { required: true, max: 18 + 2 });
  if (idNumber) {
    const problem = idNumberProblem(idNumber.toUpperCase());
    if (problem) c.fail(`${at}idNumber`, problem);
  }
  const warnedOn = c.date(`${at}warnedOn`, o.warnedOn, { required: true });
  if (warnedOn && warnedOn > today) c.fail(`${at}warnedOn`, '预警日期不能晚于今天');
  const detail = c.string(`${at}detail`, o.detail, { max: 500 });
  const sourceRef = c.string(`${at}sourceRef`, o.sourceRef, { max: 100 });
  const regionCode = c.string(`${at}regionCode`, o.regionCode, { max: 12 });
  if (regionCode && !/^\d{12}$/.test(regionCode)) c.fail(`${at}regionCode`, '区划代码应为12位数字');
  if (c.errors.length > before) return null;
  return { type: type!, name: name!, idNumber: idNumber!.toUpperCase(), warnedOn: warnedOn!, detail, sourceRef, regionCode };
}
