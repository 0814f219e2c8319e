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
-- Rotation until first use (issue 25): NULL is a rotation that ends at expires_at.
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS rotated_until text;
ALTER TABLE ${s}.keyward_keys ADD COLUMN IF NOT EXISTS pending_predecessor text;
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

CREATE TABLE IF NOT EXISTS ${s}.keyward_global_epoch (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revoked_before  bigint NOT NULL
);

${eventTablesSql(s)}`
}

/** The tables of lifecycle events (issue 24): the audit log, and webhook and policy queues. */
function eventTablesSql(s: string): string {
  return `
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

-- Usage (issue 23): counts per key, granularity (m, h, d), bucket start and outcome, added to
-- by each instance's flush; the last use per key; the addresses each key was used from.
CREATE TABLE IF NOT EXISTS ${s}.keyward_usage_buckets (
  key_id       text NOT NULL,
  granularity  text NOT NULL,
  start        bigint NOT NULL,
  outcome      text NOT NULL,
  count        bigint NOT NULL,
  PRIMARY KEY (key_id, granularity, start, outcome)
);
CREATE INDEX IF NOT EXISTS keyward_usage_buckets_start_idx
  ON ${s}.keyward_usage_buckets (granularity, start);
CREATE TABLE IF NOT EXISTS ${s}.keyward_usage_last (
  key_id      text PRIMARY KEY,
  at          bigint NOT NULL,
  ip          text,
  user_agent  text
);
CREATE TABLE IF NOT EXISTS ${s}.keyward_usage_addresses (
  key_id      text NOT NULL,
  ip          text NOT NULL,
  first_seen  bigint NOT NULL,
  last_seen   bigint NOT NULL,
  PRIMARY KEY (key_id, ip)
);

-- Webhooks and policies (issue 24): deliveries and policy jobs waiting or leased (a claim
-- moves due_at to the end of its lease), one queue per name; the newest attempts per
-- endpoint, and each endpoint's failure and disabled state.
CREATE TABLE IF NOT EXISTS ${s}.keyward_webhook_deliveries (
  id           text PRIMARY KEY,
  queue        text NOT NULL DEFAULT 'webhooks',
  message_id   text NOT NULL,
  endpoint_id  text NOT NULL,
  type         text NOT NULL,
  body         text NOT NULL,
  enqueued_at  bigint NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  due_at       bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS keyward_webhook_deliveries_due_idx
  ON ${s}.keyward_webhook_deliveries (queue, due_at, id);

CREATE TABLE IF NOT EXISTS ${s}.keyward_webhook_attempts (
  seq          bigserial PRIMARY KEY,
  endpoint_id  text NOT NULL,
  entry        jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS keyward_webhook_attempts_endpoint_idx
  ON ${s}.keyward_webhook_attempts (endpoint_id, seq);

CREATE TABLE IF NOT EXISTS ${s}.keyward_webhook_endpoints (
  endpoint_id    text PRIMARY KEY,
  failing_since  bigint,
  disabled_at    bigint
);
`
}
