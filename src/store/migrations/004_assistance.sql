-- Assistance plans and measures (AST-1…5, Q23–Q28, Q38; IDN-7 Q8).
-- The measure catalogue (names, responsible department, development-type, fallback, end rule) is
-- reference data in src/domain/measures.ts; the type codes are repeated in a check here and a
-- test keeps the two in step. Rows carry county_code (the partition key, docs/scaling.md) but
-- no region_code: the responsible village is the household's (it can change, Q19), so every
-- query is scoped through household.region_code.

create table assistance_plan (
  id                          bigserial primary key,
  household_id                bigint not null references household (id),
  county_code                 text not null,
  case_id                     bigint references workflow_case (id),  -- the identification it follows (Q27)
  proposed_on                 date not null,                          -- proposed with the village's list (Q27)
  published_on                date,                                   -- publicized in the village (Q27)
  development_declined_reason text,                                   -- labour-capable but unwilling (Q24 有意愿)
  note                        text,
  created_by                  bigint,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now(),
  version                     int not null default 1,
  check (published_on is null or published_on >= proposed_on)
);
create index assistance_plan_household_idx on assistance_plan (household_id, id);
create index assistance_plan_county_idx on assistance_plan (county_code);
-- One plan per identification case.
create unique index assistance_plan_case_idx on assistance_plan (case_id) where case_id is not null;

create table measure (
  id               bigserial primary key,
  plan_id          bigint not null references assistance_plan (id),
  household_id     bigint not null references household (id),
  county_code      text not null,
  type             text not null check (type in ('industry','employment_workshop','public_welfare_job',
                     'cross_province_transport_subsidy','micro_credit_interest_subsidy','yulu_plan','education','health',
                     'housing_safety','drinking_water','dibao','tekun','temporary_assistance','work_relief','insurance','other')),
  department_kind  text check (department_kind in ('civil_affairs','medical_insurance','education','housing',
                     'water','emergency_management','human_resources','disabled_persons_federation')),
  developmental    boolean not null,                                  -- Q25, computed by the domain when recorded
  form             text check (form in ('cash_or_goods','share_dividend','ineffective_training')),
  description      text not null,
  planned_start    date not null,
  period_end       date,                                              -- contract / agreement / stage end (Q28)
  status           text not null default 'planned'
                     check (status in ('planned','implementing','implemented','ended','suspended')),
  started_on       date,
  implemented_on   date,
  ended_on         date,
  suspended_on     date,
  suspended_reason text,
  created_by       bigint,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  version          int not null default 1,
  check (period_end is not null or type not in ('public_welfare_job','micro_credit_interest_subsidy','yulu_plan','education')),
  check (period_end is null or period_end >= planned_start),
  check ((status = 'suspended') = (suspended_reason is not null))
);
create index measure_household_idx on measure (household_id);
create index measure_plan_idx on measure (plan_id);
create index measure_county_department_idx on measure (county_code, department_kind, status);
