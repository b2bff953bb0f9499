/** Chinese labels for the API's enum values (codes as in src/domain/*). */

export type LabelMap = Record<string, string>;

export const MONITORING_STATUS: LabelMap = { none: '非监测对象', monitored: '监测对象', eliminated: '风险已消除' };
export const MONITORING_STATUS_COLOR: LabelMap = { none: 'default', monitored: 'red', eliminated: 'green' };

export const MONITORING_CATEGORY: LabelMap = {
  unstable_out_of_poverty: '脱贫不稳定户',
  marginal_at_risk: '边缘易致贫户',
  sudden_severe_hardship: '突发严重困难户',
};

export const FORMERLY_POOR: LabelMap = { true: '脱贫户', false: '一般农户' };

export const RELATION: LabelMap = {
  head: '户主', spouse: '配偶', child: '子女', child_in_law: '儿媳/女婿', grandchild: '孙子女',
  parent: '父母', grandparent: '祖父母', sibling: '兄弟姐妹', other: '其他',
};

export const SEX: LabelMap = { male: '男', female: '女' };

export const REGISTRATION: LabelMap = { rural: '农村户籍', urban: '城镇户籍', collective: '集体户籍' };

export const LABOR_ABILITY: LabelMap = { full: '有劳动能力', weak: '弱劳力/半劳力', none: '无劳动能力' };

export const HEALTH: LabelMap = { healthy: '健康', chronic: '长期慢性病', serious: '大病', disabled: '残疾' };

export const SCHOOLING: LabelMap = {
  none: '未上学', preschool: '学前教育', primary: '小学', junior: '初中', senior: '高中',
  vocational: '中职', college: '大专及以上', graduated: '已毕业（离校）', dropout: '辍学',
};

export const RESPONSIBILITY_BASIS: LabelMap = {
  registration: '户籍地负责', residence: '常住地负责', relocation: '易地搬迁迁入地负责',
};

export const REGION_LEVEL: LabelMap = { 1: '省', 2: '市', 3: '县', 4: '乡镇', 5: '村' };

export const ROLE: LabelMap = {
  village: '村级（村干部/驻村工作队）', township: '乡镇', county: '县级', city: '市级', province: '省级',
  national: '国家级', department: '行业部门', hotline: '12317坐席', system_admin: '系统管理员',
  security_admin: '安全管理员', audit_admin: '审计管理员',
};

export const DEPARTMENT_KIND: LabelMap = {
  civil_affairs: '民政', medical_insurance: '医保', education: '教育', housing: '住建', water: '水利',
  emergency_management: '应急管理', human_resources: '人社', disabled_persons_federation: '残联',
};

export const LOGIN_OUTCOME: LabelMap = {
  success: '登录成功', bad_password: '密码错误', locked: '账号锁定', unknown_user: '用户不存在', disabled: '账号停用',
  logout: '退出登录', idle_timeout: '超时退出', password_changed: '修改密码',
};
export const LOGIN_OUTCOME_COLOR: LabelMap = {
  success: 'green', bad_password: 'orange', locked: 'red', unknown_user: 'orange', disabled: 'red',
  logout: 'default', idle_timeout: 'default', password_changed: 'blue',
};

export const AUDIT_ACTION: LabelMap = {
  'household.create': '登记农户', 'household.update': '修改农户', 'household.read_sensitive': '查看敏感信息',
  'member.create': '新增成员', 'member.update': '修改成员', 'user.create': '创建用户',
  'user.change_password': '修改密码', 'demo.load': '载入演示数据',
  // Accounts and security (SEC-5, SEC-6, SEC-8)
  'user.update': '修改账号', 'user.disable': '停用账号', 'user.enable': '启用账号', 'user.reset_password': '重置密码',
  'user.unlock': '解除锁定', 'user.reset_two_factor': '重置双因素认证', 'user.enrol_two_factor': '绑定身份验证器',
  'user.disable_two_factor': '关闭双因素认证', 'user.renew_recovery_codes': '重新生成恢复码', 'security.update_policy': '修改安全策略',
  'session.force_logout': '强制下线',
};

export const OBJECT_TYPE: LabelMap = { household: '农户', member: '家庭成员', user: '用户', demo: '演示数据', security_setting: '安全策略' };

/** Roles that see the work menu (工作台, 农户管理). */
export const WORK_ROLES = ['village', 'township', 'county', 'city', 'province', 'national', 'department', 'hotline'];
/** Roles that register and edit households (the server decides; this only hides buttons). */
export const HANDLING_ROLES = ['village', 'township', 'county'];

export const label = (map: LabelMap, v: unknown, empty = '—') =>
  v === null || v === undefined || v === '' ? empty : (map[String(v)] ?? String(v));

export const options = (map: LabelMap) => Object.entries(map).map(([value, text]) => ({ value, label: text }));

// —— Income, claims, expenditure and risks (INC-1…3, IDN-3) and the assessment explanation ——

export const INCOME_TYPE: LabelMap = {
  wage: '工资性收入', business: '生产经营性收入', transfer: '转移性收入', property: '财产性收入', business_cost: '生产经营性支出（扣减）',
};
export const CLAIM_TYPE: LabelMap = { commercial_insurance: '商业保险理赔', third_party: '第三方赔偿' };
export const CLAIM_STATUS: LabelMap = { paid: '已到位', pending: '未到位（跟踪中）' };
export const CLAIM_STATUS_COLOR: LabelMap = { paid: 'green', pending: 'orange' };
/** The first five count as compliant self-paid expenditure (合规自付支出, Q13). */
export const EXPENSE_TYPE: LabelMap = {
  medical_out_of_pocket: '医疗自付（经三重保障后）', tuition: '学费', accommodation: '住宿费', disaster: '因灾刚性支出',
  accident: '因意外事故刚性支出', other_medical: '其他医疗支出（不计入）', other_education: '其他教育支出（不计入）', other: '其他支出（不计入）',
};
export const COMPLIANT_EXPENSE_TYPES = ['medical_out_of_pocket', 'tuition', 'accommodation', 'disaster', 'accident'];
/** IDN-3 */
export const RISK_TYPE: LabelMap = {
  illness: '因病', disability: '因残', education: '因学', disaster: '因灾', accident: '因意外事故', employment: '因务工就业不稳',
  industry: '因产业项目失败', labor_shortage: '缺劳动力', housing_safety: '住房安全', drinking_water: '饮水安全',
  compulsory_education: '义务教育', basic_medical: '基本医疗', other: '其他',
};
export const FALLBACK_BASIS: LabelMap = {
  tekun_scattered: '农村分散供养特困人员', no_labor_full_dibao: '整户无劳动能力且享受全额或最高档低保',
};
export const RECORD_KIND: LabelMap = { incomes: '收入', claims: '家庭理赔', expenses: '支出', risks: '风险' };
/** Labels of record fields (server error paths). */
export const RECORD_FIELD: LabelMap = {
  type: '类型', amount: '金额', from: '起始月份', to: '截止月份', memberId: '家庭成员', note: '备注', month: '月份', status: '到位情况',
  selfResolvable: '能否依靠自身力量解决', incomeDrop: '收入大幅缩减', resolved: '是否已解决', foundOn: '发现日期', resolvedOn: '解决日期',
  version: '版本', reason: '原因', fallbackSince: '兜底认定日期', fallbackBasis: '兜底认定依据',
};

export const ASSESSMENT_KIND: LabelMap = { identification: '识别', elimination: '风险消除' };
export const RECOMMENDATION: LabelMap = {
  identify: '建议识别为监测对象', track: '暂不识别，持续跟踪关注', review: '需综合研判', exclude: '不纳入监测',
};
export const RECOMMENDATION_COLOR: LabelMap = { identify: 'red', track: 'gold', review: 'purple', exclude: 'default' };
export const ELIMINATION_CHECK: LabelMap = {
  not_fallback_household: '非整户无劳动能力兜底保障户', minimum_duration: '帮扶时长', income_above_threshold: '收入稳定超过监测范围',
  risks_resolved: '风险已全部消除', guarantees_secured: '“三保障”和饮水安全有保障', substantive_measures: '已落实实质性帮扶措施',
  developmental_measure: '有劳动能力的已落实开发式帮扶',
};
/** Rule codes of the engine's reasons (docs/policy-engine.md). */
export const ASSESSMENT_RULE: LabelMap = {
  within_range_with_risk: '收入在监测范围内且有难以自行解决的风险', within_range_no_risk: '收入在监测范围内、无难以自行解决的风险',
  above_range_income_drop: '收入超过监测范围，但收入大幅缩减', above_range_after_expenditure: '扣除合规自付支出后在监测范围内',
  above_range_review: '收入超过监测范围、有难以自行解决的风险', above_range_self_resolvable: '风险可依靠自身力量解决',
  above_range_no_risk: '收入超过监测范围且无风险', monitoring_threshold_override: '使用假设的监测范围',
  member_not_living_together: '成员未共同生活', member_urban_guarantees: '成员享受城镇保障', pending_claim_follow_up: '理赔未到位',
  elimination_eligible: '符合风险消除条件', elimination_not_eligible: '暂不符合风险消除条件', ...ELIMINATION_CHECK,
};
export const ASSESSMENT_FLAG: LabelMap = { pending_claim_follow_up: '有未到位的理赔，须持续跟踪（Q14）' };
/** Reasons that say a member is not counted (Q15, Q17, Q18). */
export const UNCOUNTED_MEMBER_RULES = ['member_not_living_together', 'member_urban_guarantees'];

Object.assign(AUDIT_ACTION, {
  'incomes.create': '新增收入', 'incomes.update': '修改收入', 'incomes.void': '作废收入', 'claims.create': '新增理赔',
  'claims.update': '修改理赔', 'claims.void': '作废理赔', 'expenses.create': '新增支出', 'expenses.update': '修改支出',
  'expenses.void': '作废支出', 'risks.create': '新增风险', 'risks.update': '修改风险', 'risks.void': '作废风险',
});
// Exports of the lists (DAT-2): a bulk read, one entry each.
Object.assign(AUDIT_ACTION, {
  'export.households': '导出农户名单', 'export.cases': '导出案件列表', 'export.measures': '导出帮扶措施',
  'export.assistance_gaps': '导出帮扶缺口名单', 'export.overdue_measures': '导出逾期措施', 'export.member_changes': '导出人口自然增减',
  'export.yearly_updates': '导出年度信息更新', 'export.audit': '导出审计日志', 'export.login_log': '导出登录日志',
});
Object.assign(OBJECT_TYPE, { export: '导出' });

/** Yuan with two decimals, written as the engine's reasons write them: 12345.6 → 12345.60 */
export const yuan = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));

/** Lead sources of a case (PRC-1; src/domain/identification-case.ts LEAD_SOURCE_NAMES). */
export const LEAD_SOURCE: LabelMap = {
  self_report_miniprogram: '农户自主申报（小程序）', self_report_written: '农户自主申报（书面）', hotline_12317: '12317监督举报热线',
  cadre_visit: '干部走访排查', screening: '重点人群筛查', department_warning: '行业部门预警', dibao_application: '新申请农村低保',
  tekun_application: '新申请分散特困供养', new_risk: '风险消除后出现新风险（Q39）', review: '风险消除核查',
};
