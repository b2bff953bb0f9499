/** The monitoring threshold (监测范围) and its yearly update (Q10, INC-5). */
import { yearOf } from './calendar.ts';
import { formatThreshold, yuanToFen } from './money.ts';
import type { ParameterSet } from './parameters.ts';
import type { ParameterOverrides, Reason, Traced } from './types.ts';

/** Whether a threshold applies on `asOf`: an override, or a dated value already in force. */
export function hasThresholdOn(asOf: string, overrides: ParameterOverrides | undefined, parameters: ParameterSet): boolean {
  return overrides?.monitoringThreshold !== undefined || parameters.entryAt('monitoring_threshold', asOf) !== undefined;
}

export function missingThresholdMessage(parameters: ParameterSet): string {
  return `评估日期早于首个监测范围的生效日期（${parameters.firstDate('monitoring_threshold') ?? '无'}），且未指定 parameters.monitoringThreshold（Q10）`;
}

/**
 * Q10, INC-5: `parameters.monitoringThreshold` when the caller asks "what if", else the dated
 * parameter in force on the assessment date. Value in fen.
 */
export function monitoringThreshold(asOf: string, overrides: ParameterOverrides | undefined, parameters: ParameterSet): Traced<number> {
  const dated = parameters.entryAt('monitoring_threshold', asOf);
  const override = overrides?.monitoringThreshold;
  if (override === undefined) {
    if (!dated) {
      // assess() and the validator check hasThresholdOn first and report it at `asOf`.
      throw new RangeError(missingThresholdMessage(parameters));
    }
    return { value: yuanToFen(dated.value), reasons: [] };
  }
  const fen = yuanToFen(override);
  const filed = dated ? `参数文件中${dated.from}起施行的为${formatThreshold(yuanToFen(dated.value))}元（${dated.reference}）` : '参数文件中该日期尚无监测范围';
  const reason: Reason = {
    rule: 'monitoring_threshold_override',
    clause: 'Q10',
    message: `按调用方指定的监测范围${formatThreshold(fen)}元评估（假设分析）；${filed}`,
  };
  return { value: fen, reasons: [reason] };
}

/**
 * INC-5: the province sets each year's threshold by the end of the first quarter. After that
 * day, a year without a value of its own in the parameter files gets a warning — also when the
 * caller overrides the threshold, because the files still lack the year.
 */
export function thresholdWarnings(asOf: string, thresholdFen: number, overridden: boolean, parameters: ParameterSet): string[] {
  const deadline = parameters.valueAt('monitoring_threshold_deadline', asOf);
  const year = yearOf(asOf);
  if (asOf.slice(5) <= deadline || parameters.hasValueForYear('monitoring_threshold', year)) return [];
  const [month, day] = deadline.split('-').map(Number);
  const dated = parameters.entryAt('monitoring_threshold', asOf);
  const used = overridden
    ? `本次评估使用调用方指定的${formatThreshold(thresholdFen)}元`
    : `本次评估沿用${dated!.from}起施行的${formatThreshold(thresholdFen)}元`;
  return [
    `${year}年的监测范围尚未录入参数文件（全省每年一季度前需完成监测范围调整，期限为${month}月${day}日，Q10）；${used}，请省级尽快录入${year}年的监测范围`,
  ];
}
