-- Income, claims, expenditure and risks of a household (INC-1…3, IDN-3): what the rules engine
-- needs to assess a household from the registry. Money in integer fen; months 'YYYY-MM'.

create table income_record (
  id           bigserial primary key,
  household_id bigint not null references household (id),
  county_code  text not null,
  member_id    bigint references member (id),
  type         text not null check (type in ('wage','business','transfer','property','business_cost')),
  amount_fen   bigint not null check (amount_fen >= 0),
  from_month   text not null check (from_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  to_month     text not null check (to_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  note         text,
  voided_at    timestamptz,
  void_reason  text,
  created_at   timestamptz not null default now(),
  version      int not null default 1,
  check (to_month >= from_month)
);
create index income_record_household_idx on income_record (household_id);
create index income_record_county_idx on income_record (county_code);

create table claim_record (
  id           bigserial primary key,
  household_id bigint not null references household (id),
  county_code  text not null,
  type         text not null check (type in ('commercial_insurance','third_party')),
  amount_fen   bigint not null check (amount_fen >= 0),
  month        text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  status       text not null check (status in ('paid','pending')),
  note         text,
  voided_at    timestamptz,
  void_reason  text,
  created_at   timestamptz not null default now(),
  version      int not null default 1
);
create index claim_record_household_idx on claim_record (household_id);
create index claim_record_county_idx on claim_record (county_code);

create table expense_record (
  id           bigserial primary key,
  household_id bigint not null references household (id),
  county_code  text not null,
  type         text not null check (type in ('medical_out_of_pocket','tuition','accommodation','disaster','accident',
                 'other_medical','other_education','other')),
  amount_fen   bigint not null check (amount_fen >= 0),
  month        text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  note         text,
  voided_at    timestamptz,
  void_reason  text,
  created_at   timestamptz not null default now(),
  version      int not null default 1
);
create index expense_record_household_idx on expense_record (household_id);
create index expense_record_county_idx on expense_record (county_code);

create table risk_record (
  id              bigserial primary key,
  household_id    bigint not null references household (id),
  county_code     text not null,
  type            text not null check (type in ('illness','disability','education','disaster','accident','employment',
                    'industry','labor_shortage','housing_safety','drinking_water','compulsory_education','basic_medical','other')),
  self_resolvable boolean not null,
  income_drop     boolean not null default false,
  resolved        boolean not null default false,
  found_on        date,
  resolved_on     date,
  note            text,
  voided_at       timestamptz,
  void_reason     text,
  created_at      timestamptz not null default now(),
  version         int not null default 1,
  check (resolved or resolved_on is null)
);
create index risk_record_household_idx on risk_record (household_id);
create index risk_record_county_idx on risk_record (county_code);

alter table household add constraint household_fallback_basis_check
  check (fallback_basis is null or fallback_basis in ('tekun_scattered','no_labor_full_dibao'));
alter table household add constraint household_fallback_pair_check
  check ((fallback_since is null) = (fallback_basis is null));
