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
};

export const OBJECT_TYPE: LabelMap = { household: '农户', member: '家庭成员', user: '用户', demo: '演示数据' };

/** Roles that see the work menu (工作台, 农户管理). */
export const WORK_ROLES = ['village', 'township', 'county', 'city', 'province', 'national', 'department', 'hotline'];
/** Roles that register and edit households (the server decides; this only hides buttons). */
export const HANDLING_ROLES = ['village', 'township', 'county'];

export const label = (map: LabelMap, v: unknown, empty = '—') =>
  v === null || v === undefined || v === '' ? empty : (map[String(v)] ?? String(v));

export const options = (map: LabelMap) => Object.entries(map).map(([value, text]) => ({ value, label: text }));
