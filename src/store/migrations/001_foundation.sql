-- Foundation: region tree, users and sessions, audit chain, household registry.
-- Plain PostgreSQL 15 SQL; runs unchanged on PGlite and on a server.

create table region (
  code        text primary key check (code ~ '^[0-9]{12}$'),
  name        text not null,
  level       smallint not null check (level between 1 and 5), -- 1 province … 5 village
  parent_code text references region (code),
  county_code text check (county_code is null or county_code ~ '^[0-9]{6}$')
);
create index region_parent_idx on region (parent_code);

-- Rural registered population per region and year (the divisor of the Q36/Q40 ratio).
create table region_population (
  region_code text not null references region (code),
  year        int not null check (year between 2000 and 2100),
  rural_registered_population int not null check (rural_registered_population >= 0),
  primary key (region_code, year)
);

create table app_user (
  id              bigserial primary key,
  username        text not null unique check (username ~ '^[A-Za-z0-9_.-]{3,64}$'),
  display_name    text not null,
  role            text not null check (role in ('village','township','county','city','province','national',
                    'department','hotline','system_admin','security_admin','audit_admin')),
  department_kind text check (department_kind in ('civil_affairs','medical_insurance','education','housing',
                    'water','emergency_management','human_resources','disabled_persons_federation')),
  region_code     text not null references region (code),
  password_hash   text not null,
  must_change_password boolean not null default true,
  failed_logins   int not null default 0,
  locked_until    timestamptz,
  disabled        boolean not null default false,
  password_changed_at timestamptz,
  created_at      timestamptz not null default now(),
  version         int not null default 1,
  check ((role = 'department') = (department_kind is not null))
);

create table user_session (
  id           text primary key,           -- sha-256 of the cookie token; the token itself is never stored
  user_id      bigint not null references app_user (id),
  created_at   timestamptz not null,
  last_seen_at timestamptz not null,
  ip           text,
  user_agent   text
);
create index user_session_user_idx on user_session (user_id);

create table login_log (
  id       bigserial primary key,
  at       timestamptz not null default now(),
  username text not null,
  user_id  bigint references app_user (id),
  ip       text,
  outcome  text not null check (outcome in ('success','bad_password','locked','unknown_user','disabled',
             'logout','idle_timeout','password_changed')),
  detail   text
);
create index login_log_at_idx on login_log (at);

create table security_setting (
  key     text primary key,
  value   jsonb not null,
  version int not null default 1
);
insert into security_setting (key, value) values
  ('password_policy', '{"minLength": 10, "minClasses": 3, "maxFailures": 5, "lockMinutes": 15, "idleMinutes": 30}');

-- Append-only, hash-chained audit log (SEC-2). Each row hashes the previous row's hash and its own
-- content; `jianbang audit verify` recomputes the chain.
create table audit_log (
  seq         bigserial primary key,
  at          timestamptz not null,
  actor_id    bigint,
  actor_name  text not null,
  actor_role  text,
  action      text not null,
  object_type text not null,
  object_id   text,
  county_code text,
  before      jsonb,
  after       jsonb,
  reason      text,
  prev_hash   text not null,
  hash        text not null unique
);
create index audit_log_object_idx on audit_log (object_type, object_id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception '审计日志只能追加，不能修改或删除 (SEC-2)';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
-- TRUNCATE fires no row trigger; without this an emptied log would still verify as a valid chain.
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();

create table household (
  id                      bigserial primary key,
  county_code             text not null,
  region_code             text not null references region (code),  -- responsible village (Q19)
  registration_region_code text not null references region (code), -- 户籍地
  residence_region_code   text references region (code),           -- 常住地
  responsibility_basis    text not null default 'registration'
                            check (responsibility_basis in ('registration','residence','relocation')),
  responsibility_reason   text,
  village_group           text,
  address                 text,
  formerly_poor           boolean not null default false,
  poverty_exit_year       int check (poverty_exit_year between 2013 and 2020),
  dibao_since             date,
  tekun_since             date,
  relocated_since         date,
  fallback_since          date,
  fallback_basis          text,
  disabled_household_since date,
  monitoring_status       text not null default 'none' check (monitoring_status in ('none','monitored','eliminated')),
  monitoring_category     text check (monitoring_category in ('unstable_out_of_poverty','marginal_at_risk','sudden_severe_hardship')),
  identified_on           date,
  eliminated_on           date,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  version                 int not null default 1,
  check (responsibility_basis = 'registration' or responsibility_reason is not null),
  check (formerly_poor or poverty_exit_year is null)
);
create index household_county_idx on household (county_code);
create index household_region_idx on household (region_code text_pattern_ops);

create table member (
  id              bigserial primary key,
  household_id    bigint not null references household (id),
  county_code     text not null,
  name            text not null,
  id_number       text not null check (id_number ~ '^[0-9]{17}[0-9X]$'),
  relation        text not null,
  sex             text not null check (sex in ('male','female')),
  birth_date      date not null,
  registration    text not null check (registration in ('rural','urban','collective')),
  urban_guarantees boolean not null default false,
  lives_together  boolean not null default true,
  labor_ability   text not null check (labor_ability in ('full','weak','none')),
  health          text not null default 'healthy' check (health in ('healthy','chronic','serious','disabled')),
  disability_grade smallint check (disability_grade between 1 and 4),
  schooling       text,
  employment      text,
  phone           text,
  bank_account    text,
  support_note    text,
  active          boolean not null default true,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         int not null default 1,
  check ((health = 'disabled') = (disability_grade is not null))
);
create index member_household_idx on member (household_id);
create index member_county_idx on member (county_code);
-- One person, one active household: a second registration is refused (WRN-3 looks for leftovers).
create unique index member_id_number_active_idx on member (id_number) where active;
