/**
 * Natural member changes (人口自然增减, REG-5, Q20) and the yearly basic-information update
 * (REG-6, Q48): API shapes and Chinese labels (codes as in src/domain/member-change.ts and
 * src/domain/yearly-update.ts).
 */
import type { LabelMap } from './labels.ts';
import type { memberChangeView } from '../../src/app/member-changes/views.ts';
import * as rules from '../../src/domain/member-change.ts';
import { YEARLY_UPDATE_STATUS_NAMES } from '../../src/domain/yearly-update.ts';

/** The server's tables (one source): reasons of each direction, evidence each reason accepts (first proposed). */
export const REASONS_BY_DIRECTION: Record<string, readonly string[]> = rules.REASONS_BY_DIRECTION;
export const EVIDENCE_BY_REASON: Record<string, readonly string[]> = rules.EVIDENCE_BY_REASON;

/**
 * src/app/member-changes/views.ts: the ID number masked, so `birthDate` is null; a birth's event
 * and due dates are null too (they are the birth date), `eventYear` stays.
 */
export type MemberChange = ReturnType<typeof memberChangeView>;

/** src/app/yearly-update/views.ts */
export interface YearlyUpdate {
  id: number;
  householdId: number;
  year: number;
  regionCode: string;
  regionName?: string | null;
  headName?: string | null;
  monitoringStatus?: string;
  monitoringCategory?: string | null;
  eliminatedOn?: string | null;
  status: 'pending' | 'done';
  openedOn: string;
  doneOn: string | null;
  doneBy: string | null;
  note: string | null;
  version: number;
}

export interface YearlyUpdatePage {
  year: number;
  page: number;
  pageSize: number;
  total: number;
  counts: { pending: number; done: number };
  canOpen: boolean;
  canComplete: boolean;
  items: YearlyUpdate[];
}

export const DIRECTION: LabelMap = rules.DIRECTION_NAMES;
export const DIRECTION_COLOR: LabelMap = { increase: 'green', decrease: 'orange' };
export const CHANGE_REASON: LabelMap = rules.REASON_NAMES;
export const EVIDENCE: LabelMap = rules.EVIDENCE_NAMES;

/** Labels of the change form's fields (server error paths). */
export const CHANGE_FIELD: LabelMap = {
  direction: '变更类型', reason: '变更原因', evidenceType: '佐证材料', evidenceRef: '证明编号', eventDate: '变更日期',
  memberId: '减少的成员', member: '新增成员', note: '备注',
};

export const YEARLY_STATUS: LabelMap = YEARLY_UPDATE_STATUS_NAMES;
export const YEARLY_STATUS_COLOR: LabelMap = { pending: 'gold', done: 'green' };
