import { fileURLToPath } from 'node:url'
import { type AuditLog, createKeyward, type Keyward } from '@keyward/core'
import {
  PostgresAuditLog,
  PostgresRevocationList,
  PostgresTokenStore,
  PostgresWebhookQueue,
} from '@keyward/postgres'
import {
  RedisAuditLog,
  RedisRevocationList,
  RedisTokenStore,
  RedisWebhookQueue,
} from '@keyward/redis'
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
import { startReceiver, webhookSecret } from './support/webhook-receiver.js'

// Lifecycle policies across a crash (issue 24): the instance acting on reminders is killed
// with SIGKILL while it works; a restarted one finishes. Every key's reminder is in the audit
// log exactly once and reached the receiver under one webhook-id: nothing lost, nothing repeated.

const _root = fileURLToPath(new URL('..', import.meta.url))
const workerPath = fileURLToPath(new URL('./support/policy-worker.ts', import.meta.url))
const secret = webhookSecret()
const DAY = 86_400_000
const KEYS = 60
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

/** The app that creates the keys (its own clock: nothing of theirs is due), and the worker's env. */
interface Deployment {
  app: Keyward
  log: AuditLog
  env: Record<string, string>
}

const deployments: Record<string, () => Promise<Deployment>> = {
  redis: async () => {
    const namespace = testNamespace('policy-crash')
    namespaces.push(namespace)
    const log = new RedisAuditLog(redis, { namespace })
    const app = createKeyward({
      prefix: 'kw_test',
      store: new RedisTokenStore(redis, { namespace }),
      revocations: new RedisRevocationList(redis, { namespace }),
      audit: { log },
      policies: {
        queue: new RedisWebhookQueue(redis, { namespace, queue: 'policies' }),
        expiryReminders: ['1d'],
      },
    })
    return { app, log, env: { KEYWARD_REDIS_URL: REDIS_URL, KEYWARD_NAMESPACE: namespace } }
  },
  postgres: async () => {
    const schema = testSchema('policy_crash')
    schemas.push(schema)
    await createSchema(pool, schema)
    const log = new PostgresAuditLog(pool, { schema })
    const app = createKeyward({
      prefix: 'kw_test',
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, { schema }),
      audit: { log },
      policies: {
        queue: new PostgresWebhookQueue(pool, { schema, queue: 'policies' }),
        expiryReminders: ['1d'],
      },
    })
    return { app, log, env: { KEYWARD_DATABASE_URL: DATABASE_URL, KEYWARD_SCHEMA: schema } }
  },
}

/** Starts `test/support/policy-worker.ts`, its clock `offset` ms ahead; `ready` once it says so. */
function spawnWorker(url: string, env: Record<string, string>, offset: number) {
  const worker = spawnTsWorker(workerPath, {
    ...env,
    WEBHOOK_URL: url,
    WEBHOOK_SECRET: secret,
    POLICY_CLOCK_OFFSET: String(offset),
  })
  open.push({ close: () => stopProcess(worker.child) })
  return worker
}

/** Every `expiring` event of `org_crash` in the log (one page holds them all). */
async function reminders(log: AuditLog) {
  const { events } = await log.list({ ownerId: 'org_crash', type: 'expiring', limit: 100 })
  return events
}

describe.each(Object.keys(deployments))('policies on %s across a SIGKILL', (name) => {
  it('every reminder is audited once and delivered under one webhook-id', async () => {
    const { app, log, env } = await deployments[name]!()
    open.push(app)
    const hooks = await startReceiver(secret)
    open.push(hooks)
    const ids: string[] = []
    for (let i = 0; i < KEYS; i++) {
      const input = { name: `k${i}`, ownerId: 'org_crash', scopes: [], expiresIn: '2d' }
      ids.push((await app.keys.create(input)).key.id)
    }
    await app.policies!.flush()

    // A day and an hour on: every key's reminder is due. Killed once the first are stored.
    const first = spawnWorker(hooks.url, env, DAY + 3_600_000)
    await first.ready
    const deadline = Date.now() + 15_000
    while ((await reminders(log)).length === 0 && Date.now() < deadline) await sleep(1)
    process.kill(first.child.pid!, 'SIGKILL')
    await first.exited
    const beforeKill = (await reminders(log)).length
    expect(beforeKill).toBeGreaterThan(0)

    // Six minutes later still: jobs the killed one had claimed are past their lease (5 min).
    const second = spawnWorker(hooks.url, env, DAY + 3_600_000 + 6 * 60_000)
    await second.ready
    // Deliveries the killed one had claimed come back when their lease (2 × 1 s + 5 s) ends.
    const until = Date.now() + 45_000
    const delivered = () =>
      new Set(
        hooks
          .accepted()
          .filter((hook) => hook.body.type === 'key.expiring')
          .map((hook) => (hook.body.data.key as { id: string }).id),
      )
    while (
      ((await reminders(log)).length < KEYS || delivered().size < KEYS) &&
      Date.now() < until
    ) {
      await sleep(50)
    }
    await sleep(300)
    await stopProcess(second.child)

    const audited = await reminders(log)
    const why = `worker output:\n${first.stderr()}\n${second.stderr()}`
    expect(audited.map((event) => event.keyId).sort(), why).toEqual([...ids].sort())
    expect(new Set(audited.map((event) => event.id)).size).toBe(KEYS)
    expect(hooks.received.every((hook) => hook.verified)).toBe(true)
    expect(delivered(), why).toEqual(new Set(ids))
    const expiring = hooks.accepted().filter((hook) => hook.body.type === 'key.expiring')
    // One webhook-id per key, whichever instance sent it and however often.
    const byKey = new Map<string, Set<string>>()
    for (const hook of expiring) {
      const keyId = (hook.body.data.key as { id: string }).id
      byKey.set(keyId, (byKey.get(keyId) ?? new Set()).add(hook.id))
    }
    expect([...byKey.values()].every((webhookIds) => webhookIds.size === 1)).toBe(true)
    console.log(
      `policies on ${name}: ${beforeKill} of ${KEYS} reminders stored before the SIGKILL; ` +
        `${expiring.length} deliveries for ${KEYS} reminders`,
    )
  }, 100_000)
})
