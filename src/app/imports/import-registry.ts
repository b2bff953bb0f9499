/**
 * Import of the household information collection form (信息采集表, DAT-1, REG-1…REG-4): its
 * household part (农户信息) and member part (家庭成员). Rows are validated by the same domain
 * functions as the forms (checkHousehold, checkMember), then against the registry:
 *
 * - a household is found by its head's ID number, a member by its own (blind index, SEC-7);
 * - a household outside the importer's scope, or a number registered in another household, is a
 *   problem of its row (the message does not say where the number is registered, as in the forms);
 * - a new household needs its members in the file with exactly one head.
 *
 * The plan says what changes; an unchanged row writes nothing. The write is bulk SQL (multi-row
 * inserts, one audit batch) in the caller's transaction.
 */
import { checkHousehold, checkMember, type HouseholdInput, type MemberInput } from '../../domain/household.ts';
import { idNumberProblem } from '../../domain/id-number.ts';
import { countyCodeOf, isInSubtree } from '../../domain/region-code.ts';
import { HEAD_ID_HEADER, HOUSEHOLDS_SHEET, MEMBERS_SHEET } from '../../domain/sheets/registry.ts';
import type { RowProblem, SheetSpec } from '../../domain/sheets/spec.ts';
import { Check } from '../../domain/validation.ts';
import { appendAuditBatch, type AuditEntry } from '../../store/audit.ts';
import type { HouseholdRow, MemberRow } from '../../store/households.ts';
import { idNumberIndex, sealMemberColumns } from '../../store/members.ts';
import { insertUnnest, nextIds } from '../../store/imports.ts';
import type { Db, Tx } from '../../store/transaction.ts';
import { ID_NUMBER_TAKEN } from '../households/create-household.ts';
import { householdAuditView, MEMBER_COLUMNS, memberAuditView, newHouseholdColumns, toColumns } from '../households/views.ts';
import { cellProblem, validationProblems, type ParsedRow } from './sheet-rows.ts';
import type { ImportContext, SheetImporter, WriteCounts } from './importer.ts';

interface HouseholdLine {
  row: number;
  sheet: string;
  texts: Map<string, string>;
  headName: string | undefined;
  household: HouseholdInput;
}

interface MemberLine {
  row: number;
  sheet: string;
  texts: Map<string, string>;
  regionCode: string | undefined;
  member: MemberInput;
}

interface Group {
  headIdNumber: string;
  household?: HouseholdLine;
  members: MemberLine[];
  /** Set by validation: the registered household, if any. */
  existing?: HouseholdRow;
}

type MemberCols = Record<string, unknown>;

interface Plan {
  newHouseholds: { group: Group; household: MemberCols }[];
  householdUpdates: { before: HouseholdRow; set: MemberCols }[];
  /** Members of registered households (a new household's members are its group's). */
  newMembers: { householdId: number; group: Group; member: MemberInput }[];
  newHouseholdMembers: number;
  memberUpdates: { before: MemberRow; set: MemberCols }[];
  unchanged: number;
}


function memberColumns(m: MemberInput): MemberCols {
  const cols = toColumns(m as unknown as Record<string, unknown>, MEMBER_COLUMNS);
  for (const col of Object.values(MEMBER_COLUMNS)) if (cols[col] === undefined) cols[col] = null;
  return cols;
}

/** The columns of `next` that differ from the stored row. */
function changed(before: Record<string, unknown>, next: MemberCols): MemberCols {
  const out: MemberCols = {};
  for (const [k, v] of Object.entries(next)) if ((before[k] ?? null) !== (v ?? null)) out[k] = v;
  return out;
}

/** Columns of a bulk insert and their SQL types (store/imports.ts insertUnnest). */
const HOUSEHOLD_INSERT = [
  ['id', 'bigint'], ['county_code', 'text'], ['region_code', 'text'], ['registration_region_code', 'text'], ['residence_region_code', 'text'],
  ['responsibility_basis', 'text'], ['responsibility_reason', 'text'], ['village_group', 'text'], ['address', 'text'], ['formerly_poor', 'boolean'],
  ['poverty_exit_year', 'int'], ['dibao_since', 'date'], ['tekun_since', 'date'], ['relocated_since', 'date'], ['disabled_household_since', 'date'],
  ['fallback_since', 'date'], ['fallback_basis', 'text'],
] as const;
const MEMBER_INSERT = [
  ['id', 'bigint'], ['household_id', 'bigint'], ['county_code', 'text'], ['name', 'text'], ['id_number', 'text'], ['id_number_bidx', 'text'],
  ['relation', 'text'], ['sex', 'text'], ['birth_date', 'date'], ['registration', 'text'], ['urban_guarantees', 'boolean'], ['lives_together', 'boolean'],
  ['labor_ability', 'text'], ['health', 'text'], ['disability_grade', 'smallint'], ['schooling', 'text'], ['employment', 'text'], ['phone', 'text'],
  ['bank_account', 'text'], ['support_note', 'text'],
] as const;

/** The cells later messages may show; the rest of a row's text is not kept (a county's file is large). */
const HOUSEHOLD_MESSAGE_FIELDS = ['headIdNumber', 'headName', 'household.regionCode', 'household.registrationRegionCode', 'household.residenceRegionCode'];
const MEMBER_MESSAGE_FIELDS = ['headIdNumber', 'regionCode', 'idNumber', 'relation'];
function kept(spec: SheetSpec, texts: Map<string, string>, fields: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of spec.columns) if (fields.includes(c.field) && texts.has(c.header)) out.set(c.header, texts.get(c.header)!);
  return out;
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export class RegistryImporter implements SheetImporter {
  readonly key: string = 'households';
  readonly sheets: readonly SheetSpec[] = [HOUSEHOLDS_SHEET, MEMBERS_SHEET];
  readonly title: string = '农户信息采集表（农户信息与家庭成员）';
  private groups = new Map<string, Group>();
  private memberRows = new Map<string, { row: number; sheet: string }>();
  /** Households with a rejected row: the file fails anyway, and their other checks would only echo it. */
  private rejectedHeads = new Set<string>();
  private plan: Plan | null = null;

  private group(head: string): Group {
    let g = this.groups.get(head);
    if (!g) this.groups.set(head, (g = { headIdNumber: head, members: [] }));
    return g;
  }

  accept(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const problems = this.check(spec, row);
    const head = row.input.headIdNumber;
    if (problems.length && typeof head === 'string') this.rejectedHeads.add(head);
    return problems;
  }

  private check(spec: SheetSpec, row: ParsedRow): RowProblem[] {
    const problems = [...row.problems];
    const head = typeof row.input.headIdNumber === 'string' ? row.input.headIdNumber : undefined;
    if (head) {
      const p = idNumberProblem(head);
      if (p) problems.push(cellProblem(spec, row, 'headIdNumber', p));
    }
    const c = new Check();
    if (spec === HOUSEHOLDS_SHEET) {
      const household = checkHousehold(c, 'household', row.input.household ?? {});
      problems.push(...validationProblems(spec, row, c.errors));
      if (problems.length || !head) return problems;
      const g = this.group(head);
      if (g.household) return [cellProblem(spec, row, 'headIdNumber', `该户主身份证号已在第 ${g.household.row} 行出现（一户一行）`)];
      g.household = { row: row.row, sheet: row.sheet, texts: kept(spec, row.texts, HOUSEHOLD_MESSAGE_FIELDS), headName: row.input.headName as string | undefined, household: household as HouseholdInput };
      return [];
    }
    const { headIdNumber: _h, regionCode, ...memberInput } = row.input;
    const member = checkMember(c, '', memberInput);
    problems.push(...validationProblems(spec, row, c.errors));
    if (problems.length || !head) return problems;
    const seen = this.memberRows.get(member.idNumber!);
    if (seen) return [cellProblem(spec, row, 'idNumber', `与${seen.sheet === row.sheet ? '' : `“${seen.sheet}”表`}第 ${seen.row} 行的身份证号重复（一人只能在一户中登记）`)];
    this.memberRows.set(member.idNumber!, { row: row.row, sheet: row.sheet });
    this.group(head).members.push({ row: row.row, sheet: row.sheet, texts: kept(spec, row.texts, MEMBER_MESSAGE_FIELDS), regionCode: regionCode as string | undefined, member: member as MemberInput });
    return [];
  }

  async validate(db: Db, ctx: ImportContext): Promise<RowProblem[]> {
    const problems: RowProblem[] = [];
    const hp = (g: Group, field: string, reason: string) => problems.push(cellProblem(HOUSEHOLDS_SHEET, g.household!, field, reason));
    const mp = (m: MemberLine, field: string, reason: string) => problems.push(cellProblem(MEMBERS_SHEET, m, field, reason));

    // Registered members of every number in the file, by blind index (heads are members too).
    const numbers = new Set<string>([...this.groups.keys(), ...this.memberRows.keys()]);
    const registered = new Map<string, MemberRow>();
    for (const part of chunks([...numbers], 1000)) {
      const byIndex = new Map(part.map((n) => [idNumberIndex(db, n), n]));
      const rows = await db.selectFrom('member').selectAll().where('id_number_bidx', 'in', [...byIndex.keys()]).where('active', '=', true).execute();
      for (const r of rows) registered.set(byIndex.get(r.id_number_bidx!)!, r);
    }
    const householdIds = [...new Set([...registered.values()].map((m) => m.household_id))];
    const households = new Map<number, HouseholdRow>();
    for (const part of chunks(householdIds, 1000))
      for (const h of await db.selectFrom('household').selectAll().where('id', 'in', part).execute()) households.set(h.id, h);
    const existingMembers = new Map<number, MemberRow[]>();
    for (const m of registered.values()) existingMembers.set(m.household_id, [...(existingMembers.get(m.household_id) ?? []), m]);
    // The registered heads of households the file touches (a head may be absent from the file).
    const headsOf = new Map<number, MemberRow>();
    for (const part of chunks(householdIds, 1000))
      for (const m of await db.selectFrom('member').selectAll().where('household_id', 'in', part).where('active', '=', true).where('relation', '=', 'head').execute()) headsOf.set(m.household_id, m);

    // Regions named anywhere in the file.
    const codes = new Set<string>();
    for (const g of this.groups.values()) {
      const h = g.household?.household;
      for (const c of [h?.regionCode, h?.registrationRegionCode, h?.residenceRegionCode]) if (c) codes.add(c);
      for (const m of g.members) if (m.regionCode) codes.add(m.regionCode);
    }
    const known = new Set<string>();
    for (const part of chunks([...codes], 1000)) for (const r of await db.selectFrom('region').select('code').where('code', 'in', part).execute()) known.add(r.code);
    const inScope = (code: string) => isInSubtree(ctx.scope.regionCode, code) && countyCodeOf(code) === ctx.scope.countyCode;
    const scopeReason = `不在本次导入的范围内（${ctx.scope.regionName}）：只能导入本人辖区内的农户`;

    const plan: Plan = { newHouseholds: [], householdUpdates: [], newMembers: [], newHouseholdMembers: 0, memberUpdates: [], unchanged: 0 };
    for (const g of this.groups.values()) {
      if (this.rejectedHeads.has(g.headIdNumber)) continue;
      const before = problems.length;
      const headMember = registered.get(g.headIdNumber);
      let existing: HouseholdRow | undefined;
      if (headMember) {
        const h = households.get(headMember.household_id)!;
        if (headMember.relation !== 'head' || !isInSubtree(ctx.scope.regionCode, h.region_code) || h.county_code !== ctx.scope.countyCode) {
          if (g.household) hp(g, 'headIdNumber', headMember.relation !== 'head' && inScope(h.region_code) ? '该身份证号已登记为家庭成员而不是户主' : ID_NUMBER_TAKEN);
          for (const m of g.members) mp(m, 'headIdNumber', headMember.relation !== 'head' && inScope(h.region_code) ? '该身份证号已登记为家庭成员而不是户主' : ID_NUMBER_TAKEN);
          continue;
        }
        existing = h;
        g.existing = h;
      }
      // Regions of the household row (or, for a new household without one, of its member rows).
      const hh = g.household?.household;
      if (hh) {
        for (const [field, code] of [['household.regionCode', hh.regionCode], ['household.registrationRegionCode', hh.registrationRegionCode], ['household.residenceRegionCode', hh.residenceRegionCode]] as const)
          if (code && !known.has(code)) hp(g, field, '区划代码不存在');
        if (hh.regionCode && known.has(hh.regionCode) && !inScope(hh.regionCode)) hp(g, 'household.regionCode', scopeReason);
      }
      const region = hh?.regionCode ?? existing?.region_code ?? g.members.find((m) => m.regionCode)?.regionCode;
      for (const m of g.members) {
        if (!m.regionCode) continue;
        if (!known.has(m.regionCode)) mp(m, 'regionCode', '区划代码不存在');
        else if (!inScope(m.regionCode)) mp(m, 'regionCode', scopeReason);
        else if (region && m.regionCode !== region) mp(m, 'regionCode', `与该户的负责村（${region}）不一致；更换负责村请在“农户信息”表中修改`);
      }
      if (!existing && !region) {
        for (const m of g.members.slice(0, 1)) mp(m, 'regionCode', '新登记的农户须填写负责村区划代码（或在“农户信息”表中填写该户）');
        if (!g.members.length) hp(g, 'headIdNumber', '该户主尚未登记：新登记农户须在“家庭成员”表中填写其家庭成员');
      }
      // Members: a registered number must be of this household.
      const heads = g.members.filter((m) => m.member.relation === 'head');
      for (const m of g.members) {
        const reg = registered.get(m.member.idNumber);
        if (reg && (!existing || reg.household_id !== existing.id)) mp(m, 'idNumber', ID_NUMBER_TAKEN);
        if (m.member.relation === 'head' && m.member.idNumber !== g.headIdNumber) mp(m, 'relation', `户主的身份证号应与“${HEAD_ID_HEADER}”一致`);
      }
      if (!existing) {
        if (g.members.length && heads.length !== 1) mp(g.members[0]!, 'relation', heads.length ? `该户有 ${heads.length} 名户主：须有且只有一名户主` : '新登记的农户须有且只有一名户主（与户主关系 = 户主）');
        else if (!g.members.length && g.household) hp(g, 'headIdNumber', '该户主尚未登记：新登记农户须在“家庭成员”表中填写其家庭成员');
      } else if (heads.length > 1) mp(heads[1]!, 'relation', '该户已有户主');
      const headName = existing ? (g.members.find((m) => m.member.idNumber === g.headIdNumber)?.member.name ?? headsOf.get(existing.id)?.name) : heads[0]?.member.name;
      if (g.household?.headName && headName && g.household.headName !== headName) hp(g, 'headName', `与家庭成员中的户主姓名“${headName}”不一致`);
      if (problems.length > before) continue;

      // The plan.
      if (!existing) {
        plan.newHouseholds.push({ group: g, household: newHouseholdColumns(hh ?? { regionCode: region }) });
        plan.newHouseholdMembers += g.members.length;
        continue;
      }
      if (hh) {
        const set = changed(existing, newHouseholdColumns(hh));
        if (Object.keys(set).length) plan.householdUpdates.push({ before: existing, set });
        else plan.unchanged++;
      }
      const current = new Map((existingMembers.get(existing.id) ?? []).map((m) => [m.id_number, m]));
      for (const m of g.members) {
        const reg = current.get(m.member.idNumber);
        const cols = memberColumns(m.member);
        if (!reg) plan.newMembers.push({ householdId: existing.id, group: g, member: m.member });
        else {
          const set = changed(reg, cols);
          if (Object.keys(set).length) plan.memberUpdates.push({ before: reg, set });
          else plan.unchanged++;
        }
      }
    }
    this.plan = problems.length ? null : plan;
    return problems;
  }

  counts(): WriteCounts {
    const p = this.plan!;
    return { created: p.newHouseholds.length + p.newHouseholdMembers + p.newMembers.length, updated: p.householdUpdates.length + p.memberUpdates.length, unchanged: p.unchanged };
  }

  get rowCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += (g.household ? 1 : 0) + g.members.length;
    return n;
  }

  async write(trx: Tx, ctx: ImportContext, onWritten: (n: number) => void): Promise<WriteCounts> {
    const p = this.plan!;
    const actor = ctx.actor;
    const reason = `导入 ${ctx.fileName}（导入任务 ${ctx.jobId}）`;
    // Ids first, so member rows know their household and audit entries their record without
    // reading the rows back (and decrypting them) after the insert.
    const insertMembers = async (rows: MemberRow[]) => {
      for (const part of chunks(rows, 1000)) {
        await insertUnnest(trx, 'member', MEMBER_INSERT, part.map((m) => sealMemberColumns(trx, m as any)));
        onWritten(part.length);
      }
    };
    const memberRow = (m: MemberInput, id: number, householdId: number, county: string): MemberRow =>
      ({ ...(memberColumns(m) as any), id, household_id: householdId, county_code: county, active: true, version: 1 });
    // New households with their members, a chunk at a time with their audit entries: rows are
    // built for the chunk and dropped after it, so memory does not grow with the file.
    for (const part of chunks(p.newHouseholds, 500)) {
      const householdIds = await nextIds(trx, 'household_id_seq', part.length);
      const memberIds = await nextIds(trx, 'member_id_seq', part.reduce((n, x) => n + x.group.members.length, 0));
      let next = 0;
      const rows = part.map((n, i) => {
        const county = countyCodeOf(n.household.region_code as string)!;
        const household = { ...(n.household as any), id: householdIds[i]!, county_code: county } as HouseholdRow;
        return { household, members: n.group.members.map((m) => memberRow(m.member, memberIds[next++]!, household.id, county)) };
      });
      await insertUnnest(trx, 'household', HOUSEHOLD_INSERT, rows.map((r) => r.household) as unknown as Record<string, unknown>[]);
      onWritten(part.length);
      await insertMembers(rows.flatMap((r) => r.members));
      await appendAuditBatch(
        trx,
        rows.map(({ household: h, members }) => {
          const saved = { ...h, monitoring_status: 'none', monitoring_category: null, identified_on: null, eliminated_on: null, version: 1 } as HouseholdRow;
          return { actor, action: 'household.create', objectType: 'household', objectId: h.id, countyCode: h.county_code, after: { ...householdAuditView(saved), members: members.map(memberAuditView) }, reason };
        }),
      );
    }
    // New members of registered households.
    for (const part of chunks(p.newMembers, 1000)) {
      const ids = await nextIds(trx, 'member_id_seq', part.length);
      const rows = part.map((n, i) => memberRow(n.member, ids[i]!, n.householdId, n.group.existing!.county_code));
      await insertMembers(rows);
      await appendAuditBatch(trx, rows.map((m) => ({ actor, action: 'member.create', objectType: 'member', objectId: m.id, countyCode: m.county_code, after: memberAuditView(m), reason })));
    }
    const audit: AuditEntry[] = [];
    for (const u of p.householdUpdates) {
      const set: MemberCols = { ...u.set };
      if (set.region_code) set.county_code = countyCodeOf(set.region_code as string);
      const saved = await trx.updateTable('household').set({ ...(set as any), version: u.before.version + 1, updated_at: new Date() }).where('id', '=', u.before.id).where('version', '=', u.before.version).returningAll().executeTakeFirst();
      if (!saved) throw new ImportConflict(`第 ${u.before.id} 号农户在校验之后被他人修改`);
      audit.push({ actor, action: 'household.update', objectType: 'household', objectId: saved.id, countyCode: saved.county_code, before: householdAuditView(u.before), after: householdAuditView(saved), reason });
      onWritten(1);
    }
    for (const u of p.memberUpdates) {
      const saved = await trx.updateTable('member').set({ ...sealMemberColumns(trx, u.set as any), version: u.before.version + 1, updated_at: new Date() }).where('id', '=', u.before.id).where('version', '=', u.before.version).returningAll().executeTakeFirst();
      if (!saved) throw new ImportConflict(`第 ${u.before.id} 号家庭成员在校验之后被他人修改`);
      audit.push({ actor, action: 'member.update', objectType: 'member', objectId: saved.id, countyCode: saved.county_code, before: memberAuditView(u.before), after: memberAuditView(saved), reason });
      onWritten(1);
    }
    ctx.audit.push(...audit);
    return this.counts();
  }
}

/** The registry changed between validation and writing: the job fails, nothing is written. */
export class ImportConflict extends Error {
  override name = 'ImportConflict';
}

/** The member part alone (a CSV of members, or a workbook's 家庭成员 sheet). */
export class MembersImporter extends RegistryImporter {
  override readonly key = 'members';
  override readonly sheets: readonly SheetSpec[] = [MEMBERS_SHEET];
  override readonly title = '家庭成员信息采集表';
}
