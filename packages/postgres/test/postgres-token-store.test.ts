import { createKeyward, isKeywardError, type Keyward, MemoryRevocationList } from '@keyward/core'
import {
  migrate,
  migrationSql,
  PostgresRevocationList,
  PostgresTokenStore,
} from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

let db: pg.Pool
let schema: string
let keyward: Keyward
let revocations: PostgresRevocationList

beforeAll(async () => {
  db = pool()
  schema = await testSchema(db)
  revocations = new PostgresRevocationList(db, { schema })
  keyward = createKeyward({
    prefix: 'kw_test',
    store: new PostgresTokenStore(db, { schema }),
    revocations,
    onError: () => {},
  })
  await keyward.ready()
})
afterAll(async () => {
  await keyward?.close()
  await cleanUp()
})

const create = () =>
  keyward.keys.create({
    name: 'pg key',
    ownerId: 'org_pg',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })

async function outcome(token: string): Promise<string> {
  try {
    await keyward.verify(token)
    return 'verified'
  } catch (error) {
    return isKeywardError(error) ? error.code : String(error)
  }
}

describe('migrate', () => {
  it('is safe to run again, and by several instances at once', async () => {
    await migrate(db, { schema })
    await Promise.all([migrate(db, { schema }), migrate(db, { schema }), migrate(db, { schema })])
    const { rows } = await db.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    )
    expect(rows.map((row) => row.table_name)).toStrictEqual([
      'keyward_global_epoch',
      'keyward_keys',
      'keyward_owner_epochs',
      'keyward_revoked_keys',
    ])
  })

  it('adds the limit columns to a keys table made before them, and keeps its rows', async () => {
    const old = await testSchema(db)
    await db.query(`ALTER TABLE "${old}".keyward_keys DROP COLUMN rate_limits, DROP COLUMN credits`)
    await db.query(
      `INSERT INTO "${old}".keyward_keys (id, hash, prefix, hint, name, owner_id, scopes, created_at, expires_at)
       VALUES ('key_old', 'h', 'kw_test', 'kw_test_Ab12…', 'old', 'org_old', '[]', 1, 2)`,
    )
    await migrate(db, { schema: old })
    await migrate(db, { schema: old })
    const { rows } = await db.query(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'keyward_keys' AND column_name IN ('rate_limits', 'credits')
       ORDER BY 1`,
      [old],
    )
    expect(rows.map((row) => row.column_name)).toStrictEqual(['credits', 'rate_limits'])
    const kept = await db.query(`SELECT count(*)::int AS n FROM "${old}".keyward_keys`)
    expect(kept.rows[0].n).toBe(1)
  })

  it('adds the page and name indexes to a table made before them, and pages on them', async () => {
    const old = await testSchema(db)
    await db.query(
      `DROP INDEX "${old}".keyward_keys_owner_page_idx, "${old}".keyward_keys_owner_name_idx`,
    )
    await migrate(db, { schema: old })
    await migrate(db, { schema: old })
    const { rows } = await db.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'keyward_keys_owner%'
       ORDER BY 1`,
      [old],
    )
    expect(rows.map((row) => row.indexname)).toStrictEqual([
      'keyward_keys_owner_idx',
      'keyward_keys_owner_name_idx',
      'keyward_keys_owner_page_idx',
    ])
    // With sequential scans priced out, a page and a name search must each have an index to use.
    const store = new PostgresTokenStore(db, { schema: old })
    const client = await db.connect()
    try {
      await client.query('SET enable_seqscan = off')
      for (const [sql, index] of [
        [
          `SELECT id FROM "${old}".keyward_keys WHERE owner_id = 'o' AND (created_at, id COLLATE "C") < (5, 'k' COLLATE "C")
           ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT 51`,
          'keyward_keys_owner_page_idx',
        ],
        [
          `SELECT id FROM "${old}".keyward_keys WHERE owner_id = 'o' AND lower(name) ~>=~ 'dev' AND lower(name) ~<~ 'dew'`,
          'keyward_keys_owner_name_idx',
        ],
      ] as const) {
        const plan = await client.query(`EXPLAIN ${sql}`)
        expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain(index)
      }
    } finally {
      client.release()
    }
    expect(await store.listByOwner('o')).toStrictEqual({ keys: [], nextCursor: null })
  })

  it('ships its SQL, and refuses a schema name it could not quote as it is', async () => {
    expect(migrationSql('app')).toContain('CREATE TABLE IF NOT EXISTS "app".keyward_keys')
    await expect(migrate(db, { schema: 'Robert"; DROP' })).rejects.toThrow(/^schema must be/)
  })
})

describe('PostgresTokenStore', () => {
  it('refuses a bad pool or schema at construction', () => {
    expect(() => new PostgresTokenStore({} as pg.Pool)).toThrow(/^pool must be a node-postgres/)
    expect(() => new PostgresTokenStore(db, { schema: '1abc' })).toThrow(/^schema must be/)
    expect(() => new PostgresRevocationList(db, { maxStaleness: -1 })).toThrow(
      /^maxStaleness must be/,
    )
  })

  it('is refused beside the in-process revocation list unless told there is one instance', () => {
    const store = new PostgresTokenStore(db, { schema })
    expect(() => createKeyward({ store })).toThrow(/^revocations must be a revocation list/)
    expect(() => createKeyward({ store, revocations: new MemoryRevocationList() })).toThrow(
      TypeError,
    )
    expect(() => createKeyward({ store, singleInstance: true })).not.toThrow()
  })

  it('answers unavailable for a corrupt row, never an accepted key', async () => {
    const corruptions = [
      `scopes = '"projects:read"'::jsonb`,
      `hint = ''`,
      `metadata = '[1]'::jsonb`,
      `expires_at = -1`,
      `name = ''`,
    ]
    for (const corruption of corruptions) {
      const { token, key } = await create()
      await db.query(`UPDATE "${schema}".keyward_keys SET ${corruption} WHERE id = $1`, [key.id])
      expect(await outcome(token), corruption).toBe('unavailable')
      await expect(keyward.store.get(key.id)).rejects.toThrow(/is corrupt/)
    }
  })

  it('keeps the revocation on the record, so a revoked key stays dead with an empty list', async () => {
    const { token, key } = await create()
    await keyward.keys.revoke(key.id)
    await db.query(`DELETE FROM "${schema}".keyward_revoked_keys`)
    const fresh = createKeyward({
      prefix: 'kw_test',
      store: new PostgresTokenStore(db, { schema }),
      singleInstance: true,
      onError: () => {},
    })
    await expect(fresh.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('lists every owner with a key, once each and sorted, in its own schema only', async () => {
    const own = await testSchema(db)
    const store = new PostgresTokenStore(db, { schema: own })
    await expect(store.listOwners()).resolves.toStrictEqual([])
    const other = createKeyward({
      prefix: 'kw_test',
      store,
      revocations: new PostgresRevocationList(db, { schema: own }),
      onError: () => {},
    })
    await other.ready()
    try {
      for (const ownerId of ['org_b', 'org_a', 'org_b']) {
        await other.keys.create({ name: 'k', ownerId, scopes: [], expiresIn: '1d' })
      }
      const { key } = await other.keys.create({
        name: 'k',
        ownerId: 'org_c',
        scopes: [],
        expiresIn: '1d',
      })
      await other.keys.revoke(key.id) // a revoked key's owner still has a row
      await expect(store.listOwners()).resolves.toStrictEqual(['org_a', 'org_b', 'org_c'])
    } finally {
      await other.close()
    }
  })

  it('keeps no token in any table, only its hash', async () => {
    const issued = [await create(), await create()]
    const rotated = await keyward.keys.rotate(issued[0]!.key.id)
    await keyward.keys.revoke(issued[1]!.key.id)
    await keyward.keys.revokeAll({ ownerId: 'org_pg' })
    const tokens = [...issued.map((i) => i.token), rotated.token]
    const { rows: tables } = await db.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    )
    expect(tables.length).toBeGreaterThanOrEqual(4)
    let dumped = ''
    for (const { table_name } of tables) {
      const { rows } = await db.query(`SELECT * FROM "${schema}"."${table_name}"`)
      dumped += JSON.stringify(rows)
    }
    expect(dumped).toContain(rotated.key.id)
    for (const token of tokens) {
      expect(dumped).not.toContain(token)
      // Not even the secret without its prefix.
      expect(dumped).not.toContain(token.slice('kw_test_'.length))
    }
  })
})
