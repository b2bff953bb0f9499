-- Encryption at rest (SEC-7): a member's ID number, phone and bank account, and the ID number
-- kept by a member change, hold only sealed text — AES-256-GCM under a key kept outside the
-- database, written as `jbenc:1:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>` (src/store/sealed.ts).
-- Lookups and "one person, one active household" use a keyed blind index instead: the HMAC of
-- the normalised ID number, which says nothing without the key.
--
-- SQL cannot encrypt (the keys are not in the database). On a database that already holds
-- plaintext the checks are therefore added NOT VALID: they bind every new write at once, and
-- bootstrap (src/app/bootstrap.ts) seals the old rows in batches, fills the blind index and then
-- validates them. A fresh database has nothing to seal and is validated here.

-- The plaintext format checks would refuse every sealed value.
alter table member drop constraint member_id_number_check;
alter table member_change drop constraint member_change_id_number_check;

alter table member add column id_number_bidx text;

alter table member add constraint member_id_number_sealed
  check (id_number ~ '^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$') not valid;
alter table member add constraint member_phone_sealed
  check (phone is null or phone ~ '^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$') not valid;
alter table member add constraint member_bank_account_sealed
  check (bank_account is null or bank_account ~ '^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$') not valid;
alter table member add constraint member_id_number_bidx_present
  check (id_number_bidx is not null and id_number_bidx ~ '^[0-9a-f]{64}$') not valid;
alter table member_change add constraint member_change_id_number_sealed
  check (id_number ~ '^jbenc:1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{38,}$') not valid;

-- One person, one active household, by blind index (a ciphertext differs at every write). Rows
-- of an older database not yet indexed are null here and collide with nothing until bootstrap
-- fills them; no plaintext write can happen in between (the checks above refuse it).
drop index member_id_number_active_idx;
create unique index member_id_number_bidx_active_idx on member (id_number_bidx) where active;

do $$
begin
  if not exists (select 1 from member) and not exists (select 1 from member_change) then
    alter table member validate constraint member_id_number_sealed;
    alter table member validate constraint member_phone_sealed;
    alter table member validate constraint member_bank_account_sealed;
    alter table member validate constraint member_id_number_bidx_present;
    alter table member_change validate constraint member_change_id_number_sealed;
  end if;
end $$;
