import { InvalidArgumentError, type RevocationList, UnavailableError } from '@keyward/core'
import {
  PostgresAuditLog,
  PostgresRevocationList,
  PostgresTokenStore,
  PostgresUsageBackend,
} from '@keyward/postgres'
import { RedisRevocationList } from '@keyward/redis'
import pg from 'pg'
import { redactUrl } from '../lib/redact.js'
import type { Backend } from './backend.js'
import { lifecycleBackend } from './lifecycle.js'
import { closeRedis, openRedis } from './redis.js'

/** How the CLI reaches the PostgreSQL an application keeps its keys in. */
export interface PostgresBackendOptions {
  /** A `postgres://` connection string. */
  url: string
  /** The schema the applications gave `migrate` and the store. Default `'public'`. */
  schema?: string
  /** Prefix new tokens are issued with. Default `'kw_live'`. */
  prefix?: string
  /** The applications' `pepper`, if they use one (read from the environment, never argv). */
  pepper?: string
  /**
   * The mixed deployment: keys in PostgreSQL, revocations through this Redis (its
   * `RedisRevocationList` and namespace, default `'keyward'`), as the applications have it.
   * Without it, revocations go through PostgreSQL (`PostgresRevocationList`).
   */
  redis?: { url: string; namespace?: string }
}

/**
 * Connects to PostgreSQL and manages keys through core's lifecycle over `PostgresTokenStore`
 * and `PostgresRevocationList` (or a `RedisRevocationList`, see `redis`), exactly as an
 * application instance would: revocations reach every running instance at once. Does not
 * create tables: rejects `InvalidArgumentError` (field `schema`) when the schema holds no
 * `keyward_keys` table, and `UnavailableError` when the database does not answer.
 */
export async function connectPostgresBackend(options: PostgresBackendOptions): Promise<Backend> {
  const where = redactUrl(options.url)
  // One connection is held by the revocation list for LISTEN; the others run statements.
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 3,
    connectionTimeoutMillis: 5_000,
  })
  // An idle connection that drops is reported through the next statement that needs one.
  pool.on('error', () => {})
  const end = () => pool.end().catch(() => {})

  let store: PostgresTokenStore
  try {
    store = new PostgresTokenStore(
      pool,
      options.schema === undefined ? {} : { schema: options.schema },
    )
  } catch (error) {
    await end()
    throw new InvalidArgumentError(
      'schema',
      `--schema must be 1–48 characters of a-z, 0-9 and _, not starting with a digit (${(error as Error).message}).`,
    )
  }
  const schema = store.schema
  let present: boolean
  try {
    const { rows } = await pool.query('SELECT to_regclass($1) IS NOT NULL AS present', [
      `"${schema}".keyward_keys`,
    ])
    present = rows[0]?.present === true
  } catch (error) {
    await end()
    throw new UnavailableError(`Cannot reach PostgreSQL at ${where}: ${reasonOf(error)}`, {
      cause: error,
    })
  }
  if (!present) {
    await end()
    throw new InvalidArgumentError(
      'schema',
      `PostgreSQL at ${where} has no Keyward tables in schema ${schema}: check --schema (or DATABASE_SCHEMA), or start the application once (it runs migrate).`,
    )
  }

  let revocations: RevocationList
  let description = `PostgreSQL at ${where} (schema ${schema})`
  let loadFailure = `Cannot load revocations from PostgreSQL at ${where} (schema ${schema}).`
  let disconnect = end
  if (options.redis) {
    const redisWhere = redactUrl(options.redis.url)
    const namespace = options.redis.namespace ?? 'keyward'
    const redis = await openRedis(options.redis.url).catch(async (error: unknown) => {
      await end()
      throw error
    })
    revocations = new RedisRevocationList(redis, { namespace })
    description += `, revocations through Redis at ${redisWhere} (namespace ${namespace})`
    loadFailure = `Cannot load revocations from Redis at ${redisWhere}.`
    disconnect = async () => {
      await closeRedis(redis)
      await end()
    }
  } else {
    revocations = new PostgresRevocationList(pool, { schema, onError: () => {} })
  }

  return lifecycleBackend({
    description,
    store,
    revocations,
    audit: new PostgresAuditLog(pool, { schema }),
    usage: new PostgresUsageBackend(pool, { schema }),
    owners: () => store.listOwners(),
    loadFailure,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.pepper ? { pepper: options.pepper } : {}),
    disconnect,
  })
}

/** A connection failure in words: node-postgres may reject an `AggregateError` with no message. */
function reasonOf(error: unknown): string {
  const { message, code, errors } = (error ?? {}) as {
    message?: unknown
    code?: unknown
    errors?: unknown
  }
  if (typeof message === 'string' && message !== '') return message
  if (Array.isArray(errors) && errors.length > 0) return reasonOf(errors[0])
  return typeof code === 'string' ? code : String(error)
}
