import { identifier } from './client.js'

/**
 * The statements that create Keyward's tables in `schema`, safe to run again (every statement
 * is `IF NOT EXISTS`). Times are `bigint` epoch milliseconds, exactly as Keyward holds them
 * (`to_timestamp(expires_at / 1000.0)` gives a `timestamptz`); `scopes` and `metadata` are
 * `jsonb`. Only token hashes are stored, never a token.
 */
export function migrationSql(schema: string): string {
  const s = identifier(schema)
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.keyward_keys (
  id            text PRIMARY KEY,
  hash          text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  hint          text NOT NULL,
  name          text NOT NULL,
  owner_id      text NOT NULL,
  scopes        jsonb NOT NULL,
  created_at    bigint NOT NULL,
  expires_at    bigint NOT NULL,
  last_used_at  bigint,
  metadata      jsonb,
  rotated_from  text,
  rotated_to    text,
  revoked_at    bigint
);
-- Per-key limits (added after the first release: ADD COLUMN IF NOT EXISTS, safe to rerun).
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS rate_limits jsonb;
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS credits jsonb;
-- Network rules and suspension (issue 22): NULL is none, so existing rows stay as they were.
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS allowed_ips text[];
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS suspended_at bigint;
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS suspend_reason text;
CREATE INDEX IF NOT EXISTS keyward_keys_owner_idx ON ${s}.keyward_keys (owner_id, created_at, id);
-- Paged lists (issue 31): keyset pagination newest first, ids compared bytewise whatever the
-- database's collation, and case-insensitive name prefixes. On a large existing table these
-- take a while once (CREATE INDEX blocks writes to the table while it builds).
CREATE INDEX IF NOT EXISTS keyward_keys_owner_page_idx
  ON ${s}.keyward_keys (owner_id, created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS keyward_keys_owner_name_idx
  ON ${s}.keyward_keys (owner_id, lower(name) text_pattern_ops);

CREATE TABLE IF NOT EXISTS ${s}.keyward_revoked_keys (
  id          text PRIMARY KEY,
  expires_at  bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS keyward_revoked_keys_expires_idx ON ${s}.keyward_revoked_keys (expires_at);

-- Suspensions (issue 22): one row per key suspended or resumed since its last pruning;
-- only rows with suspended = true count. Pruned once the key has expired (a resume's at once).
CREATE TABLE IF NOT EXISTS ${s}.keyward_suspensions (
  id          text PRIMARY KEY,
  expires_at  bigint NOT NULL,
  suspended   boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS keyward_suspensions_expires_idx ON ${s}.keyward_suspensions (expires_at);

CREATE TABLE IF NOT EXISTS ${s}.keyward_owner_epochs (
  owner_id        text PRIMARY KEY,
  revoked_before  bigint NOT NULL
);

-- Audit log (issue 24): one row per lifecycle event, the whole event in \`event\`; pages are
-- keyset-paged newest first per owner (and per key), ids compared bytewise.
CREATE TABLE IF NOT EXISTS ${s}.keyward_audit_events (
  id        text PRIMARY KEY,
  owner_id  text NOT NULL,
  at        bigint NOT NULL,
  type      text NOT NULL,
  key_id    text,
  actor     text,
  event     jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS keyward_audit_events_owner_idx
  ON ${s}.keyward_audit_events (owner_id, at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS keyward_audit_events_key_idx
  ON ${s}.keyward_audit_events (owner_id, key_id, at, id COLLATE "C") WHERE key_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS keyward_audit_events_at_idx ON ${s}.keyward_audit_events (at);

CREATE TABLE IF NOT EXISTS ${s}.keyward_global_epoch (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revoked_before  bigint NOT NULL
);
`
}
