import { RISK_TYPES } from '../policy/types.ts';
import { Check, type FieldError } from './validation.ts';

/**
 * Verification tasks (核实任务, Q43): a warning or tip the village verifies at once. The visit
 * ends the task one of three ways — no risk (the household stays under 持续跟踪), risk found (an
 * identification case opens with the task's lead date and source), or, for a monitoring object,
 * the new risk is recorded on its record. Nothing reopens a closed task: a new warning opens a
 * new one.
 */
export const TASK_STATES = ['open', 'no_risk', 'case_opened', 'risk_recorded'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TASK_STATE_NAMES: Record<TaskState, string> = {
  open: '待核实',
  no_risk: '核实无风险（持续跟踪）',
  case_opened: '发现风险，已启动识别',
  risk_recorded: '已是监测对象，新增风险已登记',
};

export const TASK_OUTCOMES = ['no_risk', 'risk_found', 'already_monitored'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];
export const TASK_OUTCOME_NAMES: Record<TaskOutcome, string> = {
  no_risk: '核实无风险',
  risk_found: '发现风险，启动识别程序',
  already_monitored: '已是监测对象，登记新增风险',
};

/** Why a visit found no risk. 'already_dibao' is refused for a dibao/特困 application (Q8). */
export const NO_RISK_REASONS = {
  income_above_line: '家庭收入稳定高于监测范围',
  hardship_resolved: '困难已解决或可自行化解',
  information_wrong: '预警信息有误（人员、事项不符）',
  already_dibao: '已享受低保或特困供养',
  other: '其他（须说明）',
} as const;
export type NoRiskReason = keyof typeof NO_RISK_REASONS;

/** Sources for which "already has dibao/特困" is no reason to skip the screening (Q8, IDN-7). */
const Q8_SOURCES = new Set(['dibao_application', 'tekun_application']);
/** The same excuse in the free text (a cadre writes it out instead of choosing the code). */
const Q8_TEXT = /(?<![没未无不])(享受|纳入|领取|在享|有|是)[了着]?(农村)?(低保|特困)/;

export interface TaskOutcomeInput {
  outcome: TaskOutcome;
  visitedOn: string;
  visitors: string;
  findings: string | null;
  reasonCode: NoRiskReason | null;
  reason: string | null;
  riskType: (typeof RISK_TYPES)[number] | null;
  householdId: number | null;
}

export interface TaskFacts {
  state: TaskState;
  source: string;
  leadOn: string;
  householdId: number | null;
  /** The household is a monitoring object now. */
  monitored: boolean;
}

/**
 * Checks a visit's record against the task (field errors with their paths, in Chinese): the
 * outcome must fit the household's status, a no-risk outcome needs a reason, and a dibao/特困
 * application can never be closed because the household already has dibao (Q8).
 */
export function checkTaskOutcome(raw: unknown, task: TaskFacts, today: string): { input: TaskOutcomeInput | null; errors: FieldError[] } {
  const c = new Check();
  const o = c.object('', raw, ['version', 'outcome', 'visitedOn', 'visitors', 'findings', 'reasonCode', 'reason', 'riskType', 'householdId']) ?? {};
  if (task.state !== 'open') c.fail('', `该任务已办结（${TASK_STATE_NAMES[task.state]}），不能再次登记`);
  const outcome = c.oneOf('outcome', o.outcome, TASK_OUTCOMES) as TaskOutcome | null;
  const visitedOn = c.date('visitedOn', o.visitedOn, { required: true });
  if (visitedOn && visitedOn > today) c.fail('visitedOn', '入户核实日期不能晚于今天');
  if (visitedOn && visitedOn < task.leadOn) c.fail('visitedOn', `入户核实日期不能早于线索日期（${task.leadOn}）`);
  const visitors = c.string('visitors', o.visitors, { required: true, max: 200 });
  const findings = c.string('findings', o.findings, { max: 2000 });
  let reasonCode: NoRiskReason | null = null;
  let reason: string | null = null;
  let riskType: TaskOutcomeInput['riskType'] = null;
  let householdId: number | null = null;
  if (outcome === 'no_risk') {
    reasonCode = c.oneOf('reasonCode', o.reasonCode, Object.keys(NO_RISK_REASONS) as NoRiskReason[]) as NoRiskReason | null;
    reason = c.string('reason', o.reason, { max: 1000, required: reasonCode === 'other' });
    if (Q8_SOURCES.has(task.source)) {
      if (reasonCode === 'already_dibao') c.fail('reasonCode', '新申请低保、特困的，不能以“已享受低保或特困”为由不开展监测识别（Q8）');
      else if (reason && Q8_TEXT.test(reason)) c.fail('reason', '新申请低保、特困的，不能以已享受低保或特困为由结束核实（Q8）');
    }
  } else if (o.reasonCode !== undefined) c.fail('reasonCode', '只有“核实无风险”须填写原因');
  if (outcome === 'already_monitored') {
    riskType = c.oneOf('riskType', o.riskType, RISK_TYPES) as TaskOutcomeInput['riskType'];
    if (!task.monitored) c.fail('outcome', '该户不是监测对象：发现风险请选择“启动识别程序”');
  }
  if (outcome === 'risk_found' && task.monitored) c.fail('outcome', '该户已是监测对象：新的风险请选择“登记新增风险”');
  // A tip-off naming no registered person: the village says which household it verified.
  if (task.householdId === null && outcome !== 'no_risk' && outcome !== null) {
    householdId = c.id('householdId', o.householdId, { required: true });
  } else if (o.householdId !== undefined && task.householdId !== null) c.fail('householdId', '该任务已关联农户，无需再指定');
  if (!c.ok) return { input: null, errors: c.errors };
  return { input: { outcome: outcome!, visitedOn: visitedOn!, visitors: visitors!, findings, reasonCode, reason, riskType, householdId }, errors: [] };
}

/** The state a recorded outcome closes the task in. */
export function stateAfter(outcome: TaskOutcome): TaskState {
  return outcome === 'no_risk' ? 'no_risk' : outcome === 'risk_found' ? 'case_opened' : 'risk_recorded';
}
