-- The audit chain becomes keyed (SEC-9): each new row's hash is HMAC-SHA256 under the audit key,
-- which lives outside the database, so someone who can write the table cannot recompute a valid
-- chain after changing or deleting rows. Rows written before this migration keep their plain
-- SHA-256 hashes and stay verifiable; the algorithm is recorded per row so verification accepts
-- plain SHA-256 only before the first keyed row.
--
-- ADD COLUMN with a constant default fills existing rows without an UPDATE, so the append-only
-- trigger is not involved; the default is then dropped so every new row must say how it is hashed.
alter table audit_log add column hash_alg text not null default 'sha256';
alter table audit_log alter column hash_alg drop default;
alter table audit_log add constraint audit_log_hash_alg_check check (hash_alg in ('sha256', 'hmac-sha256'));
