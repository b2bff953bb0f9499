import { isCountedMember } from '../policy/household.ts';
import { MEASURE_STATUSES, type MeasureStatus } from '../policy/types.ts';
import { DEPARTMENT_KIND_NAMES, DEPARTMENT_KINDS, type DepartmentKind } from './roles.ts';
import type { Check, FieldError } from './validation.ts';

/**
 * Assistance measures and plans (AST-1…5, Q23–Q28, Q38; IDN-7 second half, Q8).
 *
 * The catalogue is reference data kept here, in code, not in a table: the rules that read it
 * (Q25 development-type, Q28 period end, fallback) are domain rules tested without a database,
 * and a change to it is a policy change that ships with code. The database only needs the type
 * codes (a check constraint in 004_assistance.sql) and the `developmental` flag, which is
 * computed here when a measure is recorded and stored with it.
 */

export { MEASURE_STATUSES, type MeasureStatus };

export const MEASURE_TYPES = [
  'industry', 'employment_workshop', 'public_welfare_job', 'cross_province_transport_subsidy',
  'micro_credit_interest_subsidy', 'yulu_plan', 'education', 'health', 'housing_safety', 'drinking_water',
  'dibao', 'tekun', 'temporary_assistance', 'work_relief', 'insurance', 'other',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/** How a measure's period ends (Q28): some run on after the risk is eliminated. */
export const END_RULES = ['fixed', 'contract_expiry', 'agreement_expiry', 'stage_end'] as const;
export type EndRule = (typeof END_RULES)[number];
export const END_RULE_NAMES: Record<EndRule, string> = {
  fixed: '按计划期限',
  contract_expiry: '持续至贷款合同到期',
  agreement_expiry: '持续至岗位协议到期',
  stage_end: '持续至完成当前学段',
};
/** What `period_end` means under each rule (form labels and messages). */
export const PERIOD_END_NAMES: Record<EndRule, string> = {
  fixed: '计划结束日期',
  contract_expiry: '合同到期日',
  agreement_expiry: '岗位协议到期日',
  stage_end: '当前学段结束日期',
};

export interface CatalogueEntry {
  type: MeasureType;
  name: string;
  /** Responsible line department; null = the rural revitalization bureau / township itself. */
  departmentKind: DepartmentKind | null;
  /**
   * Development-type (开发式帮扶, Q25) in its ordinary form. `null` for 其他: the cadre states it
   * for each measure under the Q25 definition.
   */
  developmental: boolean | null;
  /** Fallback protection (兜底保障: 低保, 特困供养), Q8, Q24. */
  fallback: boolean;
  endRule: EndRule;
  /** Why it is classified so. */
  clause: string;
}

type Entry = Omit<CatalogueEntry, 'type'>;
const entry = (name: string, departmentKind: DepartmentKind | null, developmental: boolean | null, clause: string, more: Partial<Entry> = {}): Entry => ({
  name, departmentKind, developmental, fallback: false, endRule: 'fixed', clause, ...more,
});

export const MEASURE_CATALOGUE: Record<MeasureType, Entry> = {
  industry: entry('产业帮扶', null, true, 'Q25：扩大生产规模或转变生产经营方式'),
  employment_workshop: entry('帮扶车间就业', 'human_resources', true, 'Q25、Q26：提供劳动机会'),
  public_welfare_job: entry('公益性岗位', 'human_resources', true, 'Q25、Q26：提供劳动机会', { endRule: 'agreement_expiry' }),
  cross_province_transport_subsidy: entry('跨省就业一次性交通补助', 'human_resources', false, 'Q25：直接发钱发物不属于开发式帮扶'),
  micro_credit_interest_subsidy: entry('小额信贷贴息', null, true, 'Q26：小额信贷贴息支持参与生产', { endRule: 'contract_expiry' }),
  yulu_plan: entry('雨露计划', null, true, 'Q25、Q26：帮助提高劳动技术或能力', { endRule: 'stage_end' }),
  education: entry('教育帮扶', 'education', false, 'Q25：资助、控辍保学不直接带动就业或生产', { endRule: 'stage_end' }),
  health: entry('健康帮扶', 'medical_insurance', false, 'Q25：医疗保障不属于开发式帮扶'),
  housing_safety: entry('住房安全保障', 'housing', false, 'Q25：住房保障不属于开发式帮扶'),
  drinking_water: entry('饮水安全保障', 'water', false, 'Q25：饮水保障不属于开发式帮扶'),
  dibao: entry('农村低保', 'civil_affairs', false, 'Q8、Q24：兜底保障', { fallback: true }),
  tekun: entry('特困人员救助供养', 'civil_affairs', false, 'Q8、Q24：兜底保障', { fallback: true }),
  temporary_assistance: entry('临时救助', 'civil_affairs', false, 'Q25：直接发钱发物不属于开发式帮扶'),
  work_relief: entry('以工代赈', null, true, 'Q26：以工代赈带动务工就业'),
  insurance: entry('防贫保险', null, false, 'Q25：保险理赔属直接发钱'),
  other: entry('其他', null, null, 'Q25：逐项按开发式帮扶的定义认定'),
};

export function catalogue(): CatalogueEntry[] {
  return MEASURE_TYPES.map((type) => ({ type, ...MEASURE_CATALOGUE[type] }));
}

export const FALLBACK_TYPES: MeasureType[] = MEASURE_TYPES.filter((t) => MEASURE_CATALOGUE[t].fallback);

/**
 * The forms Q25 names as NOT development-type, whatever the measure's type: an industry measure
 * that is only 入股分红, training that does not raise labour ability.
 */
export const EXCLUDED_FORMS = ['cash_or_goods', 'share_dividend', 'ineffective_training'] as const;
export type ExcludedForm = (typeof EXCLUDED_FORMS)[number];
export const EXCLUDED_FORM_NAMES: Record<ExcludedForm, string> = {
  cash_or_goods: '直接发钱发物',
  share_dividend: '入股分红',
  ineffective_training: '对提升劳动能力没有直接作用的技能培训',
};

/** Q25: development-type = the type's ordinary form is, no excluded form applies (for 其他: as stated). */
export function isDevelopmental(type: MeasureType, form: ExcludedForm | null, stated: boolean | null = null): boolean {
  if (form) return false;
  return MEASURE_CATALOGUE[type].developmental ?? stated === true;
}

export const MEASURE_STATUS_NAMES: Record<MeasureStatus, string> = {
  planned: '计划', implementing: '实施中', implemented: '已实施', ended: '已结束', suspended: '已暂停',
};

export const departmentName = (k: string | null) => (k ? (DEPARTMENT_KIND_NAMES[k as DepartmentKind] ?? k) : '乡村振兴部门/乡镇');

// —— Validation of a new measure ——

export interface MeasureColumns {
  type: MeasureType;
  department_kind: DepartmentKind | null;
  developmental: boolean;
  form: ExcludedForm | null;
  description: string;
  planned_start: string;
  period_end: string | null;
}

export const MEASURE_FIELDS = ['type', 'departmentKind', 'form', 'developmental', 'description', 'plannedStart', 'periodEnd'];

/** Validates a new measure (paths under `base`, e.g. `measures[0]`). Returns null when invalid. */
export function checkMeasure(c: Check, base: string, raw: unknown): MeasureColumns | null {
  const before = c.errors.length;
  const p = (k: string) => (base ? `${base}.${k}` : k);
  const o = c.object(base, raw, MEASURE_FIELDS);
  if (!o) return null;
  const type = c.oneOf(p('type'), o.type, MEASURE_TYPES);
  const description = c.string(p('description'), o.description, { required: true, max: 500 });
  const plannedStart = c.date(p('plannedStart'), o.plannedStart, { required: true });
  const periodEnd = c.date(p('periodEnd'), o.periodEnd);
  const form = o.form === undefined || o.form === null ? null : c.oneOf(p('form'), o.form, EXCLUDED_FORMS);
  let departmentKind: DepartmentKind | null = type ? MEASURE_CATALOGUE[type].departmentKind : null;
  if (o.departmentKind !== undefined) departmentKind = o.departmentKind === null ? null : c.oneOf(p('departmentKind'), o.departmentKind, DEPARTMENT_KINDS);
  let stated: boolean | null = null;
  if (type === 'other') {
    stated = c.boolean(p('developmental'), o.developmental);
    if (stated && form) c.fail(p('developmental'), `${EXCLUDED_FORM_NAMES[form]}不属于开发式帮扶措施（Q25）`);
  } else if (o.developmental !== undefined) c.fail(p('developmental'), '是否开发式帮扶由措施类型决定，仅“其他”类措施逐项填写（Q25）');
  if (type) {
    const rule = MEASURE_CATALOGUE[type].endRule;
    if (rule !== 'fixed' && !periodEnd && !c.errors.some((e) => e.path === p('periodEnd')))
      c.fail(p('periodEnd'), `${MEASURE_CATALOGUE[type].name}须填写${PERIOD_END_NAMES[rule]}：${END_RULE_NAMES[rule]}（Q28）`);
  }
  if (plannedStart && periodEnd && periodEnd < plannedStart) c.fail(p('periodEnd'), '结束日期不能早于计划开始日期');
  if (c.errors.length > before) return null;
  return {
    type: type!, department_kind: departmentKind, developmental: isDevelopmental(type!, form, stated), form,
    description: description!, planned_start: plannedStart!, period_end: periodEnd,
  };
}

// —— Lifecycle (AST-4) ——

export interface Transition {
  from: MeasureStatus;
  to: MeasureStatus;
  name: string;
  /** The date column the transition records. */
  dateColumn: 'started_on' | 'implemented_on' | 'ended_on' | 'suspended_on';
  reasonRequired?: boolean;
}

/** planned → implementing → implemented → ended; planned/implementing → suspended; suspended → implementing. */
export const MEASURE_TRANSITIONS: readonly Transition[] = [
  { from: 'planned', to: 'implementing', name: '开始实施', dateColumn: 'started_on' },
  { from: 'implementing', to: 'implemented', name: '实施完成', dateColumn: 'implemented_on' },
  { from: 'implemented', to: 'ended', name: '结束', dateColumn: 'ended_on' },
  { from: 'planned', to: 'suspended', name: '暂停', dateColumn: 'suspended_on', reasonRequired: true },
  { from: 'implementing', to: 'suspended', name: '暂停', dateColumn: 'suspended_on', reasonRequired: true },
  { from: 'suspended', to: 'implementing', name: '恢复实施', dateColumn: 'started_on' },
];

export function nextStatuses(status: MeasureStatus): MeasureStatus[] {
  return MEASURE_TRANSITIONS.filter((t) => t.from === status).map((t) => t.to);
}

export interface MeasureState {
  type: MeasureType;
  status: MeasureStatus;
  planned_start: string;
  period_end: string | null;
  started_on: string | null;
  implemented_on: string | null;
  ended_on: string | null;
}

export type MeasureStatusSet = Partial<Record<'status' | 'started_on' | 'implemented_on' | 'ended_on' | 'suspended_on' | 'suspended_reason', string | null>>;

const quoted = (s: MeasureStatus) => `“${MEASURE_STATUS_NAMES[s]}”`;
const PATH = 'status';

/**
 * Moves a measure to `to` on `on` (an ISO date, not after `today`). Returns the columns to set,
 * or the refusal in Chinese naming the clause.
 */
export function transitionMeasure(
  m: MeasureState,
  to: MeasureStatus,
  on: string,
  today: string,
  reason: string | null,
): { set: MeasureStatusSet } | { error: FieldError } {
  const fail = (message: string, path = PATH) => ({ error: { path, message } });
  if (m.status === to) return fail(`措施已是${quoted(to)}状态`);
  if (m.status === 'ended') return fail('已结束的措施不能再变更状态（AST-4）');
  const t = MEASURE_TRANSITIONS.find((x) => x.from === m.status && x.to === to);
  if (!t) {
    const allowed = nextStatuses(m.status).map(quoted).join('或');
    return fail(`措施状态不能从${quoted(m.status)}变为${quoted(to)}，只能变为${allowed}（AST-4：计划→实施中→已实施→已结束，计划或实施中可暂停，暂停后可恢复实施）`);
  }
  if (on > today) return fail('日期不能晚于今天', 'on');
  if (t.reasonRequired && !reason) return fail('暂停措施须填写原因（AST-4、GRN-2）', 'reason');
  const previous = to === 'implemented' ? m.started_on : to === 'ended' ? m.implemented_on : null;
  if (previous && on < previous) return fail(`日期不能早于上一环节日期（${previous}）`, 'on');
  const entry = MEASURE_CATALOGUE[m.type];
  if (to === 'ended' && entry.endRule !== 'fixed' && m.period_end && on < m.period_end)
    return fail(`${entry.name}应${END_RULE_NAMES[entry.endRule]}（${m.period_end}），到期前不能结束；风险消除后也应延续（Q28）`);
  const set: MeasureStatusSet = { status: to, [t.dateColumn]: on };
  if (m.status === 'suspended') Object.assign(set, { suspended_on: null, suspended_reason: null, started_on: m.started_on ?? on });
  if (to === 'suspended') set.suspended_reason = reason;
  return { set };
}

// —— Plan checks (AST-1, AST-3, IDN-7) ——

export interface PlanFacts {
  identifiedOn: string | null;
  members: { laborAbility: string; livesTogether: boolean; registration: string; urbanGuarantees: boolean }[];
  developmentDeclinedReason: string | null;
  measures: { type: MeasureType; developmental: boolean; status: MeasureStatus; endedOn: string | null }[];
}

export const GAP_KINDS = ['no_measure', 'no_developmental', 'fallback_only'] as const;
export type GapKind = (typeof GAP_KINDS)[number];
export const GAP_CLAUSES: Record<GapKind, string> = { no_measure: 'Q23', no_developmental: 'Q24', fallback_only: 'Q8' };
export const GAP_NAMES: Record<GapKind, string> = {
  no_measure: '未落实帮扶措施的监测对象',
  no_developmental: '有劳动能力但未落实开发式帮扶措施',
  fallback_only: '有劳动能力但仅有兜底保障措施（“一兜了之”）',
};

export interface PlanCheck {
  rule: GapKind | 'no_labor_fallback' | 'weak_labor_developmental';
  clause: string;
  ok: boolean;
  message: string;
}

/**
 * A measure counts for the current monitoring period unless suspended or ended before the
 * household was identified (a measure of an earlier period, Q39).
 */
export function countsForPeriod(m: { status: MeasureStatus; endedOn: string | null }, identifiedOn: string | null): boolean {
  if (m.status === 'suspended') return false;
  return !m.endedOn || !identifiedOn || m.endedOn >= identifiedOn;
}

export function laborOf(members: PlanFacts['members']): { full: number; weak: number } {
  const counted = members.filter((m) => isCountedMember({ livesTogether: m.livesTogether, registration: m.registration as 'rural', urbanGuarantees: m.urbanGuarantees }));
  return { full: counted.filter((m) => m.laborAbility === 'full').length, weak: counted.filter((m) => m.laborAbility === 'weak').length };
}

/** The checks shown with a household's plan; the supervision lists (store) apply the first three in SQL. */
export function planChecks(f: PlanFacts): PlanCheck[] {
  const active = f.measures.filter((m) => countsForPeriod(m, f.identifiedOn));
  const developmental = active.some((m) => m.developmental);
  const onlyFallback = active.length > 0 && active.every((m) => MEASURE_CATALOGUE[m.type].fallback);
  const { full, weak } = laborOf(f.members);
  const checks: PlanCheck[] = [
    active.length > 0
      ? { rule: 'no_measure', clause: 'Q23', ok: true, message: `已落实${active.length}项帮扶措施` }
      : { rule: 'no_measure', clause: 'Q23', ok: false, message: '识别为监测对象后都要落实帮扶措施，本户尚无有效的帮扶措施' },
  ];
  if (full > 0) {
    if (developmental) checks.push({ rule: 'no_developmental', clause: 'Q24', ok: true, message: '有劳动能力，已安排开发式帮扶措施' });
    else if (f.developmentDeclinedReason)
      checks.push({ rule: 'no_developmental', clause: 'Q24', ok: true, message: `有劳动能力，本户无发展意愿：${f.developmentDeclinedReason}` });
    else checks.push({ rule: 'no_developmental', clause: 'Q24', ok: false, message: '有劳动能力、有意愿的监测户至少落实一项产业就业等开发式帮扶措施' });
    checks.push(
      onlyFallback
        ? { rule: 'fallback_only', clause: 'Q8', ok: false, message: '有劳动能力的监测对象不能通过低保等政策“一兜了之”' }
        : { rule: 'fallback_only', clause: 'Q8', ok: true, message: '帮扶措施不只兜底保障' },
    );
  } else if (weak > 0) {
    checks.push({
      rule: 'weak_labor_developmental', clause: 'Q24', ok: developmental,
      message: developmental ? '弱劳力半劳力家庭已安排开发式帮扶措施' : '对弱劳力半劳力，要创造条件探索落实开发式帮扶措施',
    });
  } else {
    const fallback = active.some((m) => MEASURE_CATALOGUE[m.type].fallback);
    checks.push({
      rule: 'no_labor_fallback', clause: 'Q24', ok: fallback,
      message: fallback ? '无劳动能力家庭已落实兜底保障' : '对符合条件的无劳动能力监测户，应做好兜底保障（低保、特困供养）',
    });
  }
  return checks;
}
