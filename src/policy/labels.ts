/** Chinese names used in reasons, as the guide words them. */
import type { Category, EliminationCheckRule, RiskType } from './types.ts';
import { RISK_TYPES } from './types.ts';

export const CATEGORY_NAMES: Record<Category, string> = {
  unstable_out_of_poverty: '脱贫不稳定户',
  marginal_at_risk: '边缘易致贫户',
  sudden_severe_hardship: '突发严重困难户',
};

export const RISK_NAMES: Record<RiskType, string> = {
  illness: '因病',
  disability: '因残',
  education: '因学',
  disaster: '因灾',
  accident: '因意外事故',
  employment: '务工就业不稳',
  industry: '产业项目失败',
  labor_shortage: '缺劳动力',
  housing_safety: '住房安全',
  drinking_water: '饮水安全',
  compulsory_education: '义务教育',
  basic_medical: '基本医疗',
  other: '其他',
};

export const CHECK_NAMES: Record<EliminationCheckRule, string> = {
  not_fallback_household: '非整户无劳动能力兜底保障户',
  minimum_duration: '最少帮扶时长',
  income_above_threshold: '收入持续稳定且超过监测范围',
  risks_resolved: '风险已消除且无新增风险',
  guarantees_secured: '“三保障”和饮水安全经行业部门认定',
  substantive_measures: '已落实实质性帮扶措施',
  developmental_measure: '有劳动能力的落实开发式帮扶措施',
};

/** Risk names in the fixed order of IDN-3, each once, so reasons do not depend on entry order. */
export function riskNames(types: Iterable<RiskType>): string {
  const present = new Set(types);
  return RISK_TYPES.filter((t) => present.has(t)).map((t) => RISK_NAMES[t]).join('、');
}
