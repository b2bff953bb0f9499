-- Accounts, sign-in, two-factor and sessions (SEC-4, SEC-5, SEC-6, SEC-8).

-- Usernames are unique regardless of case, and login finds them by lower(username): 'Admin' and
-- 'admin' are one account, so nobody can register a look-alike of an existing name.
create unique index app_user_username_lower_idx on app_user (lower(username));

alter table app_user
  -- A password set by someone else (creation, reset) is a one-time password: it opens one session
  -- (which must change it) and is refused after its first use or after its validity.
  add column one_time_password_expires_at timestamptz,
  add column one_time_password_used_at timestamptz,
  -- TOTP (RFC 6238). Secrets are sealed (jbenc:1:…, AES-256-GCM, key outside the database).
  add column totp_secret text check (totp_secret is null or totp_secret like 'jbenc:1:%'),
  add column totp_pending_secret text check (totp_pending_secret is null or totp_pending_secret like 'jbenc:1:%'),
  add column totp_enabled_at timestamptz,
  -- The last time step accepted: a code (or an older one) is never accepted twice.
  add column totp_last_step bigint,
  add column last_login_at timestamptz,
  add check ((totp_secret is null) = (totp_enabled_at is null));

-- Accounts made before this migration that still wait for their first change keep a one-time
-- password with the default validity from now.
update app_user set one_time_password_expires_at = now() + interval '72 hours' where must_change_password;

-- One-time recovery codes for a lost authenticator, stored as SHA-256 (they are random, 80 bits).
create table user_recovery_code (
  id         bigserial primary key,
  user_id    bigint not null references app_user (id),
  code_hash  text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  used_at    timestamptz,
  unique (user_id, code_hash)
);

-- Failed logins for usernames without an account, counted like an account's so a lockout answer
-- does not tell whether the name exists. Keyed by lower(username); old rows are pruned at login.
create table login_throttle (
  username_key  text primary key,
  failed_logins int not null default 0,   -- named as in app_user: one counting statement serves both
  locked_until  timestamptz,
  updated_at    timestamptz not null
);
create index login_throttle_updated_idx on login_throttle (updated_at);

alter table user_session
  -- A handle for the security admin's online list (the id is a token hash and stays internal).
  add column ref bigserial,
  -- Password right, TOTP code still to come: the session may only send the code.
  add column second_factor_pending boolean not null default false;
create unique index user_session_ref_idx on user_session (ref);

alter table login_log drop constraint login_log_outcome_check;
alter table login_log add constraint login_log_outcome_check check (outcome in (
  'success', 'bad_password', 'locked', 'unknown_user', 'disabled', 'logout', 'idle_timeout', 'password_changed',
  'password_ok',              -- password right, second factor pending
  'bad_code',                 -- wrong TOTP or recovery code
  'one_time_password_spent',  -- a one-time password used again or after its validity
  'forced_logout',            -- session ended by the security admin, a disable, a reset or a password change
  'two_factor_enrolled', 'two_factor_disabled'
));

-- The password policy setting also holds the validity of one-time passwords and the roles that
-- must use two-factor sign-in besides the three admin roles (none by default, SEC-6).
update security_setting
   set value = value || '{"initialPasswordHours": 72, "twoFactorRoles": []}'::jsonb
 where key = 'password_policy';
