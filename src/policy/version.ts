/**
 * Version of the rules engine (formulas and contract). Record it with every stored assessment
 * next to the parameter values used; bump it whenever a formula or reading changes.
 */
export const ENGINE_VERSION = '1.0.0';
