/**
 * Household self-reports (WRN-5): the reports, their members' signed commitments, and the two
 * tables that protect the public page — the per-key request counters (public_throttle) and the
 * proof-of-work challenges already spent (public_challenge_used). Head ID numbers, phones,
 * descriptions and members' ID numbers are sealed; ID numbers are matched by blind index.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { contextOf } from './context.ts';
import { idNumberIndex } from './members.ts';
import { seal } from './sealed.ts';
import type { Db, Tx } from './transaction.ts';

// ---- protection of the public routes ----

/**
 * Counts one request under `key` and returns the count in the current window: one statement, so
 * concurrent requests cannot both read the old count. A window older than `windowSeconds`
 * starts again at 1 in the same statement (the SET expressions all see the old row).
 */
export async function countHit(db: Db, key: string, now: Date, windowSeconds: number): Promise<number> {
  const cutoff = new Date(now.getTime() - windowSeconds * 1000);
  const r = await sql<{ hits: number }>`
    insert into public_throttle as t (key, window_start, hits) values (${key}, ${now}, 1)
    on conflict (key) do update set
      hits = case when t.window_start <= ${cutoff} then 1 else t.hits + 1 end,
      window_start = case when t.window_start <= ${cutoff} then ${now}::timestamptz else t.window_start end
    returning hits`.execute(db);
  return Number(r.rows[0]!.hits);
}

/** Marks a challenge spent; false when it already was (one statement on the primary key: two requests cannot both win). */
export async function spendChallenge(db: Db, challengeId: string, now: Date): Promise<boolean> {
  const r = await sql<{ nonce: string }>`
    insert into public_challenge_used (nonce, used_at) values (${challengeId}, ${now})
    on conflict (nonce) do nothing returning nonce`.execute(db);
  return r.rows.length === 1;
}

/** Forgets counters and spent challenges that can no longer matter (older than any window or challenge). */
export async function pruneProtection(db: Db, now: Date, o: { throttleSeconds: number; challengeSeconds: number }) {
  await sql`delete from public_throttle where window_start < ${new Date(now.getTime() - o.throttleSeconds * 1000)}`.execute(db);
  await sql`delete from public_challenge_used where used_at < ${new Date(now.getTime() - o.challengeSeconds * 1000)}`.execute(db);
}

/**
 * The key that signs proof-of-work challenges: derived from the key ring's index key (outside
 * the database) with its own label, so every server process of one installation accepts the
 * challenges of the others and the key never signs anything else.
 */
export function challengeKey(db: Db): Buffer {
  return createHmac('sha256', contextOf(db).keys.blindIndexKey).update('jianbang:public-challenge:v1').digest();
}

// ---- reports ----

export type SelfReportRow = Awaited<ReturnType<typeof findSelfReport>> & {};

export async function findSelfReport(db: Db, id: number) {
  return db
    .selectFrom('self_report as s')
    .leftJoin('region as r', 'r.code', 's.region_code')
    .selectAll('s')
    .select('r.name as region_name')
    .where('s.id', '=', id)
    .executeTakeFirst();
}

export async function findSelfReportByRef(db: Db, refCode: string) {
  return db.selectFrom('self_report').selectAll().where('ref_code', '=', refCode).executeTakeFirst();
}

/** A region and whether it is a village (level 5). */
export async function villageOf(db: Db, code: string) {
  return db.selectFrom('region').select(['code', 'name', 'level', 'county_code']).where('code', '=', code).executeTakeFirst();
}

/** Children of a region for the public village picker: names and codes only. */
export async function publicChildRegions(db: Db, parent: string | null) {
  let q = db
    .selectFrom('region as r')
    .select(['r.code', 'r.name', 'r.level'])
    .select((eb) => eb.exists(eb.selectFrom('region as c').select('c.code').whereRef('c.parent_code', '=', 'r.code')).as('has_children'));
  q = parent === null ? q.where('r.parent_code', 'is', null) : q.where('r.parent_code', '=', parent);
  return q.orderBy('r.code').execute();
}

/**
 * The registered person with this ID number in the county: an active member of a household
 * there, with the household's state. One query whatever it finds (the public answer must not
 * depend on it).
 */
export async function registeredInCounty(db: Db, idNumber: string, countyCode: string) {
  return db
    .selectFrom('member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['m.id as member_id', 'h.id as household_id'])
    .where('m.id_number_bidx', '=', idNumberIndex(db, idNumber))
    .where('m.active', '=', true)
    .where('h.county_code', '=', countyCode)
    .orderBy('m.id')
    .limit(1)
    .executeTakeFirst();
}

export interface NewSelfReport {
  refCode: string;
  headName: string;
  headIdNumber: string;
  phone: string;
  regionCode: string;
  countyCode: string;
  difficulties: readonly string[];
  description: string | null;
  reportedOn: string;
  ip: string | null;
  createdAt: Date;
}

/** Inserts a report; null when the reference code is taken (the caller draws another). */
export async function insertSelfReport(trx: Tx, r: NewSelfReport): Promise<number | null> {
  const row = await trx
    .insertInto('self_report')
    .values({
      ref_code: r.refCode, channel: 'miniprogram', head_name: r.headName, head_id_number: seal(trx, r.headIdNumber),
      head_bidx: idNumberIndex(trx, r.headIdNumber), phone: seal(trx, r.phone), region_code: r.regionCode, county_code: r.countyCode,
      difficulties: r.difficulties.join(','), description: seal(trx, r.description), reported_on: r.reportedOn, ip: r.ip, created_at: sql`${r.createdAt}::timestamptz`,
    })
    .onConflict((oc) => oc.column('ref_code').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * Records what became of a report (a case, a verification task, a rejection). With `version`,
 * only if nobody changed it since it was read (false: 409); without, in the transaction that
 * just created it.
 */
export async function updateSelfReport(
  trx: Tx,
  id: number,
  version: number | null,
  set: Partial<{ state: 'received' | 'case_opened' | 'task_opened' | 'rejected'; household_id: number; case_id: number; task_id: number; reject_reason: string; region_code: string }>,
): Promise<boolean> {
  let q = trx.updateTable('self_report').set({ ...set, version: sql`version + 1` }).where('id', '=', id);
  if (version !== null) q = q.where('version', '=', version);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface SelfReportFilter {
  scope: string;
  regionPattern?: string;
  state?: string;
  offset: number;
  limit: number;
}

export async function listSelfReports(db: Db, f: SelfReportFilter) {
  let q = db.selectFrom('self_report as s').leftJoin('region as r', 'r.code', 's.region_code').where('s.region_code', 'like', f.scope);
  if (f.regionPattern) q = q.where('s.region_code', 'like', f.regionPattern);
  if (f.state) q = q.where('s.state', '=', f.state as 'received');
  const [rows, total] = await Promise.all([
    q
      .select([
        's.id', 's.ref_code', 's.channel', 's.head_name', 's.head_id_number', 's.phone', 's.region_code', 'r.name as region_name', 's.county_code',
        's.difficulties', 's.reported_on', 's.household_id', 's.case_id', 's.task_id', 's.state', 's.created_at', 's.version',
      ])
      .select((eb) => eb.selectFrom('self_report_consent as k').select(sql<number>`count(*)::int`.as('n')).whereRef('k.self_report_id', '=', 's.id').as('consent_count'))
      .orderBy(sql`case when s.state = 'received' then 0 else 1 end`)
      .orderBy('s.id', 'desc')
      .offset(f.offset)
      .limit(f.limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export type SelfReportListRow = Awaited<ReturnType<typeof listSelfReports>>['rows'][number];

/** What the public status and the worklist derive from the report's case or task. */
export async function reportProgress(db: Db, r: { case_id: number | null; task_id: number | null; household_id: number | null }) {
  const [kase, task, household] = await Promise.all([
    r.case_id ? db.selectFrom('workflow_case').select(['id', 'state', 'source_ref', 'outcome']).where('id', '=', r.case_id).executeTakeFirst() : undefined,
    r.task_id ? db.selectFrom('verification_task').select(['id', 'state', 'case_id']).where('id', '=', r.task_id).executeTakeFirst() : undefined,
    r.household_id ? db.selectFrom('household').select(['id', 'monitoring_status']).where('id', '=', r.household_id).executeTakeFirst() : undefined,
  ]);
  return { kase, task, household };
}

/** Households of the actor's subtree with an active member of this blind index (the village registered the reporter). */
export async function householdsWithMember(db: Db, bidx: string, scope: string) {
  return db
    .selectFrom('member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .leftJoin('region as r', 'r.code', 'h.region_code')
    .select(['h.id', 'h.region_code', 'r.name as region_name', 'h.monitoring_status', 'm.name as member_name', 'm.relation'])
    .select((eb) => [
      eb.selectFrom('member as x').select('x.name').whereRef('x.household_id', '=', 'h.id').where('x.relation', '=', 'head').where('x.active', '=', true).limit(1).as('head_name'),
      eb.selectFrom('workflow_case as c').select('c.id').whereRef('c.household_id', '=', 'h.id').where('c.kind', '=', 'identification').where('c.outcome', 'is', null).limit(1).as('open_case_id'),
    ])
    .where('m.id_number_bidx', '=', bidx)
    .where('m.active', '=', true)
    .where('h.region_code', 'like', scope)
    .orderBy('h.id')
    .limit(10)
    .execute();
}

/** The household's active member with this blind index (undefined: none). */
export async function memberOfHousehold(db: Db, householdId: number, bidx: string): Promise<number | undefined> {
  const r = await db.selectFrom('member').select('id').where('household_id', '=', householdId).where('id_number_bidx', '=', bidx).where('active', '=', true).executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

// ---- signed commitments ----

export async function reportConsents(db: Db, reportId: number) {
  return db
    .selectFrom('self_report_consent as k')
    .leftJoin('member as m', 'm.id', 'k.member_id')
    .select(['k.id', 'k.name', 'k.id_number', 'k.id_bidx', 'k.signed_at', 'k.ip', 'k.member_id', 'k.case_consent_id', 'm.name as member_name'])
    .where('k.self_report_id', '=', reportId)
    .orderBy('k.id')
    .execute();
}

/**
 * Records one member's signature; a member who signed before keeps the first signature (the
 * unique index on report and blind index decides, in one statement). Returns the new row's id,
 * or null for a repeat.
 */
export async function insertReportConsent(trx: Tx, c: { reportId: number; name: string; idNumber: string; signedAt: Date; ip: string | null }) {
  const row = await trx
    .insertInto('self_report_consent')
    .values({ self_report_id: c.reportId, name: c.name, id_number: seal(trx, c.idNumber), id_bidx: idNumberIndex(trx, c.idNumber), signed_at: sql`${c.signedAt}::timestamptz`, ip: c.ip })
    .onConflict((oc) => oc.columns(['self_report_id', 'id_bidx']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** Signatures of the report not yet on a case, with the active member of `householdId` each matches by blind index. */
export async function pendingConsentMatches(trx: Tx, reportId: number, householdId: number) {
  return trx
    .selectFrom('self_report_consent as k')
    .innerJoin('member as m', (j) => j.onRef('m.id_number_bidx', '=', 'k.id_bidx').on('m.household_id', '=', householdId).on('m.active', '=', true))
    .select(['k.id', 'k.signed_at', 'm.id as member_id'])
    .where('k.self_report_id', '=', reportId)
    .where('k.case_consent_id', 'is', null)
    .orderBy('k.id')
    .execute();
}

/**
 * Puts a signature on the case's consents (Q22): a new case_consent row, or the one the village
 * already recorded for that member. Returns the case_consent id and whether it is new.
 */
export async function attachCaseConsent(
  trx: Tx,
  c: { consentId: number; caseId: number; countyCode: string; memberId: number; signedOn: string; recordedBy: number },
): Promise<{ id: number; created: boolean }> {
  const inserted = await trx
    .insertInto('case_consent')
    .values({ case_id: c.caseId, county_code: c.countyCode, member_id: c.memberId, signed_on: c.signedOn, recorded_by: c.recordedBy })
    .onConflict((oc) => oc.columns(['case_id', 'member_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const id = inserted
    ? Number(inserted.id)
    : Number((await trx.selectFrom('case_consent').select('id').where('case_id', '=', c.caseId).where('member_id', '=', c.memberId).executeTakeFirstOrThrow()).id);
  await trx.updateTable('self_report_consent').set({ member_id: c.memberId, case_consent_id: id }).where('id', '=', c.consentId).execute();
  return { id, created: !!inserted };
}
