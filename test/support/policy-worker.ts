/**
 * A Keyward instance running lifecycle policies in its own process, for the crash test of
 * `test/policies-crash.test.ts`: keys, revocations, audit log, policy queue and webhook queue
 * all in Redis (`KEYWARD_REDIS_URL` + `KEYWARD_NAMESPACE`) or PostgreSQL
 * (`KEYWARD_DATABASE_URL` + `KEYWARD_SCHEMA`), its clock `POLICY_CLOCK_OFFSET` ms ahead of the
 * machine's, reminders one day before expiry sent to `WEBHOOK_URL`. Prints `{"ready":true}`
 * once started, then acts on due jobs every 20 ms until SIGTERM (it closes cleanly) or SIGKILL
 * (it does not).
 */
import {
  type AuditLog,
  createKeyward,
  type RevocationList,
  type TokenStore,
  type WebhookQueue,
} from '@keyward/core'
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
import { Redis } from 'ioredis'
import pg from 'pg'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`policy-worker needs ${name}`)
  return value
}

interface Backends {
  store: TokenStore
  revocations: RevocationList
  log: AuditLog
  policyQueue: WebhookQueue
  webhookQueue: WebhookQueue
  close(): Promise<void>
}

function backends(): Backends {
  const databaseUrl = process.env.KEYWARD_DATABASE_URL
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
    const schema = env('KEYWARD_SCHEMA')
    return {
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, { schema }),
      log: new PostgresAuditLog(pool, { schema }),
      policyQueue: new PostgresWebhookQueue(pool, { schema, queue: 'policies' }),
      webhookQueue: new PostgresWebhookQueue(pool, { schema }),
      close: () => pool.end(),
    }
  }
  const redis = new Redis(env('KEYWARD_REDIS_URL'))
  const namespace = env('KEYWARD_NAMESPACE')
  return {
    store: new RedisTokenStore(redis, { namespace }),
    revocations: new RedisRevocationList(redis, { namespace }),
    log: new RedisAuditLog(redis, { namespace }),
    policyQueue: new RedisWebhookQueue(redis, { namespace, queue: 'policies' }),
    webhookQueue: new RedisWebhookQueue(redis, { namespace }),
    close: async () => redis.disconnect(),
  }
}

const offset = Number(env('POLICY_CLOCK_OFFSET'))
const opened = backends()
const keyward = createKeyward({
  prefix: 'kw_test',
  store: opened.store,
  revocations: opened.revocations,
  now: () => Date.now() + offset,
  audit: { log: opened.log },
  policies: { queue: opened.policyQueue, expiryReminders: ['1d'], interval: 0.02 },
  webhooks: {
    endpoints: [{ url: env('WEBHOOK_URL'), secret: env('WEBHOOK_SECRET') }],
    queue: opened.webhookQueue,
    timeout: 1,
    pollInterval: 0.05,
  },
})
await keyward.ready()
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)

process.once('SIGTERM', async () => {
  await keyward.close()
  await opened.close()
  process.exit(0)
})
