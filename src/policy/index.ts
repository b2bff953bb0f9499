/** Public API of the rules engine. Other layers import from here only. */
export { assess, PARAMETERS_USED } from './assess.ts';
export { validateAssessmentInput, assessOrErrors, MESSAGES as VALIDATION_MESSAGES } from './validate.ts';
export type { ValidationResult, AssessOutcome } from './validate.ts';
export {
  ParameterSet,
  ParameterError,
  PARAMETER_KINDS,
  SHIPPED_PARAMETERS_DIR,
  defaultParameters,
  loadParameters,
  parseParameterDefinition,
  valueAt,
  hasValueForYear,
} from './parameters.ts';
export type { Parameters, ParameterName, ParameterValue, ParameterDefinition, DatedValue } from './parameters.ts';
export { ENGINE_VERSION } from './version.ts';
export { CATEGORY_NAMES, RISK_NAMES, CHECK_NAMES } from './labels.ts';
export * from './types.ts';
