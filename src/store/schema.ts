import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables in migrations/*.sql. Keep in step with the SQL. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface RegionTable {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
  county_code: string | null;
}

export interface RegionPopulationTable {
  region_code: string;
  year: number;
  rural_registered_population: number;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: string;
  department_kind: string | null;
  region_code: string;
  password_hash: string;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  password_changed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  version: Generated<number>;
  // 007_accounts
  one_time_password_expires_at: Timestamp | null;
  one_time_password_used_at: Timestamp | null;
  /** Sealed (jbenc:1:…); opened transparently when read. */
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: ColumnType<number | null, number | null, number | null>;
  last_login_at: Timestamp | null;
}

export interface UserSessionTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  // 007_accounts
  ref: Generated<number>;
  second_factor_pending: Generated<boolean>;
}

export interface LoginLogTable {
  id: Generated<number>;
  at: Generated<Timestamp>;
  username: string;
  user_id: number | null;
  ip: string | null;
  outcome: string;
  detail: string | null;
}

export interface SecuritySettingTable {
  key: string;
  value: Json;
  version: Generated<number>;
}

export interface UserRecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  created_at: Generated<Timestamp>;
  used_at: Timestamp | null;
}

export interface LoginThrottleTable {
  username_key: string;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: Timestamp;
  actor_id: number | null;
  actor_name: string;
  actor_role: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  county_code: string | null;
  before: Json | null;
  after: Json | null;
  reason: string | null;
  prev_hash: string;
  hash: string;
  /** 'hmac-sha256' (keyed, from migration 009 on) or 'sha256' (rows written before it). */
  hash_alg: 'sha256' | 'hmac-sha256';
}

export interface HouseholdTable {
  id: Generated<number>;
  county_code: string;
  region_code: string;
  registration_region_code: string;
  residence_region_code: string | null;
  responsibility_basis: Generated<string>;
  responsibility_reason: string | null;
  village_group: string | null;
  address: string | null;
  formerly_poor: Generated<boolean>;
  poverty_exit_year: number | null;
  dibao_since: string | null;
  tekun_since: string | null;
  relocated_since: string | null;
  fallback_since: string | null;
  fallback_basis: string | null;
  disabled_household_since: string | null;
  monitoring_status: Generated<string>;
  monitoring_category: string | null;
  identified_on: string | null;
  eliminated_on: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface MemberTable {
  id: Generated<number>;
  household_id: number;
  county_code: string;
  name: string;
  /** Sealed (`jbenc:1:…`, SEC-7); reads through the context plugin see the plaintext. */
  id_number: string;
  relation: string;
  sex: string;
  birth_date: string;
  registration: string;
  urban_guarantees: Generated<boolean>;
  lives_together: Generated<boolean>;
  labor_ability: string;
  health: Generated<string>;
  disability_grade: number | null;
  schooling: string | null;
  employment: string | null;
  /** Sealed, like id_number. */
  phone: string | null;
  /** Sealed, like id_number. */
  bank_account: string | null;
  support_note: string | null;
  active: Generated<boolean>;
  /** REG-5: set by a natural increase (null = a member since registration) / decrease. */
  joined_on: string | null;
  left_on: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
  /** Blind index of the ID number (HMAC-SHA256, 64 hex): lookups and the one-household rule (008). */
  id_number_bidx: string;
}

interface RecordBase {
  id: Generated<number>;
  household_id: number;
  county_code: string;
  amount_fen: number;
  note: string | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
  created_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface IncomeRecordTable extends RecordBase {
  member_id: number | null;
  type: string;
  from_month: string;
  to_month: string;
}

export interface ClaimRecordTable extends RecordBase {
  type: string;
  month: string;
  status: string;
}

export interface ExpenseRecordTable extends RecordBase {
  type: string;
  month: string;
}

export interface RiskRecordTable extends Omit<RecordBase, 'amount_fen'> {
  type: string;
  self_resolvable: boolean;
  income_drop: Generated<boolean>;
  resolved: Generated<boolean>;
  found_on: string | null;
  resolved_on: string | null;
}

export interface WorkflowCaseTable {
  id: Generated<number>;
  kind: string;
  household_id: number;
  county_code: string;
  region_code: string;
  source: string;
  lead_on: string;
  lead_note: string | null;
  source_ref: string | null;
  department_kind: string | null;
  previous_case_id: number | null;
  state: string;
  next_roles: Generated<string>;
  due_on: string | null;
  green_channel: Generated<boolean>;
  green_entered_on: string | null;
  category: string | null;
  decided_on: string | null;
  outcome: string | null;
  outcome_reason: string | null;
  created_by: number | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface CaseStepTable {
  id: Generated<number>;
  case_id: number;
  county_code: string;
  action: string;
  from_state: string;
  to_state: string;
  occurred_on: string;
  actor_id: number;
  actor_name: string;
  actor_role: string;
  reason: string | null;
  data: Json;
  recorded_at: Generated<Timestamp>;
}

export interface CaseConsentTable {
  id: Generated<number>;
  case_id: number;
  county_code: string;
  member_id: number;
  signed_on: string;
  delegate_member_id: number | null;
  delegation_note: string | null;
  recorded_by: number;
  recorded_at: Generated<Timestamp>;
}

export interface CaseAssessmentTable {
  id: Generated<number>;
  case_id: number;
  county_code: string;
  stage: string;
  as_of: string;
  engine_version: string;
  parameters: Json;
  input: Json;
  result: Json;
  created_at: Generated<Timestamp>;
}

export interface DeadlineTable {
  id: Generated<number>;
  county_code: string;
  region_code: string;
  household_id: number | null;
  case_id: number | null;
  subject_type: string;
  subject_id: number;
  kind: string;
  clause: string;
  responsible_role: string;
  opened_on: string;
  due_on: string;
  closed_on: string | null;
  status: Generated<string>;
  created_at: Generated<Timestamp>;
  /** The responsible role was raised by an escalation (12317 supervision, 012). */
  escalated: Generated<boolean>;
}

export interface DataComparisonTable {
  id: Generated<number>;
  case_id: number;
  household_id: number;
  county_code: string;
  requested_on: string;
  requested_by: number;
  status: string;
  result: string | null;
  findings: string | null;
  completed_on: string | null;
  relies_on_id: number | null;
  created_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface DeadlineSummaryTable {
  region_code: string;
  overdue: number;
  due_soon: number;
  open_total: number;
  computed_for: string;
}

export interface HouseholdNotificationTable {
  id: Generated<number>;
  household_id: number;
  county_code: string;
  case_id: number | null;
  event: string;
  channel: string;
  content: string;
  notified_on: string;
  recorded_by: number;
  recorded_at: Generated<Timestamp>;
}

export interface SchedulerRunTable {
  job: string;
  last_success_at: Timestamp;
  ran_for: string;
  summary: Json;
}

export interface MemberChangeTable {
  id: Generated<number>;
  household_id: number;
  county_code: string;
  region_code: string;
  member_id: number;
  direction: string;
  reason: string;
  evidence_type: string;
  evidence_ref: string;
  event_on: string;
  recorded_on: string;
  due_on: string;
  overdue: Generated<boolean>;
  name: string;
  /** Sealed (SEC-7). */
  id_number: string;
  sex: string;
  birth_date: string;
  relation: string;
  note: string | null;
  recorded_by: number;
  recorded_by_name: string;
  created_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface HouseholdYearlyUpdateTable {
  id: Generated<number>;
  household_id: number;
  year: number;
  county_code: string;
  region_code: string;
  status: Generated<string>;
  opened_on: string;
  opened_by: number;
  done_on: string | null;
  done_by: number | null;
  done_by_name: string | null;
  note: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface AssistancePlanTable {
  id: Generated<number>;
  household_id: number;
  county_code: string;
  case_id: number | null;
  proposed_on: string;
  published_on: string | null;
  development_declined_reason: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface MeasureTable {
  id: Generated<number>;
  plan_id: number;
  household_id: number;
  county_code: string;
  type: string;
  department_kind: string | null;
  developmental: boolean;
  form: string | null;
  description: string;
  planned_start: string;
  period_end: string | null;
  status: Generated<string>;
  started_on: string | null;
  implemented_on: string | null;
  ended_on: string | null;
  suspended_on: string | null;
  suspended_reason: string | null;
  created_by: number | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface ImportJobTable {
  id: Generated<number>;
  sheet: string;
  county_code: string;
  region_code: string;
  user_id: number | null;
  actor_name: string;
  actor_role: string | null;
  dry_run: boolean;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  file_kind: 'xlsx' | 'csv' | null;
  file_encoding: 'utf8' | 'gb18030' | null;
  status: Generated<'queued' | 'running' | 'succeeded' | 'rejected' | 'failed'>;
  phase: 'reading' | 'validating' | 'writing' | null;
  rows_read: Generated<number>;
  rows_validated: Generated<number>;
  rows_written: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  problem_count: Generated<number>;
  problems: Json | null;
  message: string | null;
  rerun_of: number | null;
  runner: string | null;
  created_at: Generated<Timestamp>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface ImportFileChunkTable {
  job_id: number;
  seq: number;
  key_id: string;
  data: Buffer;
}

// 011_reconciliation (DAT-4)
export interface ReconciliationRunTable {
  id: Generated<number>;
  county_code: string | null;
  scope_region_code: string;
  file_sha256: string;
  file_bytes: number;
  file_kind: string;
  as_of: string;
  rows_read: Generated<number>;
  matched: Generated<number>;
  only_in_national: Generated<number>;
  only_in_jianbang: Generated<number>;
  field_differs: Generated<number>;
  entry_overdue: Generated<number>;
  errors: Generated<number>;
  actor_id: number;
  actor_name: string;
  created_at: Generated<Timestamp>;
}

export interface ReconciliationItemTable {
  id: Generated<number>;
  run_id: number;
  kind: string;
  household_id: number | null;
  region_code: string | null;
  file_row: number | null;
  region_name: string | null;
  head_name: string | null;
  head_id_masked: string | null;
  field: string | null;
  national_value: string | null;
  jianbang_value: string | null;
  detail: string | null;
}

export interface ReconciliationErrorTable {
  id: Generated<number>;
  run_id: number;
  file_row: number;
  column_name: string;
  value: string;
  reason: string;
}

/** Intake (012): department warnings, API tokens, verification tasks, 12317, self-reports, messages. */
export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  department_kind: string;
  region_code: string;
  expires_on: string | null;
  created_by: number;
  created_at: Generated<Timestamp>;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
  revoke_reason: string | null;
  last_used_at: Timestamp | null;
  use_count: Generated<number>;
}

export interface VerificationTaskTable {
  id: Generated<number>;
  household_id: number | null;
  member_id: number | null;
  county_code: string;
  region_code: string;
  source: string;
  warning_type: string | null;
  department_kind: string | null;
  subject_key: string;
  monitored: Generated<boolean>;
  lead_on: string;
  due_on: string;
  state: Generated<'open' | 'no_risk' | 'case_opened' | 'risk_recorded'>;
  warning_count: Generated<number>;
  /** Sealed, like summary, findings and reason. */
  summary: string | null;
  ticket_id: number | null;
  visited_on: string | null;
  visitors: string | null;
  findings: string | null;
  reason_code: string | null;
  reason: string | null;
  case_id: number | null;
  risk_record_id: number | null;
  closed_on: string | null;
  closed_by: number | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface DepartmentWarningTable {
  id: Generated<number>;
  department_kind: string;
  type: string;
  channel: 'page' | 'file' | 'api';
  /** Sealed. */
  id_number: string;
  id_number_bidx: string;
  person_name: string;
  warned_on: string;
  /** Sealed. */
  detail: string | null;
  source_ref: string | null;
  region_code: string;
  county_code: string | null;
  received_by: number;
  token_id: number | null;
  import_job_id: number | null;
  received_at: Generated<Timestamp>;
  outcome: 'task' | 'merged' | 'unknown';
  task_id: number | null;
  household_id: number | null;
  queue_state: 'pending' | 'located' | 'rejected' | null;
  queue_reason: string | null;
  queue_closed_by: number | null;
  queue_closed_on: string | null;
  version: Generated<number>;
}

export interface HotlineTicketTable {
  id: Generated<number>;
  ticket_no: string;
  kind: 'consultation' | 'self_report' | 'tip_off';
  tip_kind: 'missed_inclusion' | 'outside_mechanism' | 'other' | null;
  /** Sealed, like caller_phone, content, subject_id_number and reply. */
  caller_name: string | null;
  caller_phone: string | null;
  content: string;
  subject_name: string | null;
  subject_id_number: string | null;
  subject_bidx: string | null;
  region_code: string;
  county_code: string;
  state: Generated<'accepted' | 'assigned' | 'replied' | 'closed' | 'archived'>;
  assigned_region_code: string | null;
  assigned_on: string | null;
  due_on: string | null;
  supervising_level: number | null;
  escalations: Generated<number>;
  reply: string | null;
  replied_on: string | null;
  replied_by: number | null;
  evaluation: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null;
  evaluated_on: string | null;
  reopen_count: Generated<number>;
  case_id: number | null;
  task_id: number | null;
  self_report_id: number | null;
  accepted_by: number;
  accepted_on: string;
  closed_on: string | null;
  archived_on: string | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface HotlineTicketEventTable {
  id: Generated<number>;
  ticket_id: number;
  action: string;
  from_state: string | null;
  to_state: string;
  occurred_on: string;
  actor_id: number | null;
  actor_name: string;
  /** Sealed. */
  note: string | null;
  at: Generated<Timestamp>;
}

export interface SelfReportTable {
  id: Generated<number>;
  ref_code: string;
  channel: 'miniprogram' | 'written' | 'hotline';
  head_name: string;
  /** Sealed, like phone and description. */
  head_id_number: string;
  head_bidx: string;
  phone: string | null;
  region_code: string;
  county_code: string;
  difficulties: string;
  description: string | null;
  reported_on: string;
  household_id: number | null;
  case_id: number | null;
  task_id: number | null;
  state: Generated<'received' | 'case_opened' | 'task_opened' | 'rejected'>;
  reject_reason: string | null;
  ip: string | null;
  created_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface SelfReportConsentTable {
  id: Generated<number>;
  self_report_id: number;
  name: string;
  /** Sealed. */
  id_number: string;
  id_bidx: string;
  signed_at: Generated<Timestamp>;
  ip: string | null;
  member_id: number | null;
  case_consent_id: number | null;
}

export interface PublicThrottleTable {
  key: string;
  window_start: Timestamp;
  hits: number;
}

export interface PublicChallengeUsedTable {
  nonce: string;
  used_at: Generated<Timestamp>;
}

export interface HouseholdMessageTable {
  id: Generated<number>;
  household_id: number | null;
  county_code: string;
  region_code: string;
  case_id: number | null;
  ticket_id: number | null;
  self_report_id: number | null;
  channel: 'sms' | 'miniprogram' | 'phone' | 'written' | 'in_person';
  /** Sealed phone number. */
  recipient: string | null;
  event: string;
  content: string;
  status: Generated<'queued' | 'sent' | 'failed' | 'undeliverable'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  sent_at: Timestamp | null;
}

export interface DB {
  region: RegionTable;
  region_population: RegionPopulationTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  login_log: LoginLogTable;
  security_setting: SecuritySettingTable;
  audit_log: AuditLogTable;
  household: HouseholdTable;
  member: MemberTable;
  income_record: IncomeRecordTable;
  claim_record: ClaimRecordTable;
  expense_record: ExpenseRecordTable;
  risk_record: RiskRecordTable;
  workflow_case: WorkflowCaseTable;
  case_step: CaseStepTable;
  case_consent: CaseConsentTable;
  case_assessment: CaseAssessmentTable;
  deadline: DeadlineTable;
  household_notification: HouseholdNotificationTable;
  deadline_summary: DeadlineSummaryTable;
  data_comparison: DataComparisonTable;
  scheduler_run: SchedulerRunTable;
  member_change: MemberChangeTable;
  household_yearly_update: HouseholdYearlyUpdateTable;
  assistance_plan: AssistancePlanTable;
  measure: MeasureTable;
  user_recovery_code: UserRecoveryCodeTable;
  login_throttle: LoginThrottleTable;
  import_job: ImportJobTable;
  import_file_chunk: ImportFileChunkTable;
  reconciliation_run: ReconciliationRunTable;
  reconciliation_item: ReconciliationItemTable;
  reconciliation_error: ReconciliationErrorTable;
  api_token: ApiTokenTable;
  verification_task: VerificationTaskTable;
  department_warning: DepartmentWarningTable;
  hotline_ticket: HotlineTicketTable;
  hotline_ticket_event: HotlineTicketEventTable;
  self_report: SelfReportTable;
  self_report_consent: SelfReportConsentTable;
  public_throttle: PublicThrottleTable;
  public_challenge_used: PublicChallengeUsedTable;
  household_message: HouseholdMessageTable;
}
