/**
 * The household information collection form (信息采集表): its household part (农户信息) and
 * member part (家庭成员), REG-1…REG-4. The fields are those of `checkHousehold` and
 * `checkMember` (src/domain/household.ts), which validate every imported row as they validate
 * the forms.
 */
import {
  FALLBACK_BASES, HEALTH_STATES, LABOR_ABILITIES, REGISTRATIONS, RELATIONS, RELATION_NAMES, RESPONSIBILITY_BASES, SCHOOLING,
} from '../household.ts';
import { YES_NO, type SheetSpec } from './spec.ts';

export const SEX_NAMES: Record<string, string> = { male: '男', female: '女' };
export const REGISTRATION_NAMES: Record<string, string> = { rural: '农村户籍', urban: '城镇户籍', collective: '集体户籍' };
export const LABOR_ABILITY_NAMES: Record<string, string> = { full: '有劳动能力', weak: '弱劳力/半劳力', none: '无劳动能力' };
export const HEALTH_NAMES: Record<string, string> = { healthy: '健康', chronic: '长期慢性病', serious: '大病', disabled: '残疾' };
export const SCHOOLING_NAMES: Record<string, string> = {
  none: '未上学', preschool: '学前教育', primary: '小学', junior: '初中', senior: '高中',
  vocational: '中职', college: '大专及以上', graduated: '已毕业（离校）', dropout: '辍学',
};
export const RESPONSIBILITY_BASIS_NAMES: Record<string, string> = {
  registration: '户籍地负责', residence: '常住地负责', relocation: '易地搬迁迁入地负责',
};
export const FALLBACK_BASIS_NAMES: Record<string, string> = {
  tekun_scattered: '分散供养特困人员', no_labor_full_dibao: '整户无劳动能力且纳入低保',
};
export const HOUSEHOLD_KIND_NAMES: Record<string, string> = { true: '脱贫户', false: '一般农户' };

/** The head's ID number: how a household row finds its household, and a member row its household. */
export const HEAD_ID_HEADER = '户主身份证号';

export const HOUSEHOLDS_SHEET: SheetSpec = {
  key: 'households',
  name: '农户信息',
  title: '农户信息采集表',
  identity: '以户主身份证号匹配已登记的农户：已登记则更新有变化的字段（版本号加一并留痕），未登记则新登记（同一文件的“家庭成员”表须有该户成员，且有且只有一名户主）。',
  columns: [
    { header: '户主姓名', field: 'headName', type: 'text', required: true, max: 50, example: '张三', rule: '须与家庭成员表（或已登记的户主）姓名一致', width: 10 },
    { header: HEAD_ID_HEADER, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '18位居民身份证号，校验码须正确（GB 11643）；用于匹配农户', sensitive: 'idNumber', width: 21 },
    { header: '负责村区划代码', field: 'household.regionCode', type: 'regionCode', required: true, example: '360731100201', rule: '12位村级统计区划代码，须在本人辖区内；户籍地负责，常住地或迁入地负责须写原因', clause: 'Q19', width: 16 },
    { header: '户籍地区划代码', field: 'household.registrationRegionCode', type: 'regionCode', required: false, example: '360731100201', rule: '村级区划代码；不填则同负责村', clause: 'Q19', width: 16 },
    { header: '常住地区划代码', field: 'household.residenceRegionCode', type: 'regionCode', required: false, example: '', rule: '村级区划代码；人户分离时填写', clause: 'Q19', width: 16 },
    { header: '责任认定依据', field: 'household.responsibilityBasis', type: 'enum', required: false, values: RESPONSIBILITY_BASES, labels: RESPONSIBILITY_BASIS_NAMES, example: '户籍地负责', rule: '不填为户籍地负责', clause: 'Q19', width: 14 },
    { header: '由常住地或迁入地负责的原因', field: 'household.responsibilityReason', type: 'text', required: false, max: 500, example: '', rule: '责任认定依据不是户籍地负责时必填', clause: 'Q19', sensitive: 'freeText', width: 20 },
    { header: '村民小组', field: 'household.villageGroup', type: 'text', required: false, max: 50, example: '第三组', rule: '最多50字', sensitive: 'freeText', width: 10 },
    { header: '住址', field: 'household.address', type: 'text', required: false, max: 200, example: '', rule: '最多200字', sensitive: 'freeText', width: 20 },
    { header: '户类型', field: 'household.formerlyPoor', type: 'enum', required: false, values: ['true', 'false'], labels: HOUSEHOLD_KIND_NAMES, example: '一般农户', rule: '脱贫户或一般农户；不填为一般农户', clause: 'Q2', width: 10 },
    { header: '脱贫年度', field: 'household.povertyExitYear', type: 'integer', required: false, example: '', rule: '脱贫户填写 2013-2020 之间的年份', clause: 'Q2', width: 9 },
    { header: '农村低保起始日期', field: 'household.dibaoSince', type: 'date', required: false, example: '', rule: '纳入农村低保的日期，YYYY-MM-DD', width: 14 },
    { header: '分散供养特困起始日期', field: 'household.tekunSince', type: 'date', required: false, example: '', rule: '纳入分散供养特困人员的日期', width: 14 },
    { header: '易地搬迁日期', field: 'household.relocatedSince', type: 'date', required: false, example: '', rule: '易地扶贫搬迁入住日期', clause: 'Q19', width: 14 },
    { header: '残疾人家庭认定日期', field: 'household.disabledHouseholdSince', type: 'date', required: false, example: '', rule: '残疾人家庭的认定日期', width: 14 },
    { header: '兜底保障认定日期', field: 'household.fallbackSince', type: 'date', required: false, example: '', rule: '整户无劳动能力兜底保障户的认定日期；与认定依据同填同空', clause: 'Q35', width: 14 },
    { header: '兜底保障依据', field: 'household.fallbackBasis', type: 'enum', required: false, values: FALLBACK_BASES, labels: FALLBACK_BASIS_NAMES, example: '', rule: '分散供养特困人员，或整户无劳动能力且纳入低保', clause: 'Q35', width: 18 },
  ],
  notes: ['导入不改变监测状态：识别、帮扶与风险消除按程序办理（Q27、Q37）。'],
};

export const MEMBERS_SHEET: SheetSpec = {
  key: 'members',
  name: '家庭成员',
  title: '家庭成员信息采集表',
  identity: '以户主身份证号找到农户、以成员身份证号匹配成员：已登记的成员更新有变化的字段（版本号加一并留痕），未登记的成员新增到该户。文件中没有的已登记成员不会被删除：成员减少须按人口自然变更登记（Q20）。',
  columns: [
    { header: HEAD_ID_HEADER, field: 'headIdNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '成员所在户的户主身份证号；户主本人也填自己的', sensitive: 'idNumber', width: 21 },
    { header: '负责村区划代码', field: 'regionCode', type: 'regionCode', required: false, example: '360731100201', rule: '新登记农户且“农户信息”表中没有该户时必填；须在本人辖区内', clause: 'Q19', width: 16 },
    { header: '姓名', field: 'name', type: 'text', required: true, max: 50, example: '张三', rule: '最多50字', width: 10 },
    { header: '身份证号', field: 'idNumber', type: 'idNumber', required: true, example: '36073119800101123X', rule: '18位居民身份证号，校验码须正确（GB 11643）；一人只能在一户中登记', sensitive: 'idNumber', width: 21 },
    { header: '与户主关系', field: 'relation', type: 'enum', required: true, values: RELATIONS, labels: RELATION_NAMES, example: '户主', rule: '每户有且只有一名户主', width: 10 },
    { header: '性别', field: 'sex', type: 'enum', required: false, values: ['male', 'female'], labels: SEX_NAMES, example: '男', rule: '可不填；填写时须与身份证号一致', width: 6 },
    { header: '出生日期', field: 'birthDate', type: 'date', required: false, example: '1980-01-01', rule: '可不填；填写时须与身份证号一致', width: 12 },
    { header: '户籍类型', field: 'registration', type: 'enum', required: false, values: REGISTRATIONS, labels: REGISTRATION_NAMES, example: '农村户籍', rule: '不填为农村户籍', clause: 'Q17', width: 10 },
    { header: '享受城镇低保或职工基本养老保险', field: 'urbanGuarantees', type: 'boolean', required: false, example: '否', rule: '是/否；不填为否', clause: 'Q17', width: 12 },
    { header: '共同生活', field: 'livesTogether', type: 'boolean', required: false, example: '是', rule: '共同生活、共享收支的才是家庭成员（不以户口簿为准）；不填为是', clause: 'Q15', width: 9 },
    { header: '劳动能力', field: 'laborAbility', type: 'enum', required: true, values: LABOR_ABILITIES, labels: LABOR_ABILITY_NAMES, example: '有劳动能力', rule: '有劳动能力、弱劳力/半劳力或无劳动能力', width: 12 },
    { header: '健康状况', field: 'health', type: 'enum', required: false, values: HEALTH_STATES, labels: HEALTH_NAMES, example: '健康', rule: '不填为健康；残疾须填残疾等级', sensitive: 'health', width: 10 },
    { header: '残疾等级', field: 'disabilityGrade', type: 'integer', required: false, example: '', rule: '残疾人员填 1-4', sensitive: 'health', width: 8 },
    { header: '在校情况', field: 'schooling', type: 'enum', required: false, values: SCHOOLING, labels: SCHOOLING_NAMES, example: '', rule: '在校生填写学段', width: 12 },
    { header: '务工就业情况', field: 'employment', type: 'text', required: false, max: 100, example: '', rule: '最多100字', sensitive: 'freeText', width: 14 },
    { header: '联系电话', field: 'phone', type: 'text', required: false, max: 20, example: '13800138000', rule: '手机号或带区号的固定电话', sensitive: 'phone', width: 14 },
    { header: '银行账号', field: 'bankAccount', type: 'text', required: false, max: 30, example: '', rule: '12-19位数字', sensitive: 'bankAccount', width: 21 },
    { header: '赡养抚养情况', field: 'supportNote', type: 'text', required: false, max: 1000, example: '', rule: '赡养、抚养关系及履行情况', clause: 'Q15', sensitive: 'freeText', width: 20 },
  ],
};

export { YES_NO };
