/**
 * Assistance measures (帮扶措施, AST-2, AST-4): the fields of `checkMeasure`
 * (src/domain/measures.ts), which validates every imported row as it validates the form. Type
 * names, departments and the excluded forms are the catalogue's.
 */
import { EXCLUDED_FORM_NAMES, EXCLUDED_FORMS, MEASURE_CATALOGUE, MEASURE_TYPES } from '../measures.ts';
import { DEPARTMENT_KIND_NAMES, DEPARTMENT_KINDS } from '../roles.ts';
import { HEAD_ID_HEADER } from './registry.ts';
import type { SheetSpec } from './spec.ts';

export const MEASURE_TYPE_NAMES: Record<string, string> = Object.fromEntries(MEASURE_TYPES.map((t) => [t, MEASURE_CATALOGUE[t].name]));

export const MEASURES_SHEET: SheetSpec = {
  key: 'measures',
  name: '帮扶措施',
  title: '帮扶措施',
  identity: '以户主身份证号、措施类型和计划开始日期匹配该户已登记的措施：措施内容或结束日期有变化的更新（版本号加一并留痕），没有的作为“计划”状态的新措施加入该户当前的帮扶计划。',
  columns: [
    { header: HEAD_ID_HEADER, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '该户户主的身份证号；农户须在本人辖区内，且已制定帮扶计划', clause: 'Q23', sensitive: 'idNumber', width: 21 },
    { header: '措施类型', field: 'type', type: 'enum', required: true, values: MEASURE_TYPES, labels: MEASURE_TYPE_NAMES, example: '产业帮扶', rule: '按帮扶措施目录；是否开发式帮扶由类型决定（“其他”逐项填写）', clause: 'Q25', width: 22 },
    { header: '措施内容', field: 'description', type: 'text', required: true, max: 500, example: '发展蔬菜种植2亩，提供种苗和技术指导', rule: '最多500字', sensitive: 'freeText', width: 30 },
    { header: '计划开始日期', field: 'plannedStart', type: 'date', required: true, example: '2024-04-01', rule: 'YYYY-MM-DD；用于匹配措施', width: 12 },
    {
      header: '结束日期', field: 'periodEnd', type: 'date', required: false, example: '',
      rule: '公益性岗位填岗位协议到期日，小额信贷贴息填合同到期日，雨露计划、教育帮扶填当前学段结束日期（必填）；其他措施填计划结束日期（可不填）；不能早于计划开始日期',
      clause: 'Q28', width: 12,
    },
    { header: '责任部门', field: 'departmentKind', type: 'enum', required: false, values: DEPARTMENT_KINDS, labels: DEPARTMENT_KIND_NAMES, example: '', rule: '不填按措施类型的责任部门（无行业部门的由乡村振兴部门/乡镇负责）', clause: 'AST-5', width: 12 },
    { header: '帮扶形式', field: 'form', type: 'enum', required: false, values: EXCLUDED_FORMS, labels: EXCLUDED_FORM_NAMES, example: '', rule: '属于这些形式的措施不算开发式帮扶；其他情形不填', clause: 'Q25', width: 24 },
    { header: '是否开发式帮扶', field: 'developmental', type: 'boolean', required: false, example: '', rule: '仅“其他”类措施填写（必填）；其他类型由措施类型决定，不填', clause: 'Q25', width: 12 },
  ],
  notes: [
    '导入只新增措施（状态为“计划”）或修改已登记措施的措施内容和结束日期；措施状态（开始实施、实施完成、结束、暂停）请在系统中逐项办理（AST-4），导入不改变措施状态。',
    '已登记措施的责任部门、帮扶形式和是否开发式帮扶不能通过导入修改：填写时须与系统中的一致。',
    '农户须已制定帮扶计划：新措施加入该户当前（最近一次制定）的帮扶计划。',
  ],
};
