import { migrate } from '@keyward/postgres'
import pg from 'pg'

/** The database PostgreSQL-backed tests run against (trust authentication, database `test`). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A schema name unique to this run and `label`: 1–48 characters of `a-z 0-9 _`. */
export function testSchema(label: string): string {
  return `kwtest_${label}_${process.pid}_${Date.now().toString(36)}`.slice(0, 48)
}

/**
 * A pool on `url` whose idle-connection errors are swallowed (outages are what some tests are
 * about). Fails with a message saying what is missing when no server answers.
 */
export async function connectPostgres(url = DATABASE_URL, max = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max })
  pool.on('error', () => {})
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw new Error(`these tests need PostgreSQL at ${url} (set DATABASE_URL): ${String(error)}`)
  }
  return pool
}

/** Creates `schema` with Keyward's tables. */
export const createSchema = (pool: pg.Pool, schema: string): Promise<void> =>
  migrate(pool, { schema })

/** Drops `schema` and everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
}
