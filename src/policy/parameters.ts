/**
 * Policy parameters as data, after OpenFisca: one YAML file per parameter under
 * `parameters/`, each value keyed by the date it takes effect and carrying the clause that set it.
 *
 *   monitoring_threshold.yaml
 *     description: …
 *     unit: yuan/person/year
 *     values:
 *       '2023-01-01': { value: 7800, reference: Q10 }
 *
 * The value in force on a date is the one with the latest effective date on or before it.
 * A province adds next year's threshold by adding one dated key; no code changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isValidDate, isValidMonthDay, yearOf } from './calendar.ts';
import { hasAtMostTwoDecimals } from './money.ts';

export const SHIPPED_PARAMETERS_DIR = fileURLToPath(new URL('./parameters/', import.meta.url));

type ValueKind = 'yuan' | 'yuanOrUnset' | 'days' | 'months' | 'monthDay' | 'ratio';
interface ValueKindType {
  yuan: number;
  yuanOrUnset: number | null;
  days: number;
  months: number;
  monthDay: string;
  ratio: number;
}

/**
 * Every parameter the project knows, with the kind of value it holds. A file whose name is not
 * here is rejected (it is usually a misspelt name); a new parameter is registered here first.
 */
export const PARAMETER_KINDS = {
  monitoring_threshold: 'yuan',
  monitoring_threshold_deadline: 'monthDay',
  income_window_months: 'months',
  income_stability_months: 'months',
  village_notice_min_days: 'days',
  lead_to_identification_max_days: 'days',
  plan_publication_max_days: 'days',
  system_entry_max_days: 'days',
  green_channel_verification_months: 'months',
  member_change_max_months: 'months',
  elimination_min_assistance_months: 'months',
  elimination_natural_min_months: 'months',
  former_poverty_standard: 'yuanOrUnset',
  population_ratio_attention: 'ratio',
  verification_task_max_days: 'days',
  hotline_consultation_max_days: 'days',
  hotline_self_report_max_days: 'days',
  hotline_tip_off_max_days: 'days',
} as const satisfies Record<string, ValueKind>;

export type ParameterName = keyof typeof PARAMETER_KINDS;
export type ParameterValue<K extends ParameterName> = ValueKindType[(typeof PARAMETER_KINDS)[K]];

export interface DatedValue<T> {
  /** Effective date, `YYYY-MM-DD`. */
  readonly from: string;
  readonly value: T;
  /** The clause or document that set the value, e.g. `Q10`. */
  readonly reference: string;
  readonly note?: string;
}

export interface ParameterDefinition<T = unknown> {
  readonly name: ParameterName;
  readonly description: string;
  readonly unit: string;
  /** Ascending by effective date. */
  readonly values: readonly DatedValue<T>[];
}

/** A parameter file or record that cannot be used; the message names the file and the key. */
export class ParameterError extends Error {
  override name = 'ParameterError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isParameterName(name: string): name is ParameterName {
  return Object.prototype.hasOwnProperty.call(PARAMETER_KINDS, name);
}

function checkValue(kind: ValueKind, value: unknown): string | null {
  switch (kind) {
    case 'yuanOrUnset':
      if (value === null) return null;
    // falls through: a set value is money like any other
    case 'yuan':
      return typeof value === 'number' && value >= 0 && hasAtMostTwoDecimals(value)
        ? null
        : '应为不小于0、最多两位小数的金额（元）';
    case 'days':
    case 'months':
      return Number.isSafeInteger(value) && (value as number) > 0 ? null : '应为正整数';
    case 'monthDay':
      return typeof value === 'string' && isValidMonthDay(value) ? null : '应为 MM-DD 格式的日期（如 03-31）';
    case 'ratio':
      return typeof value === 'number' && value >= 0 && value <= 1 ? null : '应为0到1之间的比例';
  }
}

const DEFINITION_KEYS = new Set(['description', 'unit', 'values']);
const VALUE_KEYS = new Set(['value', 'reference', 'note']);

/** Checks one parameter record (the parsed content of one file). `source` names it in errors. */
export function parseParameterDefinition(name: string, raw: unknown, source: string): ParameterDefinition {
  const fail = (message: string): never => {
    throw new ParameterError(`参数文件 ${source}：${message}`);
  };
  if (!isParameterName(name)) {
    fail(`未登记的参数“${name}”（可能是文件名拼写错误；新参数需先登记在 src/policy/parameters.ts 的 PARAMETER_KINDS 中）`);
  }
  const kind = PARAMETER_KINDS[name as ParameterName];
  if (!isRecord(raw)) return fail('内容应为对象（description、unit、values）');
  for (const key of Object.keys(raw)) if (!DEFINITION_KEYS.has(key)) fail(`未知字段“${key}”`);
  if (typeof raw.description !== 'string' || raw.description.trim() === '') fail('缺少 description');
  if (typeof raw.unit !== 'string' || raw.unit.trim() === '') fail('缺少 unit');
  if (!isRecord(raw.values) || Object.keys(raw.values).length === 0) fail('缺少 values（至少一个生效日期）');

  const values: DatedValue<unknown>[] = [];
  for (const [date, entry] of Object.entries(raw.values as Record<string, unknown>)) {
    const at = `values 中的“${date}”`;
    if (!isValidDate(date)) fail(`${at}不是有效的生效日期（应为 YYYY-MM-DD，且为真实日期）`);
    if (!isRecord(entry)) return fail(`${at}应为对象（value、reference）`);
    for (const key of Object.keys(entry)) if (!VALUE_KEYS.has(key)) fail(`${at}有未知字段“${key}”`);
    if (!('value' in entry)) fail(`${at}缺少 value`);
    if (typeof entry.reference !== 'string' || entry.reference.trim() === '') {
      fail(`${at}缺少 reference（每个取值都必须注明依据的条款，如 Q10）`);
    }
    if (entry.note !== undefined && typeof entry.note !== 'string') fail(`${at}的 note 应为文字`);
    const problem = checkValue(kind, entry.value);
    if (problem) fail(`${at}的 value ${problem}`);
    values.push({
      from: date,
      value: entry.value,
      reference: entry.reference as string,
      ...(entry.note !== undefined ? { note: entry.note as string } : {}),
    });
  }
  values.sort((a, b) => (a.from < b.from ? -1 : 1));
  return { name: name as ParameterName, description: raw.description as string, unit: raw.unit as string, values };
}

/**
 * A complete set of dated parameters. Immutable: `withValue` returns a new set, which is how a
 * test or a what-if adds a value without touching the files.
 */
export class ParameterSet {
  private readonly definitions = new Map<ParameterName, ParameterDefinition>();
  private readonly years = new Map<ParameterName, Set<number>>();

  constructor(definitions: Iterable<ParameterDefinition>) {
    for (const d of definitions) {
      this.definitions.set(d.name, d);
      this.years.set(d.name, new Set(d.values.map((v) => yearOf(v.from))));
    }
  }

  /** Builds a set from parsed records keyed by parameter name (as the YAML files would give). */
  static fromRecords(records: Record<string, unknown>, source = '（内存中的参数）'): ParameterSet {
    return new ParameterSet(
      Object.entries(records).map(([name, raw]) => parseParameterDefinition(name, raw, `${source} ${name}`)),
    );
  }

  names(): ParameterName[] {
    return [...this.definitions.keys()];
  }

  has(name: ParameterName): boolean {
    return this.definitions.has(name);
  }

  definition<K extends ParameterName>(name: K): ParameterDefinition<ParameterValue<K>> {
    const d = this.definitions.get(name);
    if (!d) throw new ParameterError(`参数 ${name} 未定义`);
    return d as ParameterDefinition<ParameterValue<K>>;
  }

  /** The dated value in force on `date` (`YYYY-MM-DD`), or undefined before the first one. */
  entryAt<K extends ParameterName>(name: K, date: string): DatedValue<ParameterValue<K>> | undefined {
    const values = this.definitions.get(name)?.values;
    if (!values) return undefined;
    // Few values per parameter: a backward scan beats a binary search.
    for (let i = values.length - 1; i >= 0; i--) {
      if (values[i].from <= date) return values[i] as DatedValue<ParameterValue<K>>;
    }
    return undefined;
  }

  /** The value in force on `date`; throws when the parameter has none yet. */
  valueAt<K extends ParameterName>(name: K, date: string): ParameterValue<K> {
    const entry = this.entryAt(name, date);
    if (!entry) {
      if (!this.definitions.has(name)) throw new ParameterError(`参数 ${name} 未定义`);
      throw new ParameterError(`参数 ${name} 在 ${date} 尚无生效的取值（最早生效日期 ${this.firstDate(name)}）`);
    }
    return entry.value;
  }

  /** True when some value of the parameter takes effect in `year` (INC-5: the year's own value). */
  hasValueForYear(name: ParameterName, year: number): boolean {
    return this.years.get(name)?.has(year) ?? false;
  }

  firstDate(name: ParameterName): string | undefined {
    return this.definitions.get(name)?.values[0]?.from;
  }

  /** A copy with one more dated value (replacing a value with the same date). */
  withValue<K extends ParameterName>(
    name: K,
    from: string,
    value: ParameterValue<K>,
    reference: string,
    note?: string,
  ): ParameterSet {
    const current = this.definitions.get(name);
    const raw = {
      description: current?.description ?? name,
      unit: current?.unit ?? '',
      values: Object.fromEntries([
        ...(current?.values ?? []).map((v) => [v.from, { value: v.value, reference: v.reference, ...(v.note ? { note: v.note } : {}) }]),
        [from, { value, reference, ...(note ? { note } : {}) }],
      ]),
    };
    const updated = parseParameterDefinition(name, raw, `${name}（withValue）`);
    return new ParameterSet([...[...this.definitions.values()].filter((d) => d.name !== name), updated]);
  }
}

/** The set of parameters the engine answers with; `assess(input, parameters?)` takes one. */
export type Parameters = ParameterSet;

/** Loads every `*.yaml` file of a directory; every registered parameter must be present. */
export function loadParameters(dir: string = SHIPPED_PARAMETERS_DIR): ParameterSet {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const definitions: ParameterDefinition[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new ParameterError(`参数文件 ${file}：不是有效的 YAML（${(e as Error).message}）`);
    }
    definitions.push(parseParameterDefinition(file.replace(/\.ya?ml$/, ''), raw, file));
  }
  const present = new Set(definitions.map((d) => d.name));
  const missing = (Object.keys(PARAMETER_KINDS) as ParameterName[]).filter((n) => !present.has(n));
  if (missing.length > 0) throw new ParameterError(`参数目录 ${dir} 缺少参数文件：${missing.map((n) => `${n}.yaml`).join('、')}`);
  return new ParameterSet(definitions);
}

let shipped: ParameterSet | undefined;

/** The parameters shipped with the project, loaded once on first use. */
export function defaultParameters(): ParameterSet {
  return (shipped ??= loadParameters());
}

/** The value of a shipped parameter in force on `date`. */
export function valueAt<K extends ParameterName>(name: K, date: string, parameters = defaultParameters()): ParameterValue<K> {
  return parameters.valueAt(name, date);
}

/** Whether a shipped parameter has a value taking effect in `year`. */
export function hasValueForYear(name: ParameterName, year: number, parameters = defaultParameters()): boolean {
  return parameters.hasValueForYear(name, year);
}
