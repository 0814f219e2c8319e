import type { KeyRecord, KeyRecordPage, ListKeysOptions, TokenStore } from '@keyward/core'
import {
  assertEpochMs,
  assertObject,
  conditionActiveAt,
  encodeCursor,
  type KeyRecordPatch,
  resolveListOptions,
  type UpdateCondition,
} from '@keyward/core/adapter'
import { assertPool, identifier, type PgPool, schemaOption } from './lib/client.js'
import { pageQuery } from './lib/page-query.js'
import { COLUMNS, decodeRow, patchColumns, recordValues } from './lib/record-row.js'

/** Options of {@link PostgresTokenStore}. Invalid values throw `TypeError('<option> must be …')`. */
export interface PostgresTokenStoreOptions {
  /**
   * The schema holding the `keyward_keys` table, as given to `migrate`. 1–48 characters of
   * `a-z 0-9 _`. Default `'public'`.
   */
  schema?: string
}

/** The fixed statements, prepared by name. */
type Statement = 'findByHash' | 'get' | 'owners' | 'insert' | 'delete' | 'touch'

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505'

const SELECT = COLUMNS.join(', ')
/** Rows per multi-row insert: 21 parameters each, well below PostgreSQL's 65 535. */
const INSERT_BATCH = 1_000

/**
 * A {@link TokenStore} in PostgreSQL, shared by every instance on the same database and
 * schema: one row per key in `keyward_keys` (the hash unique, the owner indexed), created by
 * `migrate`. Only what core hands it is stored: the token hash, never a token. Records stay
 * until `delete` (expired and revoked keys keep answering `expired_token`/`revoked_token`).
 *
 * Every method is one statement, so it is atomic: a duplicate id or hash writes nothing, and
 * a conditional `update` checks that the record is active (and, with `notSuspended`, not
 * suspended) in the same `UPDATE … WHERE`.
 * Every row read is checked with core's `assertKeyRecord`: a corrupt row rejects with a
 * `TypeError`, which the verifier reports as `unavailable`, never as a valid key.
 *
 * Takes the application's `pg` `Pool`, runs prepared statements on it and opens nothing of
 * its own; ending the pool is the application's business.
 */
export class PostgresTokenStore implements TokenStore {
  /** The schema of the keys table. */
  readonly schema: string
  readonly #pool: PgPool
  readonly #table: string
  readonly #statements: Record<Statement, string>

  constructor(pool: PgPool, options: PostgresTokenStoreOptions = {}) {
    assertPool(pool)
    assertObject(options)
    this.schema = schemaOption(options.schema)
    this.#pool = pool
    this.#table = `${identifier(this.schema)}.keyward_keys`
    const t = this.#table
    this.#statements = {
      findByHash: `SELECT ${SELECT} FROM ${t} WHERE hash = $1`,
      get: `SELECT ${SELECT} FROM ${t} WHERE id = $1`,
      owners: `SELECT DISTINCT owner_id FROM ${t} ORDER BY owner_id`,
      insert: `INSERT INTO ${t} (${SELECT}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
      delete: `DELETE FROM ${t} WHERE id = $1`,
      touch: `UPDATE ${t} SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`,
    }
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.#run('findByHash', [hash])
    if (rows.length === 0) return undefined
    const record = decodeRow(rows[0]!, this.#table)
    if (record.hash !== hash) {
      throw new TypeError(`table ${this.#table} is corrupt: a lookup by hash found another hash`)
    }
    return record
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.#run('get', [id])
    if (rows.length === 0) return undefined
    const record = decodeRow(rows[0]!, this.#table)
    if (record.id !== id) {
      throw new TypeError(`table ${this.#table} is corrupt: a lookup by id found another id`)
    }
    return record
  }

  /**
   * One page by keyset pagination: `created_at DESC, id DESC` from the cursor's position on
   * the owner's page index, the status judged in the `WHERE`, a name prefix as a range on
   * `lower(name)`. Reads `limit + 1` rows to know whether another page follows.
   */
  async listByOwner(ownerId: string, options?: ListKeysOptions): Promise<KeyRecordPage> {
    const resolved = resolveListOptions(options, Date.now())
    const query = pageQuery(this.#table, this.schema, SELECT, ownerId, resolved)
    const { rows } = await this.#pool.query(query)
    const keys = rows.slice(0, resolved.limit).map((row) => {
      const record = decodeRow(row, this.#table)
      if (record.ownerId !== ownerId) {
        throw new TypeError(`table ${this.#table} is corrupt: it listed a record of another owner`)
      }
      return record
    })
    const more = rows.length > resolved.limit
    return { keys, nextCursor: more ? encodeCursor(keys.at(-1)!) : null }
  }

  /**
   * Every owner id with at least one key row (revoked, rotated and expired keys count, as
   * they stay until `delete`), sorted. Not part of `TokenStore`: for tools that look across
   * owners, such as `keyward keys list` of `@keyward/cli`. One `SELECT DISTINCT` over the
   * owner index.
   */
  async listOwners(): Promise<string[]> {
    const { rows } = await this.#run('owners', [])
    return rows.map(({ owner_id: ownerId }) => {
      if (typeof ownerId !== 'string' || ownerId === '') {
        throw new TypeError(`table ${this.#table} is corrupt: owner_id must be a non-empty string`)
      }
      return ownerId
    })
  }

  async insert(record: KeyRecord): Promise<void> {
    const values = recordValues(record)
    try {
      await this.#run('insert', values)
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string }
      if (code === UNIQUE_VIOLATION) {
        throw new Error(
          constraint?.endsWith('_hash_key')
            ? 'a key with the same hash already exists'
            : `a key with id ${record.id} already exists`,
          { cause: error },
        )
      }
      throw error
    }
  }

  /**
   * One multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING id` per 1 000 records (an
   * import): a record whose id or hash exists (in the table, or earlier in the batch) is
   * skipped, the others are added; the returned ids say which were.
   */
  async insertMany(records: readonly KeyRecord[]): Promise<boolean[]> {
    const added = new Set<string>()
    for (let start = 0; start < records.length; start += INSERT_BATCH) {
      const batch = records.slice(start, start + INSERT_BATCH)
      const values = batch.flatMap(recordValues)
      const width = COLUMNS.length
      const rows = batch.map(
        (_, row) => `(${COLUMNS.map((_, i) => `$${row * width + i + 1}`).join(', ')})`,
      )
      const { rows: inserted } = await this.#pool.query({
        text: `INSERT INTO ${this.#table} (${SELECT}) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING id`,
        values,
      })
      for (const { id } of inserted) added.add(id as string)
    }
    // An id is only returned for the row this call wrote, and a duplicate id is never written.
    const seen = new Set<string>()
    return records.map(({ id }) => {
      const mine = added.has(id) && !seen.has(id)
      seen.add(id)
      return mine
    })
  }

  /**
   * One statement: the `UPDATE` (with the activity check in its `WHERE` when a condition is
   * given, so a concurrent rotation or revocation is seen under the row lock) and, when it
   * matched nothing, whether the row exists at all, from the same snapshot.
   */
  async update(
    id: string,
    patch: KeyRecordPatch,
    condition?: UpdateCondition,
  ): Promise<KeyRecord | undefined | null> {
    const set = patchColumns(patch)
    const activeAt = condition === undefined ? null : conditionActiveAt(condition)
    const notSuspended = condition?.notSuspended === true
    const t = this.#table
    const assignments =
      set.length === 0 ? 'id = k.id' : set.map(([column], i) => `${column} = $${i + 4}`).join(', ')
    const text = `WITH updated AS (
  UPDATE ${t} AS k SET ${assignments}
  WHERE k.id = $1 AND ($2::bigint IS NULL OR
    (k.revoked_at IS NULL AND k.rotated_to IS NULL AND k.expires_at > $2::bigint))
    AND (NOT $3::boolean OR k.suspended_at IS NULL)
  RETURNING ${COLUMNS.map((c) => `k.${c}`).join(', ')}, true AS updated
)
SELECT * FROM updated
UNION ALL
SELECT ${SELECT}, false AS updated FROM ${t}
WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM updated)`
    const { rows } = await this.#pool.query({
      text,
      values: [id, activeAt, notSuspended, ...set.map(([, value]) => value)],
    })
    const row = rows[0]
    if (row === undefined) return undefined
    if (row.updated !== true) return null
    return decodeRow(row, t)
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.#run('delete', [id])
    return (rowCount ?? 0) > 0
  }

  async touch(id: string, lastUsedAt: number): Promise<void> {
    assertEpochMs(lastUsedAt, 'lastUsedAt')
    await this.#run('touch', [id, lastUsedAt])
  }

  /** Runs one of the fixed statements, prepared once per connection under a name of this schema. */
  #run(statement: Statement, values: unknown[]) {
    return this.#pool.query({
      name: `kw:${this.schema}:${statement}`,
      text: this.#statements[statement],
      values,
    })
  }
}
