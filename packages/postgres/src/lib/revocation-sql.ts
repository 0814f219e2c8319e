import { identifier } from './client.js'

/** The fixed statements of `PostgresRevocationList`, prepared by name. */
export type Statement =
  | 'revoke'
  | 'revokeOwner'
  | 'revokeAll'
  | 'suspend'
  | 'resume'
  | 'notify'
  | 'snapshot'
  | 'time'

/**
 * The statements of `PostgresRevocationList` on the tables `migrate` made in `schema`. Each
 * write is one statement that changes the state and announces it with `pg_notify`, so the
 * notification goes out exactly when the change commits, in commit order.
 */
export function revocationSql(schema: string): Record<Statement, string> {
  const s = identifier(schema)
  const revoked = `${s}.keyward_revoked_keys`
  const suspensions = `${s}.keyward_suspensions`
  const owners = `${s}.keyward_owner_epochs`
  const global = `${s}.keyward_global_epoch`
  /** Up to 100 entries of keys expired by `now` (a parameter), other than `$1`, that no other writer holds. */
  const prune = (table: string, now = '$3') => `
  DELETE FROM ${table} WHERE id IN (
    SELECT id FROM ${table} WHERE expires_at <= ${now} AND id <> $1
    LIMIT 100 FOR UPDATE SKIP LOCKED
  )
`
  return {
    // $1 id, $2 expiresAt, $3 now (prunes ids of keys expired anyway), $4 channel, $5 message.
    // Pruning skips rows another revocation is pruning, so concurrent writers never wait
    // on each other (nor deadlock) over entries that are dead anyway.
    revoke: `WITH pruned AS (${prune(revoked)}),
written AS (
  INSERT INTO ${revoked} AS r (id, expires_at) VALUES ($1, $2)
  ON CONFLICT (id) DO UPDATE SET expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)
  RETURNING 1
)
SELECT pg_notify($4, $5) FROM written`,
    // Suspensions: a row per key that was suspended or resumed, `suspended` saying which. A
    // resume writes its row too rather than deleting one, so a suspend and a resume of the
    // same key always contend for the same row (or unique entry) and commit, and so notify,
    // in the order they took effect. A suspended row takes the latest expiresAt given (a key
    // whose expiry was extended stays suspended as long as it lives); a resumed row has
    // expires_at 0, so it goes at the next pruning. Pruning takes only rows of keys expired
    // by now, never a live suspension, and skips rows another writer holds.
    // $1 id, $2 expiresAt, $3 now, $4 channel, $5 message.
    suspend: `WITH pruned AS (${prune(suspensions)}),
written AS (
  INSERT INTO ${suspensions} AS k (id, expires_at, suspended) VALUES ($1, $2, true)
  ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at, suspended = true
  RETURNING 1
)
SELECT pg_notify($4, $5) FROM written`,
    // $1 id, $2 now, $3 channel, $4 message.
    resume: `WITH pruned AS (${prune(suspensions, '$2')}),
written AS (
  INSERT INTO ${suspensions} AS k (id, expires_at, suspended) VALUES ($1, 0, false)
  ON CONFLICT (id) DO UPDATE SET expires_at = 0, suspended = false
  RETURNING 1
)
SELECT pg_notify($3, $4) FROM written`,
    // Epochs only move forward.
    revokeOwner: `WITH written AS (
  INSERT INTO ${owners} AS o (owner_id, revoked_before) VALUES ($1, $2)
  ON CONFLICT (owner_id) DO UPDATE SET revoked_before = GREATEST(o.revoked_before, EXCLUDED.revoked_before)
  RETURNING 1
)
SELECT pg_notify($3, $4) FROM written`,
    revokeAll: `WITH written AS (
  INSERT INTO ${global} AS g (singleton, revoked_before) VALUES (true, $1)
  ON CONFLICT (singleton) DO UPDATE SET revoked_before = GREATEST(g.revoked_before, EXCLUDED.revoked_before)
  RETURNING 1
)
SELECT pg_notify($2, $3) FROM written`,
    notify: 'SELECT pg_notify($1, $2)',
    // One statement, so one snapshot of all four tables.
    snapshot: `SELECT 'r' AS kind, id AS subject, expires_at AS at FROM ${revoked} WHERE expires_at > $1
UNION ALL SELECT 's', id, expires_at FROM ${suspensions} WHERE suspended AND expires_at > $1
UNION ALL SELECT 'o', owner_id, revoked_before FROM ${owners}
UNION ALL SELECT 'g', NULL, revoked_before FROM ${global}`,
    time: 'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now',
  }
}
