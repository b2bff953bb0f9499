/**
 * The household records (INC-1…3, IDN-3): income, claims, expenditure and risks, one sheet each.
 * The fields are those of `checkRecord` (src/domain/household-records.ts), which validates every
 * imported row as it validates the forms; a row names its household by the head's ID number.
 * The labels are the ones the forms show (web/src/labels.ts keeps its own copy; a test keeps the
 * two equal).
 */
import type { RecordKind } from '../household-records.ts';
import { CLAIM_STATUSES, CLAIM_TYPES, EXPENSE_TYPES, INCOME_TYPES, RISK_TYPES } from '../../policy/types.ts';
import { HEAD_ID_HEADER } from './registry.ts';
import type { ColumnSpec, SheetSpec } from './spec.ts';

export const INCOME_TYPE_NAMES: Record<string, string> = {
  wage: '工资性收入', business: '生产经营性收入', transfer: '转移性收入', property: '财产性收入', business_cost: '生产经营性支出（扣减）',
};
export const CLAIM_TYPE_NAMES: Record<string, string> = { commercial_insurance: '商业保险理赔', third_party: '第三方赔偿' };
export const CLAIM_STATUS_NAMES: Record<string, string> = { paid: '已到位', pending: '未到位（跟踪中）' };
/** The first five count as compliant self-paid expenditure (合规自付支出, Q13). */
export const EXPENSE_TYPE_NAMES: Record<string, string> = {
  medical_out_of_pocket: '医疗自付（经三重保障后）', tuition: '学费', accommodation: '住宿费', disaster: '因灾刚性支出',
  accident: '因意外事故刚性支出', other_medical: '其他医疗支出（不计入）', other_education: '其他教育支出（不计入）', other: '其他支出（不计入）',
};
export const RISK_TYPE_NAMES: Record<string, string> = {
  illness: '因病', disability: '因残', education: '因学', disaster: '因灾', accident: '因意外事故', employment: '因务工就业不稳',
  industry: '因产业项目失败', labor_shortage: '缺劳动力', housing_safety: '住房安全', drinking_water: '饮水安全',
  compulsory_education: '义务教育', basic_medical: '基本医疗', other: '其他',
};
/** Q16: the form's two answers (a risk the household can resolve itself does not make it a monitoring object). */
export const SELF_RESOLVABLE_NAMES: Record<string, string> = { false: '难以依靠自身力量解决', true: '可依靠自身力量解决' };

/** The household a record row belongs to. */
const HEAD: ColumnSpec = {
  header: HEAD_ID_HEADER, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X',
  rule: '该户户主的身份证号；农户须已登记且在本人辖区内', sensitive: 'idNumber', width: 21,
};
const AMOUNT: ColumnSpec = { header: '金额（元）', field: 'amount', type: 'money', required: true, example: '12000.00', rule: '单位元，最多两位小数，不能为负数', width: 12 };
const NOTE: ColumnSpec = { header: '备注', field: 'note', type: 'text', required: false, max: 500, example: '', rule: '最多500字；不填则清空系统中的备注', sensitive: 'freeText', width: 24 };
const MONTH: ColumnSpec = { header: '月份', field: 'month', type: 'month', required: true, example: '2024-03', rule: 'YYYY-MM；用于匹配记录', width: 10 };

const RECORD_NOTES = ['记录不会通过导入删除或作废：错误的记录请在系统中作废（写明原因）。已作废的记录不参与匹配。'];

export const INCOMES_SHEET: SheetSpec = {
  key: 'incomes',
  name: '收入',
  title: '家庭收入记录',
  identity: '以户主身份证号、收入类型、起始月份、截止月份和成员身份证号（全户收入不填）匹配未作废的收入记录：金额或备注有变化的更新（版本号加一并留痕），没有的新增。',
  columns: [
    HEAD,
    { header: '收入类型', field: 'type', type: 'enum', required: true, values: INCOME_TYPES, labels: INCOME_TYPE_NAMES, example: '工资性收入', rule: '四类收入，以及从收入中扣减的生产经营性支出', clause: 'Q13', width: 16 },
    AMOUNT,
    { header: '起始月份', field: 'from', type: 'month', required: true, example: '2024-01', rule: 'YYYY-MM，含当月', clause: 'Q13', width: 10 },
    { header: '截止月份', field: 'to', type: 'month', required: true, example: '2024-12', rule: 'YYYY-MM，含当月，不能早于起始月份', clause: 'Q13', width: 10 },
    { header: '成员身份证号', field: 'memberIdNumber', type: 'idNumber', required: false, example: '', rule: '某一成员的收入填其身份证号（须为本户成员）；全户收入不填', sensitive: 'idNumber', width: 21 },
    NOTE,
  ],
  notes: RECORD_NOTES,
};

export const CLAIMS_SHEET: SheetSpec = {
  key: 'claims',
  name: '家庭理赔',
  title: '家庭理赔记录',
  identity: '以户主身份证号、理赔类型和月份匹配未作废的理赔记录：金额、到位情况或备注有变化的更新（版本号加一并留痕），没有的新增。',
  columns: [
    HEAD,
    { header: '理赔类型', field: 'type', type: 'enum', required: true, values: CLAIM_TYPES, labels: CLAIM_TYPE_NAMES, example: '商业保险理赔', rule: '家庭理赔单独记录，不计入收入', clause: 'Q13', width: 14 },
    AMOUNT,
    MONTH,
    { header: '到位情况', field: 'status', type: 'enum', required: true, values: CLAIM_STATUSES, labels: CLAIM_STATUS_NAMES, example: '已到位', rule: '未到位的理赔不计入，但须持续跟踪', clause: 'Q14', width: 16 },
    NOTE,
  ],
  notes: RECORD_NOTES,
};

export const EXPENSES_SHEET: SheetSpec = {
  key: 'expenses',
  name: '支出',
  title: '家庭支出记录',
  identity: '以户主身份证号、支出类型和月份匹配未作废的支出记录：金额或备注有变化的更新（版本号加一并留痕），没有的新增。',
  columns: [
    HEAD,
    { header: '支出类型', field: 'type', type: 'enum', required: true, values: EXPENSE_TYPES, labels: EXPENSE_TYPE_NAMES, example: '学费', rule: '前五类为合规自付支出（计入）；其他医疗、教育支出只记录不计入', clause: 'Q13', width: 22 },
    AMOUNT,
    MONTH,
    NOTE,
  ],
  notes: RECORD_NOTES,
};

export const RISKS_SHEET: SheetSpec = {
  key: 'risks',
  name: '风险',
  title: '家庭风险记录',
  identity: '以户主身份证号、风险类型和发现日期匹配未作废的风险记录：其他各项有变化的更新（版本号加一并留痕），没有的新增。',
  columns: [
    HEAD,
    { header: '风险类型', field: 'type', type: 'enum', required: true, values: RISK_TYPES, labels: RISK_TYPE_NAMES, example: '因病', rule: '返贫致贫风险的类型', width: 14 },
    { header: '发现日期', field: 'foundOn', type: 'date', required: true, example: '2024-03-05', rule: 'YYYY-MM-DD；导入时必填，用于匹配记录', width: 12 },
    { header: '能否依靠自身力量解决', field: 'selfResolvable', type: 'enum', required: true, values: ['false', 'true'], labels: SELF_RESOLVABLE_NAMES, example: '难以依靠自身力量解决', rule: '可依靠自身力量解决的风险不作为识别监测对象的依据', clause: 'Q16', width: 20 },
    { header: '收入大幅缩减', field: 'incomeDrop', type: 'boolean', required: false, example: '否', rule: '是/否；不填为否', width: 10 },
    { header: '是否已解决', field: 'resolved', type: 'boolean', required: false, example: '否', rule: '是/否；不填为否', width: 10 },
    { header: '解决日期', field: 'resolvedOn', type: 'date', required: false, example: '', rule: '已解决的填写，不能早于发现日期', width: 12 },
    NOTE,
  ],
  notes: [
    ...RECORD_NOTES,
    '风险已消除的农户新增未解决的风险时，与在系统中登记一样，自动发起新的识别（Q39）。',
  ],
};

export const RECORD_SHEETS: Record<RecordKind, SheetSpec> = { incomes: INCOMES_SHEET, claims: CLAIMS_SHEET, expenses: EXPENSES_SHEET, risks: RISKS_SHEET };
