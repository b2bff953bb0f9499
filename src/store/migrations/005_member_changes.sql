-- Natural member increase and decrease (人口自然增减, REG-5, Q20) and the yearly basic-information
-- update (年度基础信息更新, REG-6, Q48). Registry records are never deleted.

-- A member counts in an assessment as of a date when it had joined by then and not yet left:
-- joined_on is set by a natural increase (null = a member since registration), left_on by a
-- natural decrease (the member is then inactive).
alter table member add column joined_on date;
alter table member add column left_on date;
alter table member add constraint member_left_inactive_check check (left_on is null or not active);

create table member_change (
  id               bigserial primary key,
  household_id     bigint not null references household (id),
  county_code      text not null,
  region_code      text not null references region (code),   -- the household's village when recorded
  member_id        bigint not null references member (id),    -- increase: the member created; decrease: the one who left
  direction        text not null check (direction in ('increase','decrease')),
  reason           text not null check (reason in ('birth','marriage','move_in',
                     'death','funeral','missing','meeting_minutes','court_judgment','marriage_out','move_out')),
  evidence_type    text not null check (evidence_type in ('birth_certificate','marriage_certificate','household_register',
                     'migration_certificate','death_certificate','cremation_certificate','missing_certificate',
                     'meeting_minutes','court_judgment')),
  evidence_ref     text not null,                              -- certificate number, minutes or judgment reference
  event_on         date not null,                              -- the day the change happened
  recorded_on      date not null,                              -- the day it was entered
  due_on           date not null,                              -- event + member_change_max_months (Q20)
  overdue          boolean generated always as (recorded_on > due_on) stored,
  -- 人口自然变更采集表: the person as at the change
  name             text not null,
  id_number        text not null check (id_number ~ '^[0-9]{17}[0-9X]$'),
  sex              text not null check (sex in ('male','female')),
  birth_date       date not null,
  relation         text not null,
  note             text,
  recorded_by      bigint not null,
  recorded_by_name text not null,
  created_at       timestamptz not null default now(),
  version          int not null default 1,
  check ((direction = 'increase') = (reason in ('birth','marriage','move_in'))),
  check (recorded_on >= event_on)
);
create index member_change_household_idx on member_change (household_id, id);
create index member_change_county_idx on member_change (county_code, event_on);
create index member_change_region_idx on member_change (region_code text_pattern_ops);
create index member_change_overdue_idx on member_change (region_code text_pattern_ops) where overdue;

create table household_yearly_update (
  id           bigserial primary key,
  household_id bigint not null references household (id),
  year         int not null check (year between 2021 and 2100),
  county_code  text not null,
  region_code  text not null references region (code),
  status       text not null default 'pending' check (status in ('pending','done')),
  opened_on    date not null,
  opened_by    bigint not null,
  done_on      date,
  done_by      bigint,
  done_by_name text,
  note         text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  version      int not null default 1,
  unique (household_id, year),
  check ((status = 'done') = (done_on is not null))
);
create index household_yearly_update_county_idx on household_yearly_update (county_code, year, status);
create index household_yearly_update_region_idx on household_yearly_update (region_code text_pattern_ops, year);

-- Q48: basic information is kept; a household, a member or these records are never deleted
-- (a member leaves by a natural decrease, which keeps the row inactive).
create function registry_no_delete() returns trigger language plpgsql as $$
begin
  raise exception '登记信息只能保留，不能删除（%，Q48）', tg_table_name;
end $$;
create trigger household_no_delete before delete on household for each row execute function registry_no_delete();
create trigger member_no_delete before delete on member for each row execute function registry_no_delete();
create trigger member_change_no_delete before delete on member_change for each row execute function registry_no_delete();
create trigger household_yearly_update_no_delete before delete on household_yearly_update
  for each row execute function registry_no_delete();
create trigger household_no_truncate before truncate on household for each statement execute function registry_no_delete();
create trigger member_no_truncate before truncate on member for each statement execute function registry_no_delete();
create trigger member_change_no_truncate before truncate on member_change for each statement execute function registry_no_delete();
create trigger household_yearly_update_no_truncate before truncate on household_yearly_update
  for each statement execute function registry_no_delete();
