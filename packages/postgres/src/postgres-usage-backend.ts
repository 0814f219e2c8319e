import type {
  UsageBackend,
  UsageBatch,
  UsageBucket,
  UsageGranularity,
  UsageOutcomes,
  UsageWhereFrom,
} from '@keyward/core'
import { assertObject } from '@keyward/core/adapter'
import { assertPool, identifier, type PgPool, schemaOption } from './lib/client.js'

/** Options of {@link PostgresUsageBackend}. Invalid values throw `TypeError('<option> must be …')`. */
export interface PostgresUsageBackendOptions {
  /** The schema holding the `keyward_usage_*` tables, as given to `migrate`. Default `'public'`. */
  schema?: string
}

const RECENT_ADDRESSES = 5

/**
 * A {@link UsageBackend} in PostgreSQL, in three tables `migrate` creates: bucket counts
 * (`keyward_usage_buckets`, one row per key, granularity, bucket and outcome), the last use
 * per key (`keyward_usage_last`) and the addresses per key (`keyward_usage_addresses`). A
 * flush is one statement: the batch arrives as one `jsonb` value, counts are added with
 * `ON CONFLICT … DO UPDATE`, the last use kept when newer, addresses merged, buckets past
 * their retention deleted, and each written key's addresses beyond its newest 5 (as they
 * stood before the flush) deleted. Takes the application's `pg` `Pool`; opens nothing.
 */
export class PostgresUsageBackend implements UsageBackend {
  /** The schema of the usage tables. */
  readonly schema: string
  readonly #pool: PgPool
  readonly #buckets: string
  readonly #last: string
  readonly #addresses: string
  readonly #write: string

  constructor(pool: PgPool, options: PostgresUsageBackendOptions = {}) {
    assertPool(pool)
    assertObject(options)
    this.schema = schemaOption(options.schema)
    this.#pool = pool
    const s = identifier(this.schema)
    this.#buckets = `${s}.keyward_usage_buckets`
    this.#last = `${s}.keyward_usage_last`
    this.#addresses = `${s}.keyward_usage_addresses`
    const [b, l, a] = [this.#buckets, this.#last, this.#addresses]
    this.#write = `WITH pruned AS (
  DELETE FROM ${b} WHERE (granularity = 'minute' AND start < $2::bigint)
    OR (granularity = 'hour' AND start < $3::bigint) OR (granularity = 'day' AND start < $4::bigint)
), counted AS (
  INSERT INTO ${b} AS t (key_id, granularity, start, outcome, count)
  SELECT c->>'keyId', c->>'granularity', (c->>'start')::bigint, c->>'outcome', (c->>'count')::bigint
  FROM jsonb_array_elements($1::jsonb->'counts') AS c
  ON CONFLICT (key_id, granularity, start, outcome) DO UPDATE SET count = t.count + excluded.count
), used AS (
  INSERT INTO ${l} AS t (key_id, at, ip, user_agent)
  SELECT u->>'keyId', (u->>'at')::bigint, u->>'ip', u->>'userAgent'
  FROM jsonb_array_elements($1::jsonb->'lastUses') AS u
  ON CONFLICT (key_id) DO UPDATE SET at = excluded.at, ip = excluded.ip, user_agent = excluded.user_agent
  WHERE t.at < excluded.at
), seen AS (
  INSERT INTO ${a} AS t (key_id, ip, first_seen, last_seen)
  SELECT x->>'keyId', x->>'ip', (x->>'firstSeen')::bigint, (x->>'lastSeen')::bigint
  FROM jsonb_array_elements($1::jsonb->'addresses') AS x
  ON CONFLICT (key_id, ip) DO UPDATE SET first_seen = least(t.first_seen, excluded.first_seen),
    last_seen = greatest(t.last_seen, excluded.last_seen)
), trimmed AS (
  DELETE FROM ${a} AS t USING (
    SELECT key_id, ip, row_number() OVER (PARTITION BY key_id ORDER BY last_seen DESC, ip) AS n
    FROM ${a} WHERE key_id IN (SELECT x->>'keyId' FROM jsonb_array_elements($1::jsonb->'addresses') AS x)
  ) AS ranked
  WHERE t.key_id = ranked.key_id AND t.ip = ranked.ip AND ranked.n > ${RECENT_ADDRESSES}
    AND (t.key_id, t.ip) NOT IN (
      SELECT x->>'keyId', x->>'ip' FROM jsonb_array_elements($1::jsonb->'addresses') AS x
    )
)
SELECT 1`
  }

  async write(batch: UsageBatch): Promise<void> {
    // A bucket the flush would prune is not written (one statement may not touch a row twice).
    const counts = batch.counts.filter(
      (count) => count.start >= batch.pruneBefore[count.granularity],
    )
    const { minute, hour, day } = batch.pruneBefore
    await this.#pool.query({
      name: `kw:${this.schema}:usage:write`,
      text: this.#write,
      values: [JSON.stringify({ ...batch, counts }), minute, hour, day],
    })
  }

  async buckets(
    keyId: string,
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<UsageBucket[]> {
    const { rows } = await this.#pool.query({
      name: `kw:${this.schema}:usage:buckets`,
      text: `SELECT start, outcome, count FROM ${this.#buckets}
WHERE key_id = $1::text AND granularity = $2::text AND start >= $3::bigint AND start < $4::bigint
ORDER BY start`,
      values: [keyId, granularity, from, to],
    })
    const buckets: UsageBucket[] = []
    for (const row of rows as { start: string; outcome: string; count: string }[]) {
      const start = Number(row.start)
      let bucket = buckets.at(-1)
      if (bucket?.start !== start) {
        bucket = { start, outcomes: {} }
        buckets.push(bucket)
      }
      ;(bucket.outcomes as Record<string, number>)[row.outcome] = Number(row.count)
    }
    return buckets
  }

  async totals(
    keyIds: readonly string[],
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<Map<string, UsageOutcomes>> {
    const { rows } = await this.#pool.query({
      name: `kw:${this.schema}:usage:totals`,
      text: `SELECT key_id, outcome, sum(count) AS count FROM ${this.#buckets}
WHERE key_id = ANY($1::text[]) AND granularity = $2::text AND start >= $3::bigint AND start < $4::bigint
GROUP BY key_id, outcome`,
      values: [keyIds, granularity, from, to],
    })
    const totals = new Map<string, UsageOutcomes>()
    for (const row of rows as { key_id: string; outcome: string; count: string }[]) {
      const sum = totals.get(row.key_id) ?? {}
      ;(sum as Record<string, number>)[row.outcome] = Number(row.count)
      totals.set(row.key_id, sum)
    }
    return totals
  }

  async whereFrom(keyIds: readonly string[]): Promise<Map<string, UsageWhereFrom>> {
    const { rows } = await this.#pool.query({
      name: `kw:${this.schema}:usage:where-from`,
      text: `SELECT k.key_id, l.at, l.ip, l.user_agent, (
  SELECT coalesce(jsonb_agg(jsonb_build_object('ip', a.ip, 'firstSeen', a.first_seen, 'lastSeen', a.last_seen)
    ORDER BY a.last_seen DESC, a.ip), '[]'::jsonb)
  FROM (SELECT * FROM ${this.#addresses} WHERE key_id = k.key_id ORDER BY last_seen DESC, ip
    LIMIT ${RECENT_ADDRESSES}) AS a
) AS recent
FROM unnest($1::text[]) AS k(key_id) LEFT JOIN ${this.#last} AS l ON l.key_id = k.key_id`,
      values: [keyIds],
    })
    const found = new Map<string, UsageWhereFrom>()
    for (const row of rows as {
      key_id: string
      at: string | null
      ip: string | null
      user_agent: string | null
      recent: { ip: string; firstSeen: number; lastSeen: number }[]
    }[]) {
      const lastUse =
        row.at === null
          ? undefined
          : {
              at: Number(row.at),
              ...(row.ip !== null && { ip: row.ip }),
              ...(row.user_agent !== null && { userAgent: row.user_agent }),
            }
      if (lastUse === undefined && row.recent.length === 0) continue
      found.set(row.key_id, { lastUse, recentIps: row.recent })
    }
    return found
  }
}
