import { assertObject } from '@keyward/core/adapter'
import { assertPool, type PgPool, schemaOption } from './lib/client.js'
import { migrationSql } from './lib/schema.js'

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * The schema the tables go in, created if missing. 1–48 characters of `a-z 0-9 _`. Must
   * match the `schema` of the store and list. Default `'public'`.
   */
  schema?: string
}

/**
 * Creates Keyward's tables (keys, revoked keys, suspensions, owner and global epochs, audit
 * events) and indexes in `schema` if they do not exist yet: safe to run on every start, and
 * by several instances at once (they take turns on an advisory lock). Runs in one transaction on one connection of
 * `pool`. Rejects with the database's error when it cannot (no permission, unreachable).
 */
export async function migrate(pool: PgPool, options: MigrateOptions = {}): Promise<void> {
  assertPool(pool)
  assertObject(options)
  const schema = schemaOption(options.schema)
  const client = await pool.connect()
  let failed: unknown
  try {
    await client.query({ text: 'BEGIN' })
    await client.query({
      text: 'SELECT pg_advisory_xact_lock(hashtext($1))',
      values: [`keyward:migrate:${schema}`],
    })
    await client.query({ text: migrationSql(schema) })
    await client.query({ text: 'COMMIT' })
  } catch (error) {
    failed = error
    await client.query({ text: 'ROLLBACK' }).catch(() => {})
    throw error
  } finally {
    client.release(failed instanceof Error ? failed : undefined)
  }
}
