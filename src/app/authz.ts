import type { Role } from '../domain/roles.ts';
import { isInSubtree, subtreePrefix } from '../domain/region-code.ts';
import type { Actor } from './actor.ts';
import { forbidden } from './errors.ts';

/**
 * Authorization, declared once. Each action lists the roles allowed to perform it; every
 * action on a regional object also requires the object to lie in the actor's region subtree.
 */
const WORK_ROLES: Role[] = ['village', 'township', 'county', 'city', 'province', 'national', 'department', 'hotline'];
const HANDLING_ROLES: Role[] = ['village', 'township', 'county'];

export const POLICIES = {
  'region:read': [...WORK_ROLES, 'system_admin', 'security_admin', 'audit_admin'],
  'household:read': WORK_ROLES,
  // Those who handle households in person need to see ID numbers, phones and accounts (SEC-3).
  'household:read_sensitive': HANDLING_ROLES,
  'household:write': HANDLING_ROLES,
  'household:export': WORK_ROLES,
  // Imports (DAT-1) write the registry: those who register households, in their own county.
  'import:run': HANDLING_ROLES,
  // The rural registered population (RPT-1's divisor) is configured data: the county sets it for
  // itself, its townships and villages.
  'population:import': ['county'],
  'assessment:run': WORK_ROLES,
  // Assistance (AST): departments update only measures of their own kind (checked in the use case).
  'measure:read': WORK_ROLES,
  'measure:write': [...HANDLING_ROLES, 'department'],
  'plan:write': HANDLING_ROLES,
  'assistance:supervise': ['village', 'township', 'county', 'city', 'province', 'national'],
  // Natural member changes (REG-5) and the yearly update (REG-6); the county opens the year's tasks.
  'member_change:read': WORK_ROLES,
  'member_change:write': HANDLING_ROLES,
  'yearly_update:read': WORK_ROLES,
  'yearly_update:write': HANDLING_ROLES,
  'yearly_update:open': ['county'],
  'case:read': WORK_ROLES,
  // A lead may come from a cadre, a line department's warning or a 12317 ticket (PRC-1).
  'case:open': [...HANDLING_ROLES, 'department', 'hotline'],
  // Which of these roles may take which step is the state machine's business (src/domain).
  'case:step': HANDLING_ROLES,
  'workbench:read': WORK_ROLES,
  'scheduler:run': ['county', 'city', 'province', 'national', 'system_admin'],
  'user:manage': ['system_admin'],
  'security:manage': ['security_admin'],
  'login_log:read': ['security_admin', 'audit_admin'],
  'audit:read': ['audit_admin'],
  // Health wording in notes and findings (SEC-3): those who verify illness and disability risks in
  // person and decide on them. Supervisors work on figures, departments on their measures, 12317 on
  // tickets; none of them needs a person's illness. The structured health status stays part of the
  // audited reveal (`household:read_sensitive`).
  'household:read_health': HANDLING_ROLES,
  // Accounts (SEC-5): the three admins may list them (the audit admin to read the logs against);
  // the system admin manages business accounts, the security admin unlocks, resets second factors
  // and sees and ends sessions (SEC-8). The three admin accounts change only through the CLI.
  'user:read': ['system_admin', 'security_admin', 'audit_admin'],
  'user:unlock': ['security_admin'],
  'user:reset_two_factor': ['security_admin'],
  'session:manage': ['security_admin'],
  // Intake (WRN-1, WRN-2, WRN-5, WRN-6, GRN-3). A department pushes warnings of its own kind; the
  // village and township verify them; the county works the queue of persons not in the registry.
  'warning:submit': ['department'],
  'warning:read': ['department', 'village', 'township', 'county', 'city', 'province', 'national'],
  'warning:queue': ['county'],
  'warning:precision': ['department', 'county', 'city', 'province', 'national'],
  'task:read': ['village', 'township', 'county', 'city', 'province', 'national'],
  'task:resolve': ['village', 'township'],
  // API tokens of department systems are credentials: the security admin issues and revokes them.
  'api_token:manage': ['security_admin'],
  // 12317: the operator accepts, assigns, records the requester's evaluation and archives; the
  // assigned township or county answers; the levels above see what they supervise. The caller's
  // identity is the operator's alone: a tip is about the region that answers it (Q52).
  'ticket:accept': ['hotline'],
  'ticket:read': ['hotline', 'township', 'county', 'city', 'province', 'national'],
  'ticket:read_caller': ['hotline'],
  'ticket:reply': ['township', 'county'],
  // Self-reports (WRN-5) reach the village's worklist; those who register households handle them.
  'self_report:read': ['village', 'township', 'county', 'city', 'province', 'national'],
  'self_report:handle': ['village', 'township', 'county'],
  // The queue of messages to households (GRN-3).
  'message:read': ['village', 'township', 'county', 'city', 'province', 'national', 'hotline'],
  'message:send': ['county', 'city', 'province', 'national', 'system_admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof POLICIES;

export function can(actor: Actor, action: Action, regionCode?: string): boolean {
  if (!(POLICIES[action] as readonly Role[]).includes(actor.role)) return false;
  return regionCode === undefined || isInSubtree(actor.regionCode, regionCode);
}

export function authorize(actor: Actor, action: Action, regionCode?: string): void {
  if (!(POLICIES[action] as readonly Role[]).includes(actor.role)) throw forbidden('您的角色无权执行此操作');
  if (regionCode !== undefined && !isInSubtree(actor.regionCode, regionCode))
    throw forbidden('该记录不在您的管辖区域内');
}

/** The LIKE pattern that limits a query to the actor's subtree (used by every repository). */
export function scopePattern(actor: Actor): string {
  return `${subtreePrefix(actor.regionCode)}%`;
}
