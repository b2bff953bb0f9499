-- Workflow cases (identification, elimination; PRC, GRN, ELM), their step timeline, consents,
-- stored assessments, deadlines (PRC-7), household notifications (GRN-3) and scheduler runs.

create table workflow_case (
  id                 bigserial primary key,
  kind               text not null check (kind in ('identification','elimination')),
  household_id       bigint not null references household (id),
  county_code        text not null,
  region_code        text not null references region (code),    -- the household's village
  source             text not null check (source in ('self_report_miniprogram','self_report_written','hotline_12317',
                       'cadre_visit','screening','department_warning','dibao_application','tekun_application','new_risk','review')),
  lead_on            date not null,                              -- day 0 (PRC-1)
  lead_note          text,
  source_ref         text,                                       -- ticket or warning number of the source
  department_kind    text,                                       -- the department that pushed a warning
  previous_case_id   bigint references workflow_case (id),       -- a new risk after elimination (Q39)
  state              text not null,
  next_roles         text not null default '',                   -- roles that can take the next step (workbench)
  due_on             date,                                       -- nearest open deadline (kept by the use cases)
  green_channel      boolean not null default false,
  green_entered_on   date,
  category           text check (category in ('unstable_out_of_poverty','marginal_at_risk','sudden_severe_hardship')),
  decided_on         date,                                       -- county approval / rejection date
  outcome            text check (outcome in ('identified','eliminated','not_identified','not_eliminated','rejected','green_exit')),
  outcome_reason     text,
  created_by         bigint,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  version            int not null default 1
);
create index workflow_case_county_idx on workflow_case (county_code, state);
create index workflow_case_region_idx on workflow_case (region_code text_pattern_ops);
create index workflow_case_open_due_idx on workflow_case (due_on, id) where outcome is null;
create index workflow_case_household_idx on workflow_case (household_id);
-- One open case of a kind per household: a second lead joins the open case instead.
create unique index workflow_case_one_open_idx on workflow_case (household_id, kind) where outcome is null;

-- Lists and the workbench show each case's household head: a small partial index answers that.
create index member_head_idx on member (household_id, id) include (name) where relation = 'head';

create table case_step (
  id           bigserial primary key,
  case_id      bigint not null references workflow_case (id),
  county_code  text not null,
  action       text not null,
  from_state   text not null,
  to_state     text not null,
  occurred_on  date not null,
  actor_id     bigint not null,
  actor_name   text not null,
  actor_role   text not null,
  reason       text,
  data         jsonb not null default '{}',
  recorded_at  timestamptz not null default now()
);
create index case_step_case_idx on case_step (case_id, id);

create table case_consent (
  id                 bigserial primary key,
  case_id            bigint not null references workflow_case (id),
  county_code        text not null,
  member_id          bigint not null references member (id),
  signed_on          date not null,
  delegate_member_id bigint references member (id),           -- a member signing for another in writing (Q22)
  delegation_note    text,
  recorded_by        bigint not null,
  recorded_at        timestamptz not null default now(),
  unique (case_id, member_id),
  check (delegate_member_id is null or delegation_note is not null)
);

create table case_assessment (
  id             bigserial primary key,
  case_id        bigint not null references workflow_case (id),
  county_code    text not null,
  stage          text not null check (stage in ('verification','county_approval')),
  as_of          date not null,
  engine_version text not null,
  parameters     jsonb not null,                                -- the dated values used, with their clauses
  input          jsonb not null,
  result         jsonb not null,
  created_at     timestamptz not null default now()
);
create index case_assessment_case_idx on case_assessment (case_id, id);

create table deadline (
  id               bigserial primary key,
  county_code      text not null,
  region_code      text not null,
  household_id     bigint references household (id),
  case_id          bigint references workflow_case (id),
  subject_type     text not null,                               -- 'case', 'plan', 'member_change', 'household', 'measure'
  subject_id       bigint not null,
  kind             text not null,
  clause           text not null,
  responsible_role text not null,
  opened_on        date not null,
  due_on           date not null,
  closed_on        date,
  status           text not null default 'open' check (status in ('open','due_soon','overdue','closed')),
  created_at       timestamptz not null default now()
);
create index deadline_open_idx on deadline (county_code, due_on) where closed_on is null;
create index deadline_region_idx on deadline (region_code text_pattern_ops) where closed_on is null;
create index deadline_case_idx on deadline (case_id);
create index deadline_subject_idx on deadline (subject_type, subject_id);

-- Open deadlines counted per region node (every level), refreshed by the deadline scheduler:
-- supervisors' overdue counts read these few rows instead of scanning the province's deadlines.
create table deadline_summary (
  region_code  text primary key,
  overdue      int not null,
  due_soon     int not null,
  open_total   int not null,
  computed_for date not null
);

create table household_notification (
  id           bigserial primary key,
  household_id bigint not null references household (id),
  county_code  text not null,
  case_id      bigint references workflow_case (id),
  event        text not null,
  channel      text not null check (channel in ('in_person','phone','sms','written','miniprogram')),
  content      text not null,
  notified_on  date not null,
  recorded_by  bigint not null,
  recorded_at  timestamptz not null default now()
);
create index household_notification_household_idx on household_notification (household_id);

create table scheduler_run (
  job             text primary key,
  last_success_at timestamptz not null,
  ran_for         date not null,
  summary         jsonb not null default '{}'
);
