-- Early detection intake (WRN-1, WRN-2, WRN-5, WRN-6, PRC-1, GRN-3; Q42, Q43, Q52): department
-- warnings and the tokens their systems push with, verification tasks, 12317 tickets, household
-- self-reports with their consents, and the queue of messages to households. ID numbers, phones
-- and free text about people are sealed (SEC-7); ID numbers carry a blind index for matching.

-- A department system's API token: only its SHA-256 is kept; scoped to a department kind and a
-- region at or below the account's; revocable; every call is audited.
create table api_token (
  id              bigserial primary key,
  user_id         bigint not null references app_user (id),
  name            text not null,
  token_hash      text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  prefix          text not null,                 -- the first characters, to tell tokens apart in lists
  department_kind text not null,
  region_code     text not null references region (code),
  expires_on      date,
  created_by      bigint not null,
  created_at      timestamptz not null default now(),
  revoked_at      timestamptz,
  revoked_by      bigint,
  revoke_reason   text,
  last_used_at    timestamptz,
  use_count       bigint not null default 0
);
create index api_token_user_idx on api_token (user_id);

-- Verification tasks (核实任务): a lead the village must verify at once, opened by a department
-- warning or a 12317 tip-off. Lead date = the warning's date (Q42's 15 days run from it).
create table verification_task (
  id              bigserial primary key,
  household_id    bigint references household (id),   -- null: a tip-off naming no registered person
  member_id       bigint references member (id),
  county_code     text not null,
  region_code     text not null references region (code),
  source          text not null,                      -- lead source (LEAD_SOURCES)
  warning_type    text,                               -- the warning type, or 'tip_off'
  department_kind text,
  subject_key     text not null,                      -- merge key: member bidx or 'household:<id>' or 'ticket:<id>'
  monitored       boolean not null default false,     -- a monitoring object: the risk is added to its record
  lead_on         date not null,
  due_on          date not null,
  state           text not null default 'open' check (state in ('open', 'no_risk', 'case_opened', 'risk_recorded')),
  warning_count   int not null default 1,
  summary         text,                                -- sealed: what the warning or tip said
  ticket_id       bigint,
  visited_on      date,
  visitors        text,
  findings        text,                                -- sealed
  reason_code     text,
  reason          text,                                -- sealed
  case_id         bigint references workflow_case (id),
  risk_record_id  bigint,
  closed_on       date,
  closed_by       bigint,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         int not null default 1
);
-- The merge rule: one open task per person (or household) and warning type.
create unique index verification_task_open_uq on verification_task (subject_key, warning_type) where state = 'open';
create index verification_task_region_idx on verification_task (region_code text_pattern_ops, state, due_on);
create index verification_task_household_idx on verification_task (household_id);

-- Department warnings as received, one row per warning (a merged one points at the task it joined).
create table department_warning (
  id              bigserial primary key,
  department_kind text not null,
  type            text not null,
  channel         text not null check (channel in ('page', 'file', 'api')),
  id_number       text not null,                      -- sealed
  id_number_bidx  text not null,
  person_name     text not null,
  warned_on       date not null,
  detail          text,                               -- sealed
  source_ref      text,                               -- the department's own reference
  region_code     text not null references region (code),   -- where the department says it is (its scope)
  county_code     text,                               -- of region_code when at or below a county
  received_by     bigint not null,
  token_id        bigint references api_token (id),
  import_job_id   bigint,
  received_at     timestamptz not null default now(),
  outcome         text not null check (outcome in ('task', 'merged', 'unknown')),
  task_id         bigint references verification_task (id),
  household_id    bigint references household (id),
  -- The county's queue of persons not in the registry.
  queue_state     text check (queue_state in ('pending', 'located', 'rejected')),
  queue_reason    text,
  queue_closed_by bigint,
  queue_closed_on date,
  version         int not null default 1
);
create index department_warning_kind_idx on department_warning (department_kind, received_at);
create index department_warning_region_idx on department_warning (region_code text_pattern_ops, received_at);
create index department_warning_queue_idx on department_warning (region_code text_pattern_ops) where queue_state = 'pending';
create unique index department_warning_ref_uq on department_warning (department_kind, source_ref) where source_ref is not null;

-- 12317 tickets (WRN-2, Q52).
create table hotline_ticket (
  id                 bigserial primary key,
  ticket_no          text not null unique,
  kind               text not null check (kind in ('consultation', 'self_report', 'tip_off')),
  tip_kind           text check (tip_kind in ('missed_inclusion', 'outside_mechanism', 'other')),
  caller_name        text,                            -- sealed; never shown to the region a tip is about
  caller_phone       text,                            -- sealed
  content            text not null,                   -- sealed
  subject_name       text,                            -- the person the ticket is about (self-report, tip-off)
  subject_id_number  text,                            -- sealed
  subject_bidx       text,
  region_code        text not null references region (code),   -- the region the ticket is about
  county_code        text not null,
  state              text not null default 'accepted'
                     check (state in ('accepted', 'assigned', 'replied', 'closed', 'archived')),
  assigned_region_code text references region (code),
  assigned_on        date,
  due_on             date,
  supervising_level  int,                             -- region level now pressing the assignee (escalation)
  escalations        int not null default 0,
  reply              text,                            -- sealed
  replied_on         date,
  replied_by         bigint,
  evaluation         text check (evaluation in ('satisfied', 'basically_satisfied', 'dissatisfied')),
  evaluated_on       date,
  reopen_count       int not null default 0,
  case_id            bigint references workflow_case (id),
  task_id            bigint references verification_task (id),
  self_report_id     bigint,
  accepted_by        bigint not null,
  accepted_on        date not null,
  closed_on          date,
  archived_on        date,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  version            int not null default 1
);
create index hotline_ticket_region_idx on hotline_ticket (region_code text_pattern_ops, state, due_on);
create index hotline_ticket_state_idx on hotline_ticket (state, due_on) where state = 'assigned';

create table hotline_ticket_event (
  id          bigserial primary key,
  ticket_id   bigint not null references hotline_ticket (id),
  action      text not null,
  from_state  text,
  to_state    text not null,
  occurred_on date not null,
  actor_id    bigint,
  actor_name  text not null,
  note        text,                                   -- sealed
  at          timestamptz not null default now()
);
create index hotline_ticket_event_ticket_idx on hotline_ticket_event (ticket_id, id);

-- Household self-reports (WRN-5, Q22 申报小程序) from the public page, the written form or 12317.
create table self_report (
  id              bigserial primary key,
  ref_code        text not null unique,
  channel         text not null check (channel in ('miniprogram', 'written', 'hotline')),
  head_name       text not null,
  head_id_number  text not null,                      -- sealed
  head_bidx       text not null,
  phone           text,                               -- sealed
  region_code     text not null references region (code),   -- the village
  county_code     text not null,
  difficulties    text not null,                      -- comma-separated difficulty types
  description     text,                               -- sealed
  reported_on     date not null,
  household_id    bigint references household (id),
  case_id         bigint references workflow_case (id),
  task_id         bigint references verification_task (id),
  state           text not null default 'received' check (state in ('received', 'case_opened', 'task_opened', 'rejected')),
  reject_reason   text,
  ip              text,
  created_at      timestamptz not null default now(),
  version         int not null default 1
);
create index self_report_region_idx on self_report (region_code text_pattern_ops, state);

-- Each member's signed authorization commitment from the public page (Q22): name, ID number, the
-- consent tick, IP and time. Attached to the case's consents once the member is matched.
create table self_report_consent (
  id              bigserial primary key,
  self_report_id  bigint not null references self_report (id),
  name            text not null,
  id_number       text not null,                      -- sealed
  id_bidx         text not null,
  signed_at       timestamptz not null default now(),
  ip              text,
  member_id       bigint references member (id),
  case_consent_id bigint,
  unique (self_report_id, id_bidx)
);

-- Rate limits of the public page, counted atomically in SQL (per IP and per ID number).
create table public_throttle (
  key          text primary key,
  window_start timestamptz not null,
  hits         int not null
);

-- A solved proof-of-work challenge is used once.
create table public_challenge_used (
  nonce   text primary key,
  used_at timestamptz not null default now()
);

-- Messages to households (GRN-3): queued, then sent by the configured sender.
create table household_message (
  id           bigserial primary key,
  household_id bigint references household (id),
  county_code  text not null,
  region_code  text not null,
  case_id      bigint references workflow_case (id),
  ticket_id    bigint references hotline_ticket (id),
  self_report_id bigint references self_report (id),
  channel      text not null check (channel in ('sms', 'miniprogram', 'phone', 'written', 'in_person')),
  recipient    text,                                  -- sealed phone number (null: no number on record)
  event        text not null,
  content      text not null,                         -- never carries personal data (Q47)
  status       text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'undeliverable')),
  attempts     int not null default 0,
  last_error   text,
  created_at   timestamptz not null default now(),
  sent_at      timestamptz
);
create index household_message_status_idx on household_message (status, id);
create index household_message_region_idx on household_message (region_code text_pattern_ops, id);

-- A deadline's responsible role may be raised by an escalation (12317 supervision).
alter table deadline add column escalated boolean not null default false;
