/**
 * A Keyward instance with webhooks in its own process, for the crash tests: it creates
 * `WEBHOOK_CREATE` keys, waits until their events are in the shared queue, prints
 * `{"enqueued":[…key ids]}` on a line, then goes on delivering until SIGTERM (it closes
 * cleanly) or SIGKILL (it does not).
 *
 * Configured by `WEBHOOK_URL`, `WEBHOOK_SECRET`, and `KEYWARD_REDIS_URL` + `KEYWARD_NAMESPACE`
 * or `KEYWARD_DATABASE_URL` + `KEYWARD_SCHEMA` for the queue.
 */
import { createKeyward, type WebhookQueue } from '@keyward/core'
import { PostgresWebhookQueue } from '@keyward/postgres'
import { RedisWebhookQueue } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`webhook-worker needs ${name}`)
  return value
}

const databaseUrl = process.env.KEYWARD_DATABASE_URL
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 4 }) : undefined
const redis = pool ? undefined : new Redis(env('KEYWARD_REDIS_URL'))
const queue: WebhookQueue = pool
  ? new PostgresWebhookQueue(pool, { schema: env('KEYWARD_SCHEMA') })
  : new RedisWebhookQueue(redis!, { namespace: env('KEYWARD_NAMESPACE') })

const keyward = createKeyward({
  prefix: 'kw_test',
  webhooks: {
    endpoints: [{ url: env('WEBHOOK_URL'), secret: env('WEBHOOK_SECRET') }],
    queue,
    timeout: 1,
    pollInterval: 0.05,
    retryDelays: [0.1, 0.1, 0.1],
  },
})

const ids: string[] = []
for (let i = 0; i < Number(process.env.WEBHOOK_CREATE ?? 0); i++) {
  const { key } = await keyward.keys.create({
    name: `crash ${i}`,
    ownerId: 'org_crash',
    scopes: [],
    expiresIn: '1d',
  })
  ids.push(key.id)
}
await keyward.webhooks!.flush()
process.stdout.write(`${JSON.stringify({ enqueued: ids })}\n`)

process.once('SIGTERM', async () => {
  await keyward.close()
  await pool?.end()
  redis?.disconnect()
  process.exit(0)
})
