import type { DepartmentKind, Role } from '../domain/roles.ts';

/** The signed-in user on whose behalf a use case runs. */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentKind: DepartmentKind | null;
  regionCode: string;
}

/** The command line acts as this actor (migrations, demo data, imports run by an operator). */
export const SYSTEM_ACTOR: Actor = {
  id: 0,
  username: 'system',
  displayName: '系统',
  role: 'system_admin',
  departmentKind: null,
  regionCode: '360000000000',
};
