/** Roles (SEC-1). 三员分立: the three admin roles are separate accounts with separate powers. */
export const ROLES = [
  'village', 'township', 'county', 'city', 'province', 'national',
  'department', 'hotline', 'system_admin', 'security_admin', 'audit_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  village: '村级（村干部/驻村工作队）',
  township: '乡镇',
  county: '县级',
  city: '市级',
  province: '省级',
  national: '国家级',
  department: '行业部门',
  hotline: '12317坐席',
  system_admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
};

export const ADMIN_ROLES: readonly Role[] = ['system_admin', 'security_admin', 'audit_admin'];

/**
 * Every role but the three admin roles: the accounts the system admin manages through the API.
 * The admin roles are made and reset only by the server's command line (SEC-5).
 */
export const BUSINESS_ROLES = ROLES.filter((r) => !ADMIN_ROLES.includes(r));
export type BusinessRole = Exclude<Role, 'system_admin' | 'security_admin' | 'audit_admin'>;

export const isAdminRole = (role: string): boolean => (ADMIN_ROLES as readonly string[]).includes(role);

export const DEPARTMENT_KINDS = [
  'civil_affairs', 'medical_insurance', 'education', 'housing',
  'water', 'emergency_management', 'human_resources', 'disabled_persons_federation',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const DEPARTMENT_KIND_NAMES: Record<DepartmentKind, string> = {
  civil_affairs: '民政',
  medical_insurance: '医保',
  education: '教育',
  housing: '住建',
  water: '水利',
  emergency_management: '应急管理',
  human_resources: '人社',
  disabled_persons_federation: '残联',
};

/** The region level a role's account must sit at (department, hotline and admins: any level). */
export const ROLE_LEVEL: Partial<Record<Role, number>> = {
  province: 1, city: 2, county: 3, township: 4, village: 5, national: 1,
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
