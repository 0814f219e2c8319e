import { createKeyward, type Keyward, type UsageBackend } from '@keyward/core'
import {
  migrate,
  PostgresRevocationList,
  PostgresTokenStore,
  PostgresUsageBackend,
} from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore, RedisUsageBackend } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_URL, keyward, REDIS_URL } from './support.js'

// `keyward keys usage ID` against the stores applications share: an app instance on the same
// store and usage backend verifies a key, flushes, and the CLI reads the counts back.

const RUN = `kwcliusage_${process.pid}_${Date.now().toString(36)}`
let redis: Redis
let db: pg.Pool
const apps: Keyward[] = []

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
  db.on('error', () => {})
  await migrate(db, { schema: RUN })
})
afterAll(async () => {
  for (const app of apps) await app.close()
  const keys = await redis.keys(`*${RUN}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
  await db.query(`DROP SCHEMA IF EXISTS "${RUN}" CASCADE`)
  await db.end()
})

const deployments: Record<string, () => { args: string[]; app: Keyward }> = {
  Redis: () => ({
    args: ['--redis', REDIS_URL, '--namespace', RUN],
    app: appOn(
      new RedisTokenStore(redis, { namespace: RUN }),
      new RedisRevocationList(redis, { namespace: RUN }),
      new RedisUsageBackend(redis, { namespace: RUN }),
    ),
  }),
  PostgreSQL: () => ({
    args: ['--database', DATABASE_URL, '--schema', RUN],
    app: appOn(
      new PostgresTokenStore(db, { schema: RUN }),
      new PostgresRevocationList(db, { schema: RUN, onError: () => {} }),
      new PostgresUsageBackend(db, { schema: RUN }),
    ),
  }),
}

function appOn(
  store: Keyward['store'],
  revocations: Keyward['revocations'],
  backend: UsageBackend,
): Keyward {
  const app = createKeyward({ prefix: 'kw_live', store, revocations, usage: { backend } })
  apps.push(app)
  return app
}

describe.each(Object.keys(deployments))('keyward keys usage against %s', (name) => {
  it("prints a key's buckets by outcome as a table, or as JSON", async () => {
    const { args, app } = deployments[name]!()
    await app.ready()
    const { token, key } = await app.keys.create({
      name: 'CI',
      ownerId: 'org_cli',
      scopes: ['projects:read'],
      expiresIn: '1d',
    })
    for (let n = 0; n < 3; n++) await app.verify(token)
    await app.verify(token, { scopes: ['projects:write'] }).catch(() => {})
    await app.usage!.flush()

    const json = await keyward([...args, '--json', 'keys', 'usage', key.id, '--granularity', 'day'])
    expect(json.code, json.stderr).toBe(0)
    const usage = JSON.parse(json.stdout)
    expect(usage).toMatchObject({ keyId: key.id, granularity: 'day' })
    expect(usage.buckets.at(-1).outcomes).toEqual({ valid: 3, insufficient_scope: 1 })

    const table = await keyward([...args, 'keys', 'usage', key.id, '--since', '2h'])
    expect(table.code, table.stderr).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^START\s+TOTAL\s+VALID\s+INSUFFICIENT_SCOPE$/)
    expect(lines.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z\s+4\s+3\s+1$/)
    expect(lines.length).toBeGreaterThanOrEqual(3)
  })

  it('refuses a bad option naming it (exit 2), and an unknown key (exit 3)', async () => {
    const { args } = deployments[name]!()
    const bad = await keyward([
      ...args,
      'keys',
      'usage',
      'key_0000000000000000',
      '--granularity',
      'week',
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--granularity must be minute, hour or day/)
    const missing = await keyward([...args, 'keys', 'usage', 'key_0000000000000000'])
    expect(missing.stderr).toMatch(/No key key_0000000000000000/)
    expect(missing.code).toBe(3)
  })
})
