-- Reconciliation with the national monitoring system's export (DAT-4, Q45): one row per run
-- (who, when, the file's SHA-256, the counts) and its items and row errors. Sensitive numbers
-- are stored masked only (ID numbers, phones): the full values stay sealed in member (SEC-7),
-- and a run's list is never more than a county fixing differences needs.

create table reconciliation_run (
  id                bigserial primary key,
  county_code       text,                                    -- the county reconciled (6 digits); null for a wider scope
  scope_region_code text not null references region (code), -- the actor's region when it ran
  file_sha256       text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_bytes        bigint not null check (file_bytes > 0),
  file_kind         text not null check (file_kind in ('xlsx','csv')),
  as_of             date not null,                           -- the day "not entered for more than 10 days" is counted to
  rows_read         int not null default 0,
  matched           int not null default 0,
  only_in_national  int not null default 0,
  only_in_jianbang  int not null default 0,
  field_differs     int not null default 0,
  entry_overdue     int not null default 0,
  errors            int not null default 0,
  actor_id          bigint not null,
  actor_name        text not null,
  created_at        timestamptz not null default now()
);
create index reconciliation_run_scope_idx on reconciliation_run (scope_region_code text_pattern_ops, id);

create table reconciliation_item (
  id             bigserial primary key,
  run_id         bigint not null references reconciliation_run (id),
  kind           text not null check (kind in ('only_in_national','only_in_jianbang','field_differs','entry_overdue')),
  household_id   bigint references household (id),          -- null when the household is only in the national system
  region_code    text,                                      -- the household's village (or county) when known
  file_row       int,                                       -- row of the national file, when the item comes from one
  region_name    text,
  head_name      text,
  head_id_masked text,                                      -- masked at write: never the full number
  field          text,                                      -- field_differs: the column's header
  national_value text,
  jianbang_value text,
  detail         text
);
create index reconciliation_item_run_idx on reconciliation_item (run_id, kind, id);

create table reconciliation_error (
  id          bigserial primary key,
  run_id      bigint not null references reconciliation_run (id),
  file_row    int not null,
  column_name text not null,
  value       text not null,                                -- as displayValue shows it (sensitive numbers masked)
  reason      text not null
);
create index reconciliation_error_run_idx on reconciliation_error (run_id, id);
