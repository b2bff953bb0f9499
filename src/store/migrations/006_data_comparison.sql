-- Data comparison (信息比对) of an identification case (PRC-2, Q22, Q43): run in parallel with the
-- procedure, only with every counted member's consent; a dibao/特困 household compared in the three
-- months before may skip it, pointing at the comparison it relies on.
create table data_comparison (
  id              bigserial primary key,
  case_id         bigint not null references workflow_case (id),
  household_id    bigint not null references household (id),
  county_code     text not null,
  requested_on    date not null,
  requested_by    bigint not null,
  status          text not null check (status in ('pending','done','skipped')),
  result          text check (result in ('no_issue','issue_found')),
  findings        text,
  completed_on    date,
  relies_on_id    bigint references data_comparison (id),
  created_at      timestamptz not null default now(),
  version         int not null default 1,
  check ((status = 'done') = (result is not null and completed_on is not null)),
  check ((status = 'skipped') = (relies_on_id is not null))
);
create index data_comparison_case_idx on data_comparison (case_id);
create index data_comparison_household_idx on data_comparison (household_id, completed_on);
