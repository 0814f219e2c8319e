import {
  createKeyward,
  type Keyward,
  MemoryRevocationList,
  MemoryTokenStore,
  type WebhookQueue,
} from '@keyward/core'
import { PostgresWebhookQueue } from '@keyward/postgres'
import { RedisWebhookQueue } from '@keyward/redis'
import type { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  connectPostgres,
  createSchema,
  DATABASE_URL,
  dropSchema,
  testSchema,
} from './support/postgres-schema.js'
import { connectRedis, deleteNamespace, testNamespace } from './support/redis-namespace.js'
import { startReceiver, type WebhookReceiver, webhookSecret } from './support/webhook-receiver.js'

// Three instances, each with its own connection to a shared policy queue and webhook queue,
// on one injected clock: each reminder is acted on by one instance and delivered once.
const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)
const secret = webhookSecret()

const redisClients: Redis[] = []
const pools: pg.Pool[] = []
const namespaces: string[] = []
const schemas: string[] = []
const open: Array<{ close(): Promise<void> }> = []
let admin: pg.Pool

beforeAll(async () => {
  admin = await connectPostgres()
})
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})
afterAll(async () => {
  if (redisClients[0])
    for (const namespace of namespaces) await deleteNamespace(redisClients[0], namespace)
  for (const client of redisClients) client.disconnect()
  for (const pool of pools) await pool.end()
  for (const schema of schemas) await dropSchema(admin, schema)
  await admin?.end()
})

/** Per instance, a policy queue and a webhook queue on a connection of its own. */
const backends: Record<string, () => Promise<() => Promise<[WebhookQueue, WebhookQueue]>>> = {
  redis: async () => {
    const namespace = testNamespace('policies')
    namespaces.push(namespace)
    return async () => {
      const redis = await connectRedis()
      redisClients.push(redis)
      return [
        new RedisWebhookQueue(redis, { namespace, queue: 'policies' }),
        new RedisWebhookQueue(redis, { namespace }),
      ]
    }
  },
  postgres: async () => {
    const schema = testSchema('policies')
    schemas.push(schema)
    await createSchema(admin, schema)
    return async () => {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 })
      pools.push(pool)
      return [
        new PostgresWebhookQueue(pool, { schema, queue: 'policies' }),
        new PostgresWebhookQueue(pool, { schema }),
      ]
    }
  },
}

describe.each(Object.keys(backends))('policies on %s', (name) => {
  it('three instances crossing reminder thresholds deliver each reminder exactly once', async () => {
    const connect = await backends[name]!()
    const hooks: WebhookReceiver = await startReceiver(secret)
    open.push(hooks)
    const clock = { now: T0 }
    const now = () => clock.now
    const store = new MemoryTokenStore()
    const revocations = new MemoryRevocationList({ now })
    const instances: Keyward[] = []
    for (let i = 0; i < 3; i++) {
      const [policyQueue, webhookQueue] = await connect()
      const keyward = createKeyward({
        store,
        revocations,
        now,
        policies: { queue: policyQueue, expiryReminders: ['30d', '7d', '1d'] },
        webhooks: {
          endpoints: [{ url: hooks.url, secret, events: ['key.expiring', 'key.expired'] }],
          queue: webhookQueue,
          pollInterval: 0.05,
        },
      })
      open.push(keyward)
      instances.push(keyward)
    }
    const keys = []
    for (const [i, keyward] of instances.entries()) {
      const input = { name: `k${i}`, ownerId: 'org_1', scopes: [], expiresIn: `${35 + i}d` }
      keys.push((await keyward.keys.create(input)).key)
    }
    await Promise.all(instances.map((k) => k.policies!.flush()))
    for (let day = 1; day <= 40; day++) {
      clock.now = T0 + day * DAY
      await Promise.all(instances.map((k) => k.policies!.run()))
    }
    // 3 reminders and the expiry, per key.
    const accepted = await hooks.waitForAccepted(12)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(hooks.received.every((r) => r.verified)).toBe(true)
    const seen = hooks
      .accepted()
      .map((r) => {
        const key = r.body.data.key as { name: string }
        return `${key.name} ${r.body.type} ${r.body.data.daysLeft ?? ''}`.trim()
      })
      .sort()
    expect(seen).toEqual(
      ['k0', 'k1', 'k2'].flatMap((k) => [
        `${k} key.expired`,
        `${k} key.expiring 1`,
        `${k} key.expiring 30`,
        `${k} key.expiring 7`,
      ]),
    )
    expect(new Set(accepted.map((r) => r.id)).size).toBe(12)
    expect(keys).toHaveLength(3)
  }, 30_000)
})
