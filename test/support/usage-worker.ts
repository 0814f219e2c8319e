/**
 * A Keyward instance in its own process for the usage tests: it shares a store, revocation
 * list and usage backend (Redis, or PostgreSQL with `KEYWARD_DATABASE_URL`) with the others,
 * reads one plan per stdin line (`{ requests: [{ token, scopes?, times }], after }`), makes
 * those verifications and then, per `after`: `'close'` (flushes on `close()`, replies, exits),
 * `'report'` (replies and waits) or `'crash'` (kills itself with SIGKILL, replying nothing).
 * Configured by `KEYWARD_REDIS_URL`, `KEYWARD_NAMESPACE`, `KEYWARD_DATABASE_URL`,
 * `KEYWARD_SCHEMA` and `KEYWARD_FLUSH_INTERVAL` (ms).
 */
import { createInterface } from 'node:readline'
import { createKeyward, isKeywardError } from '@keyward/core'
import { PostgresRevocationList, PostgresTokenStore, PostgresUsageBackend } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore, RedisUsageBackend } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'

const databaseUrl = process.env.KEYWARD_DATABASE_URL
const schema = process.env.KEYWARD_SCHEMA ?? 'public'
const namespace = process.env.KEYWARD_NAMESPACE ?? 'keyward'
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 2 }) : undefined
pool?.on('error', () => {})
const redis = pool
  ? undefined
  : new Redis(process.env.KEYWARD_REDIS_URL ?? 'redis://127.0.0.1:6379')
const keyward = createKeyward({
  prefix: 'kw_test',
  store: pool
    ? new PostgresTokenStore(pool, { schema })
    : new RedisTokenStore(redis!, { namespace }),
  revocations: pool
    ? new PostgresRevocationList(pool, { schema, onError: () => {} })
    : new RedisRevocationList(redis!, { namespace }),
  usage: {
    backend: pool
      ? new PostgresUsageBackend(pool, { schema })
      : new RedisUsageBackend(redis!, { namespace }),
    flushInterval: Number(process.env.KEYWARD_FLUSH_INTERVAL ?? 5_000),
  },
  onError: () => {},
})

interface Plan {
  requests: { token: string; scopes?: string[]; times: number }[]
  after: 'close' | 'report' | 'crash'
}

const reply = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`)

createInterface({ input: process.stdin }).on('line', async (line) => {
  const plan = JSON.parse(line) as Plan
  const outcomes: Record<string, number> = {}
  for (const { token, scopes, times } of plan.requests) {
    for (let n = 0; n < times; n++) {
      let code = 'valid'
      try {
        await keyward.verify(token, { ...(scopes && { scopes }), clientIp: '203.0.113.9' })
      } catch (error) {
        code = isKeywardError(error) ? error.code : String(error)
      }
      outcomes[code] = (outcomes[code] ?? 0) + 1
    }
  }
  if (plan.after === 'crash') process.kill(process.pid, 'SIGKILL')
  if (plan.after === 'close') {
    await keyward.close()
    redis?.disconnect()
    await pool?.end()
  }
  reply({ outcomes })
  if (plan.after === 'close') process.exit(0)
})

await keyward.ready()
reply({ ready: true })
process.stdin.once('end', () => process.exit(0))
