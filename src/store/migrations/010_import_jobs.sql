-- Import jobs (DAT-1): one row per uploaded file, run in the background. A file is written whole
-- or not at all (one transaction), so a job that was running when the process died has written
-- nothing; start-up marks it failed and it can be run again from its stored file.
create table import_job (
  id             bigserial primary key,
  sheet          text not null,
  county_code    text not null check (county_code ~ '^[0-9]{6}$'),
  region_code    text not null references region (code),   -- the importer's scope
  user_id        bigint references app_user (id),            -- null: the server command line
  actor_name     text not null,
  actor_role     text,
  dry_run        boolean not null,
  file_name      text not null,
  file_sha256    text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_bytes     bigint not null check (file_bytes > 0),
  file_kind      text check (file_kind in ('xlsx', 'csv')),
  file_encoding  text check (file_encoding in ('utf8', 'gb18030')),
  status         text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'rejected', 'failed')),
  phase          text check (phase in ('reading', 'validating', 'writing')),
  rows_read      int not null default 0,
  rows_validated int not null default 0,
  rows_written   int not null default 0,
  created        int not null default 0,   -- records created / updated / left as they were
  updated        int not null default 0,
  unchanged      int not null default 0,
  problem_count  int not null default 0,
  problems       jsonb,                    -- the first problems (sheet, row, column, value, reason)
  message        text,                     -- the outcome in a sentence (why it failed)
  rerun_of       bigint references import_job (id),
  runner         text,                     -- host:pid of the process that runs it (restart recovery)
  created_at     timestamptz not null default now(),
  started_at     timestamptz,
  finished_at    timestamptz
);
create index import_job_region_idx on import_job (region_code text_pattern_ops, id);
create index import_job_status_idx on import_job (status) where status in ('queued', 'running');

-- The uploaded file, kept for a re-run and the error report: AES-256-GCM in chunks under a key
-- derived from the current data key (key_id names it), never in plaintext at rest (SEC-7).
-- Deleted once the job has succeeded, and after JIANBANG_IMPORT_KEEP_DAYS otherwise.
create table import_file_chunk (
  job_id  bigint not null references import_job (id),
  seq     int not null check (seq >= 0),
  key_id  text not null,
  data    bytea not null,
  primary key (job_id, seq)
);
