import { ELIMINATION_MACHINE, ELIMINATION_STATES } from './elimination-case.ts';
import { IDENTIFICATION_MACHINE, IDENTIFICATION_STATES } from './identification-case.ts';
import type { CaseKind, Machine } from './workflow.ts';

export const CASE_KINDS = ['identification', 'elimination'] as const;
export const CASE_KIND_NAMES: Record<CaseKind, string> = { identification: '监测对象识别', elimination: '风险消除' };

export function machineFor(kind: CaseKind): Machine {
  return kind === 'elimination' ? ELIMINATION_MACHINE : IDENTIFICATION_MACHINE;
}

export function stateName(kind: CaseKind, state: string): string {
  const names: Record<string, string> = kind === 'elimination' ? ELIMINATION_STATES : IDENTIFICATION_STATES;
  return names[state] ?? state;
}
