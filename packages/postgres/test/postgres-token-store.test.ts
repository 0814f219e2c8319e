import {
  createKeyward,
  isKeywardError,
  type KeyRecord,
  type Keyward,
  MemoryRevocationList,
} from '@keyward/core'
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

let records = 0
/** A record of its own for a store-level test (unique id and hash). */
function record(overrides: Partial<KeyRecord> = {}): KeyRecord {
  records += 1
  const n = String(records).padStart(4, '0')
  const now = Date.now()
  return {
    id: `key_pgrules00000${n}`,
    hash: `${n}${'p'.repeat(39)}`,
    prefix: 'kw_test',
    hint: 'kw_test_abcd…',
    name: 'Rules',
    ownerId: 'org_pg_rules',
    scopes: ['projects:read'],
    createdAt: now,
    expiresAt: now + 3_600_000,
    ...overrides,
  }
}

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
      'keyward_audit_events',
      'keyward_global_epoch',
      'keyward_keys',
      'keyward_owner_epochs',
      'keyward_revoked_keys',
      'keyward_suspensions',
      'keyward_usage_addresses',
      'keyward_usage_buckets',
      'keyward_usage_last',
      'keyward_webhook_attempts',
      'keyward_webhook_deliveries',
      'keyward_webhook_endpoints',
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

  it('adds the network and suspension columns to a keys table made before them', async () => {
    const old = await testSchema(db)
    await db.query(
      `ALTER TABLE "${old}".keyward_keys
       DROP COLUMN allowed_ips, DROP COLUMN suspended_at, DROP COLUMN suspend_reason`,
    )
    const store = new PostgresTokenStore(db, { schema: old })
    const before = record()
    await db.query(
      `INSERT INTO "${old}".keyward_keys (id, hash, prefix, hint, name, owner_id, scopes, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        before.id,
        before.hash,
        before.prefix,
        before.hint,
        before.name,
        before.ownerId,
        JSON.stringify(before.scopes),
        before.createdAt,
        before.expiresAt,
      ],
    )
    await migrate(db, { schema: old })
    await migrate(db, { schema: old })
    const { rows } = await db.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'keyward_keys'
         AND column_name IN ('allowed_ips', 'suspended_at', 'suspend_reason')
       ORDER BY 1`,
      [old],
    )
    expect(rows).toStrictEqual([
      { column_name: 'allowed_ips', data_type: 'ARRAY' },
      { column_name: 'suspend_reason', data_type: 'text' },
      { column_name: 'suspended_at', data_type: 'bigint' },
    ])
    // The row made before them reads as a key with no rules and no suspension.
    expect(await store.get(before.id)).toStrictEqual(before)
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
      `allowed_ips = ARRAY['10.0.0.1', NULL]`,
      `allowed_ips = ARRAY['']`,
      `suspended_at = -5`,
    ]
    for (const corruption of corruptions) {
      const { token, key } = await create()
      await db.query(`UPDATE "${schema}".keyward_keys SET ${corruption} WHERE id = $1`, [key.id])
      expect(await outcome(token), corruption).toBe('unavailable')
      await expect(keyward.store.get(key.id)).rejects.toThrow(/is corrupt/)
    }
  })

  it('keeps allowedIps, suspendedAt and suspendReason exactly, in their columns', async () => {
    const store = new PostgresTokenStore(db, { schema })
    const suspended = record({
      allowedIps: ['203.0.113.0/24', '2001:db8::1'],
      suspendedAt: 1_700_000_000_123,
      suspendReason: 'unpaid invoice',
    })
    await store.insert(suspended)
    expect(await store.get(suspended.id)).toStrictEqual(suspended)
    expect(await store.findByHash(suspended.hash)).toStrictEqual(suspended)
    expect((await store.listByOwner(suspended.ownerId)).keys).toContainEqual(suspended)
    const { rows } = await db.query(
      `SELECT allowed_ips, suspended_at::text AS suspended_at, suspend_reason
       FROM "${schema}".keyward_keys WHERE id = $1`,
      [suspended.id],
    )
    expect(rows[0]).toStrictEqual({
      allowed_ips: ['203.0.113.0/24', '2001:db8::1'],
      suspended_at: '1700000000123',
      suspend_reason: 'unpaid invoice',
    })
    const empty = record({ allowedIps: [] })
    await store.insert(empty)
    expect(await store.get(empty.id)).toStrictEqual(empty)
  })

  it('sets them by patch and removes each with null (SQL NULL)', async () => {
    const store = new PostgresTokenStore(db, { schema })
    const plain = record()
    await store.insert(plain)
    const at = Date.now()
    const rules = { allowedIps: ['10.0.0.0/8'], suspendedAt: at, suspendReason: 'investigation' }
    expect(await store.update(plain.id, rules)).toStrictEqual({ ...plain, ...rules })
    expect(await store.update(plain.id, { name: 'Renamed' })).toStrictEqual({
      ...plain,
      ...rules,
      name: 'Renamed',
    })
    const cleared = await store.update(plain.id, {
      allowedIps: null,
      suspendedAt: null,
      suspendReason: null,
    })
    expect(cleared).toStrictEqual({ ...plain, name: 'Renamed' })
    const { rows } = await db.query(
      `SELECT allowed_ips IS NULL AND suspended_at IS NULL AND suspend_reason IS NULL AS gone
       FROM "${schema}".keyward_keys WHERE id = $1`,
      [plain.id],
    )
    expect(rows[0].gone).toBe(true)
  })

  it('applies a notSuspended update only while the record is not suspended', async () => {
    const store = new PostgresTokenStore(db, { schema })
    const key = record()
    await store.insert(key)
    const condition = { activeAt: Date.now(), notSuspended: true }
    expect(await store.update(key.id, { name: 'Active' }, condition)).toMatchObject({
      name: 'Active',
    })
    await store.update(key.id, { suspendedAt: Date.now(), suspendReason: 'paused' })
    const before = await store.get(key.id)
    expect(
      await store.update(key.id, { rotatedTo: 'key_successor0000000', name: 'R' }, condition),
    ).toBeNull()
    expect(await store.get(key.id)).toStrictEqual(before)
    // The activity condition alone lets a suspended key change (a rename by support).
    expect(
      await store.update(key.id, { name: 'Renamed' }, { activeAt: condition.activeAt }),
    ).toMatchObject({ name: 'Renamed', suspendReason: 'paused' })
    await store.update(key.id, { suspendedAt: null, suspendReason: null })
    expect(await store.update(key.id, { name: 'Again' }, condition)).toMatchObject({
      name: 'Again',
    })
    expect(await store.update('key_nosuchkey0000000', { name: 'x' }, condition)).toBeUndefined()
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
