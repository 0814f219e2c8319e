import { migrate } from '@keyward/postgres'
import pg from 'pg'

/** The database PostgreSQL-backed tests run against (trust authentication, database `test`). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const RUN = `kwtest_${process.pid}_${Date.now().toString(36)}`
let schemas = 0
const created = new Set<string>()
const pools = new Set<pg.Pool>()

/** A pool on {@link DATABASE_URL}, ended by {@link cleanUp}. */
export function pool(options: pg.PoolConfig = {}): pg.Pool {
  const created = new pg.Pool({ connectionString: DATABASE_URL, max: 4, ...options })
  // Connection errors on idle clients are part of some tests; they show in what calls answer.
  created.on('error', () => {})
  pools.add(created)
  return created
}

/**
 * A schema of its own for one test (or suite instance), under this run's prefix, migrated.
 * Fails with a message saying what is missing when no server answers at `DATABASE_URL`.
 */
export async function testSchema(on: pg.Pool): Promise<string> {
  schemas += 1
  const schema = `${RUN}_${schemas}`
  created.add(schema)
  try {
    await migrate(on, { schema })
  } catch (error) {
    throw new Error(
      `PostgreSQL tests need a server at ${DATABASE_URL} (set DATABASE_URL): ${String(error)}`,
    )
  }
  return schema
}

/** Drops every schema this run created and ends every pool. */
export async function cleanUp(): Promise<void> {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 })
  try {
    for (const schema of created) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    created.clear()
    await admin.end()
    await Promise.all([...pools].map((open) => open.end().catch(() => {})))
    pools.clear()
  }
}
