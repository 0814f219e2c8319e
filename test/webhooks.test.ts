import { fileURLToPath } from 'node:url'
import { createKeyward, type Keyward, type WebhookQueue } from '@keyward/core'
import { PostgresWebhookQueue } from '@keyward/postgres'
import { RedisWebhookQueue } from '@keyward/redis'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  connectPostgres,
  createSchema,
  DATABASE_URL,
  dropSchema,
  testSchema,
} from './support/postgres-schema.js'
import { sleep, spawnTsWorker, stopProcess } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'
import { startReceiver, type WebhookReceiver, webhookSecret } from './support/webhook-receiver.js'

// Webhooks over the shared queues: what one instance enqueued, another (or the same one
// restarted) delivers, at least once, and a killed instance loses nothing.
const _root = fileURLToPath(new URL('..', import.meta.url))
const workerPath = fileURLToPath(new URL('./support/webhook-worker.ts', import.meta.url))
const secret = webhookSecret()
const input = { name: 'hooked', ownerId: 'org_hooks', scopes: [], expiresIn: '30d' } as const

let redis: Redis
let pool: pg.Pool
const namespaces: string[] = []
const schemas: string[] = []
const open: Array<{ close(): Promise<void> }> = []

beforeAll(async () => {
  redis = await connectRedis()
  pool = await connectPostgres()
})
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})
afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespace(redis, namespace)
  for (const schema of schemas) await dropSchema(pool, schema)
  redis?.disconnect()
  await pool?.end()
})

/** A shared queue: `queue()` opens another instance on it, as another process would. */
interface Backend {
  queue(): WebhookQueue
  /** What a child process needs to reach the same queue. */
  env: Record<string, string>
}

const backends: Record<string, () => Promise<Backend>> = {
  redis: async () => {
    const namespace = testNamespace('webhooks')
    namespaces.push(namespace)
    return {
      queue: () => new RedisWebhookQueue(redis, { namespace }),
      env: { KEYWARD_REDIS_URL: REDIS_URL, KEYWARD_NAMESPACE: namespace },
    }
  },
  postgres: async () => {
    const schema = testSchema('webhooks')
    schemas.push(schema)
    await createSchema(pool, schema)
    return {
      queue: () => new PostgresWebhookQueue(pool, { schema }),
      env: { KEYWARD_DATABASE_URL: DATABASE_URL, KEYWARD_SCHEMA: schema },
    }
  },
}

async function receiver(answer?: (raw: string, index: number) => number): Promise<WebhookReceiver> {
  const started = await startReceiver(secret, answer)
  open.push(started)
  return started
}

function instance(queue: WebhookQueue, url: string, retryDelays = [0.05, 0.05, 0.05]): Keyward {
  const keyward = createKeyward({
    webhooks: { endpoints: [{ url, secret, id: 'main' }], queue, retryDelays, pollInterval: 0.05 },
  })
  open.push(keyward)
  return keyward
}

/** The `key.created` deliveries accepted, by key id. */
const createdKeyIds = (hooks: WebhookReceiver) =>
  hooks
    .accepted()
    .filter((r) => r.body.type === 'key.created')
    .map((r) => (r.body.data.key as { id: string }).id)

describe.each(Object.keys(backends))('webhooks on %s', (name) => {
  it('retries a 500 twice with the same webhook-id, and the event is accepted once', async () => {
    const backend = await backends[name]!()
    const hooks = await receiver((_raw, index) => (index < 2 ? 500 : 200))
    const keyward = instance(backend.queue(), hooks.url)
    await keyward.keys.create(input)
    const [accepted] = await hooks.waitForAccepted(1)
    expect(hooks.received.map((r) => [r.id, r.status, r.verified])).toEqual([
      [accepted!.id, 500, true],
      [accepted!.id, 500, true],
      [accepted!.id, 200, true],
    ])
    await sleep(300)
    expect(hooks.accepted()).toHaveLength(1)
    const log = await keyward.webhooks!.attempts('main')
    expect(log.map((a) => a.outcome)).toEqual(['delivered', 'retrying', 'retrying'])
  })

  it('loses nothing when the dispatcher is closed and a new one takes over the queue', async () => {
    const backend = await backends[name]!()
    let up = false
    const hooks = await receiver(() => (up ? 200 : 503))
    // Retries far apart: the first instance tries each event once, then is closed.
    const first = instance(backend.queue(), hooks.url, [0.2])
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await first.keys.create(input)).key.id)
    const deadline = Date.now() + 5_000
    while (hooks.received.length < 5 && Date.now() < deadline) await sleep(10)
    await first.close()
    const refused = new Set(hooks.received.map((r) => r.id))
    expect(refused.size).toBe(5)
    up = true
    instance(backend.queue(), hooks.url)
    await hooks.waitForAccepted(5)
    expect(createdKeyIds(hooks).sort()).toEqual(ids.sort())
    expect(new Set(hooks.accepted().map((r) => r.id))).toEqual(refused)
  })

  it('two instances on one queue deliver each event once', async () => {
    const backend = await backends[name]!()
    const hooks = await receiver()
    const a = instance(backend.queue(), hooks.url)
    const b = instance(backend.queue(), hooks.url)
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).keys.create(input)),
    )
    await hooks.waitForAccepted(20)
    await sleep(300)
    const ids = hooks.accepted().map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(createdKeyIds(hooks).sort()).toEqual(created.map((c) => c.key.id).sort())
  })

  it('an instance killed with SIGKILL mid-delivery loses nothing; a restart only repeats what was in flight', async () => {
    const backend = await backends[name]!()
    // Answers come 300 ms late, so the kill lands while attempts are in flight.
    const hooks = await startReceiver(secret, () => 200, { delayMs: 300 })
    open.push(hooks)
    const first = spawnWorker(hooks.url, backend.env, 20)
    const { enqueued } = await first.ready
    expect(enqueued).toHaveLength(20)
    const deadline = Date.now() + 10_000
    while (hooks.received.length < 1 && Date.now() < deadline) await sleep(1)
    process.kill(first.child.pid!, 'SIGKILL')
    await first.exited
    const beforeKill = new Set(hooks.received.map((r) => r.id))
    expect(beforeKill.size).toBeGreaterThan(0)
    const second = spawnWorker(hooks.url, backend.env, 0)
    await second.ready
    // Deliveries the killed instance had claimed come back when their lease (2 × 1 s + 5 s) ends.
    const until = Date.now() + 20_000
    while (new Set(createdKeyIds(hooks)).size < 20 && Date.now() < until) await sleep(50)
    await sleep(500)
    await stopProcess(second.child)
    expect(new Set(createdKeyIds(hooks))).toEqual(new Set(enqueued))
    expect(hooks.received.every((r) => r.verified)).toBe(true)
    const counts = new Map<string, number>()
    for (const r of hooks.accepted()) counts.set(r.id, (counts.get(r.id) ?? 0) + 1)
    const repeated = [...counts].filter(([, count]) => count > 1).map(([id]) => id)
    // A second copy only of what reached the receiver before the kill, and never a third.
    expect(repeated.every((id) => beforeKill.has(id))).toBe(true)
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2)
    expect(repeated.length).toBeGreaterThan(0)
  }, 40_000)
})

/** Starts `test/support/webhook-worker.ts`; `ready` resolves with its first line. */
function spawnWorker(url: string, env: Record<string, string>, create: number) {
  const worker = spawnTsWorker(workerPath, {
    ...env,
    WEBHOOK_URL: url,
    WEBHOOK_SECRET: secret,
    WEBHOOK_CREATE: String(create),
  })
  open.push({ close: () => stopProcess(worker.child) })
  return { ...worker, ready: worker.ready as Promise<{ enqueued: string[] }> }
}
