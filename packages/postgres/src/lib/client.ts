import { assertImplements } from '@keyward/core/adapter'
/** A query as node-postgres takes it; a `name` makes it a prepared statement, parsed once per connection. */
export interface PgQuery {
  text: string
  values?: unknown[]
  name?: string
}

/** What a query resolves to, as far as Keyward reads it. */
export interface PgResult {
  rows: Array<Record<string, unknown>>
  rowCount: number | null
}

/** A connection that runs queries: a `pg` `Pool` or a `PoolClient`. */
export interface PgQueryable {
  query(query: PgQuery): Promise<PgResult>
}

/** A connection checked out of a pool (`pg`'s `PoolClient`). */
export interface PgPoolClient extends PgQueryable {
  /** Returns the connection to its pool; with `true` (or an error) the pool destroys it. */
  release(destroy?: boolean | Error): void
  /** Listens for `'notification'` (`{ channel, payload }`), `'error'` and `'end'`. */
  on(event: string, listener: (...args: never[]) => unknown): unknown
}

/**
 * The application's connection pool: node-postgres's `Pool` (a peer dependency). Keyward runs
 * its statements on it and never ends it; closing the pool is the application's business.
 */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>
}

/** Throws at construction when `pool` is not a node-postgres `Pool`, instead of on a request. */
export function assertPool(pool: unknown): asserts pool is PgPool {
  assertImplements(pool, 'pool', ['query', 'connect'], 'pool must be a node-postgres (pg) Pool')
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/

/**
 * The schema option, checked: 1–48 characters of `a-z 0-9 _`, not starting with a digit, so it
 * can be quoted into statements and named in a `NOTIFY` channel as it is. Default `'public'`.
 */
export function schemaOption(value: unknown): string {
  if (value === undefined) return 'public'
  if (typeof value !== 'string' || !SCHEMA.test(value)) {
    throw new TypeError(
      'schema must be 1-48 characters of a-z, 0-9 and _, not starting with a digit',
    )
  }
  return value
}

/** `value` quoted as an SQL identifier (the schema option allows nothing that needs escaping). */
export const identifier = (value: string): string => `"${value}"`

/** Integers that `bigint` columns hand back as strings; anything else is not a time. */
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/

/** A `bigint` column read as epoch ms, or the raw value when it is not one (validation then fails). */
export function bigintValue(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value
}

/** The `pg_notify` channel revocations of `schema` are announced on. */
export const channelOf = (schema: string): string => `keyward:${schema}`
