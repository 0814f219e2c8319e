import type { AuditEvent, AuditListOptions, AuditLog, AuditPage } from '@keyward/core'
import {
  assertObject,
  auditPageOf,
  auditRetentionOption,
  nowOption,
  type ResolvedAuditQuery,
  resolveAuditQuery,
  withinRetention,
} from '@keyward/core/adapter'
import { assertPool, identifier, type PgPool, schemaOption } from './lib/client.js'

/** Options of {@link PostgresAuditLog}. Invalid values throw `TypeError('<option> must be …')`. */
export interface PostgresAuditLogOptions {
  /** The schema holding `keyward_audit_events`, as given to `migrate`. Default `'public'`. */
  schema?: string
  /**
   * How long an event is kept: seconds or a duration string. Each append deletes its owners'
   * older events in the same statement, and older events are never listed. Default `'90d'`.
   */
  retention?: number | string
  /** The clock retention is judged by, epoch ms. Default `Date.now`. */
  now?: () => number
}

/**
 * An {@link AuditLog} in PostgreSQL: one row per event in `keyward_audit_events` (created by
 * `migrate`), the whole event as `jsonb` beside the columns a query filters on. A flush is one
 * statement: the batch inserted from one `jsonb` array and its owners' events older than
 * `retention` deleted. Pages are keyset-paged newest first (`at DESC, id DESC`, ids
 * bytewise), served by the owner index, or the key index when `keyId` is given.
 *
 * Takes the application's `pg` `Pool` and opens nothing of its own.
 */
export class PostgresAuditLog implements AuditLog {
  /** The schema of the audit table. */
  readonly schema: string
  readonly #pool: PgPool
  readonly #table: string
  readonly #retention: number
  readonly #now: () => number
  readonly #append: string

  constructor(pool: PgPool, options: PostgresAuditLogOptions = {}) {
    assertPool(pool)
    assertObject(options)
    this.schema = schemaOption(options.schema)
    this.#pool = pool
    this.#table = `${identifier(this.schema)}.keyward_audit_events`
    this.#retention = auditRetentionOption(options.retention)
    this.#now = nowOption(options.now ?? Date.now)
    const t = this.#table
    this.#append = `WITH pruned AS (
  DELETE FROM ${t} WHERE owner_id = ANY($1::text[]) AND at < $2::bigint
)
INSERT INTO ${t} (id, owner_id, at, type, key_id, actor, event)
SELECT e->>'id', e->>'ownerId', (e->>'at')::bigint, e->>'type', e->>'keyId', e->>'actor', e
FROM jsonb_array_elements($3::jsonb) AS e
ON CONFLICT (id) DO NOTHING`
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    const cutoff = this.#now() - this.#retention
    const kept = events.filter((event) => event.at >= cutoff)
    if (kept.length === 0) return
    const owners = [...new Set(kept.map((event) => event.ownerId))]
    await this.#pool.query({
      name: `kw:${this.schema}:audit:append`,
      text: this.#append,
      values: [owners, cutoff, JSON.stringify(kept)],
    })
  }

  async list(options: AuditListOptions): Promise<AuditPage> {
    const query = withinRetention(resolveAuditQuery(options), this.#now(), this.#retention)
    const { rows } = await this.#pool.query(pageStatement(this.#table, this.schema, query))
    return auditPageOf(
      rows.map((row) => decodeEvent(row.event, this.#table)),
      query.limit,
    )
  }
}

/** The page statement of `query`: one shape per set of filters, prepared once per connection. */
function pageStatement(
  table: string,
  schema: string,
  query: ResolvedAuditQuery,
): { name: string; text: string; values: unknown[] } {
  const values: unknown[] = [query.ownerId, query.from, query.to, query.limit + 1]
  const param = (value: unknown, type: string) => `$${values.push(value)}::${type}`
  const terms = ['owner_id = $1::text', 'at >= $2::bigint', 'at < $3::bigint']
  const shape: string[] = []
  for (const [column, value] of [
    ['key_id', query.keyId],
    ['type', query.type],
    ['actor', query.actor],
  ] as const) {
    if (value === undefined) continue
    terms.push(`${column} = ${param(value, 'text')}`)
    shape.push(column)
  }
  if (query.after !== undefined) {
    terms.push(
      `(at, id COLLATE "C") < (${param(query.after.at, 'bigint')}, ${param(query.after.id, 'text')} COLLATE "C")`,
    )
    shape.push('after')
  }
  return {
    name: `kw:${schema}:audit:${shape.join(',') || 'all'}`,
    text: `SELECT event FROM ${table} WHERE ${terms.join(' AND ')}
ORDER BY at DESC, id COLLATE "C" DESC LIMIT $4::int`,
    values,
  }
}

/** An event as stored; a row Keyward did not write is a `TypeError` naming the table. */
function decodeEvent(value: unknown, table: string): AuditEvent {
  const event = value as AuditEvent | null
  if (
    event === null ||
    typeof event !== 'object' ||
    typeof event.id !== 'string' ||
    !Number.isSafeInteger(event.at) ||
    typeof event.type !== 'string' ||
    typeof event.ownerId !== 'string'
  ) {
    throw new TypeError(`table ${table} holds an audit event Keyward did not write`)
  }
  return event
}
