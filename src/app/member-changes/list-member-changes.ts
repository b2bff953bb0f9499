import { CHANGE_DIRECTIONS } from '../../domain/member-change.ts';
import { Check } from '../../domain/validation.ts';
import { listMemberChanges as queryMemberChanges } from '../../store/member-changes.ts';
import type { Db } from '../../store/transaction.ts';
import type { Actor } from '../actor.ts';
import { authorize } from '../authz.ts';
import { invalid } from '../errors.ts';
import { householdFilter } from '../households/list-households.ts';
import { viewerOf } from '../privacy.ts';
import { memberChangeView } from './views.ts';

export interface MemberChangeListQuery {
  regionCode?: string;
  overdue?: string;
  direction?: string;
  page?: string | number;
  pageSize?: string | number;
}

/**
 * Member changes in the actor's subtree (or a narrower region). `overdue=true` lists the late
 * recordings: changes entered more than 3 months after the event (Q20). A change not yet
 * recorded is unknown to the system, so it cannot be listed here.
 */
export async function listMemberChanges(db: Db, actor: Actor, query: MemberChangeListQuery) {
  authorize(actor, 'member_change:read');
  const f = householdFilter(actor, { regionCode: query.regionCode, page: query.page, pageSize: query.pageSize });
  const c = new Check();
  if (query.overdue && !['true', 'false'].includes(query.overdue)) c.fail('overdue', '应为 true 或 false');
  if (query.direction) c.oneOf('direction', query.direction, CHANGE_DIRECTIONS);
  if (!c.ok) throw invalid(c.errors);
  const { items, total } = await queryMemberChanges(db, {
    regionPattern: f.regionPattern,
    overdue: query.overdue ? query.overdue === 'true' : undefined,
    direction: query.direction || undefined,
    limit: f.limit,
    offset: f.offset,
  });
  return { page: f.page, pageSize: f.pageSize, total, items: items.map((r) => memberChangeView(r, viewerOf(actor, r.region_code))) };
}
