import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import {
  createKeyward,
  DEPLOYMENT_USAGE_ID,
  generateToken,
  type Keyward,
  type UsageBackend,
} from '@keyward/core'
import { PostgresRevocationList, PostgresTokenStore, PostgresUsageBackend } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore, RedisUsageBackend } from '@keyward/redis'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectPostgres,
  createSchema,
  DATABASE_URL,
  dropSchema,
  testSchema,
} from './support/postgres-schema.js'
import { sleep, stopProcess, track } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'

// Several Keyward instances, each in its own process, sharing Redis or PostgreSQL for keys,
// revocations and usage: each counts in memory and flushes in batches, and the totals read
// back are exact. A crash (SIGKILL) loses what was counted since that instance's last flush.

const root = fileURLToPath(new URL('..', import.meta.url))
const workerPath = fileURLToPath(new URL('./support/usage-worker.ts', import.meta.url))

interface UsageWorker {
  child: ChildProcess
  /** Sends a plan; resolves to the worker's reply (`undefined` when it died first). */
  run(plan: unknown): Promise<{ outcomes: Record<string, number> } | undefined>
}

async function startWorker(env: Record<string, string>): Promise<UsageWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.test.json', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  track(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const lines: string[] = []
  const waiters: ((line: string | undefined) => void)[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiters.shift()
    if (waiter) waiter(line)
    else lines.push(line)
  })
  child.once('exit', () => {
    for (const waiter of waiters.splice(0)) waiter(undefined)
  })
  const next = () =>
    new Promise<string | undefined>((resolve) => {
      const line = lines.shift()
      if (line !== undefined) resolve(line)
      else if (child.exitCode !== null || child.signalCode !== null) resolve(undefined)
      else waiters.push(resolve)
    })
  const ready = await next()
  if (ready === undefined) throw new Error(`usage worker exited before it was ready:\n${stderr}`)
  return {
    child,
    async run(plan) {
      child.stdin!.write(`${JSON.stringify(plan)}\n`)
      const line = await next()
      return line === undefined ? undefined : JSON.parse(line)
    },
  }
}

/** Sums a key's day buckets of today and yesterday. */
async function totals(keyward: Keyward, keyId: string): Promise<Record<string, number>> {
  const to = Date.now() + 60_000
  const { buckets } = await keyward.usage!.get(keyId, {
    from: to - 2 * 86_400_000,
    to,
    granularity: 'minute',
  })
  const sum: Record<string, number> = {}
  for (const bucket of buckets) {
    for (const [outcome, n] of Object.entries(bucket.outcomes))
      sum[outcome] = (sum[outcome] ?? 0) + n
  }
  return sum
}

interface Shared {
  keyward: Keyward
  backend: UsageBackend
  env: Record<string, string>
}

function usageAcrossProcesses(name: string, shared: () => Shared) {
  describe(`usage across processes sharing ${name}`, () => {
    it('adds every instance’s counts exactly, per key and outcome, after their flushes', async () => {
      const { keyward, env } = shared()
      const create = (input: Record<string, unknown> = {}) =>
        keyward.keys.create({
          name: 'k',
          ownerId: 'org_u',
          scopes: ['projects:read'],
          expiresIn: '1d',
          ...input,
        })
      const valid = await create()
      const revoked = await create()
      const limited = await create({ rateLimits: [{ name: 'burst', limit: 2, window: '1h' }] })
      await keyward.keys.revoke(revoked.key.id)
      const unknown = generateToken('kw_test')
      const plan = {
        requests: [
          { token: valid.token, times: 40 },
          { token: valid.token, scopes: ['projects:write'], times: 5 },
          { token: revoked.token, times: 7 },
          // Each instance counts rate limits in its own memory: 2 admitted, 3 refused.
          { token: limited.token, times: 5 },
          { token: unknown, times: 4 },
          { token: 'kw_test_nope', times: 3 },
        ],
        after: 'close',
      }
      const workers = await Promise.all([1, 2, 3].map(() => startWorker(env)))
      const replies = await Promise.all(workers.map((worker) => worker.run(plan)))
      for (const reply of replies) {
        expect(reply?.outcomes).toMatchObject({
          valid: 42,
          insufficient_scope: 5,
          revoked_token: 7,
          rate_limited: 3,
          unknown_token: 4,
          malformed_token: 3,
        })
      }
      expect(await totals(keyward, valid.key.id)).toEqual({ valid: 120, insufficient_scope: 15 })
      expect(await totals(keyward, revoked.key.id)).toEqual({ revoked_token: 21 })
      expect(await totals(keyward, limited.key.id)).toEqual({ valid: 6, rate_limited: 9 })
      // The deployment's counts are shared by every test on this namespace or schema.
      const deployment = await totals(keyward, DEPLOYMENT_USAGE_ID)
      expect(deployment).toEqual({ unknown_token: 12, malformed_token: 9 })
      expect(await keyward.keys.get(valid.key.id)).toMatchObject({
        lastUsed: { ip: '203.0.113.9' },
        recentIps: [{ ip: '203.0.113.9' }],
      })
    })

    it('loses at most what was counted since the last flush when an instance is killed', async () => {
      const { keyward, env } = shared()
      const { token, key } = await keyward.keys.create({
        name: 'k',
        ownerId: 'org_u',
        scopes: [],
        expiresIn: '1d',
      })
      const worker = await startWorker({ ...env, KEYWARD_FLUSH_INTERVAL: '200' })
      expect(await worker.run({ requests: [{ token, times: 40 }], after: 'report' })).toEqual({
        outcomes: { valid: 40 },
      })
      // The timer flushes by itself within the interval; wait (bounded) until it has.
      for (let n = 0; n < 100 && (await totals(keyward, key.id)).valid !== 40; n++) await sleep(50)
      expect(await totals(keyward, key.id)).toEqual({ valid: 40 })
      // 25 more, then SIGKILL before the next flush: exactly those are lost.
      expect(await worker.run({ requests: [{ token, times: 25 }], after: 'crash' })).toBeUndefined()
      expect(worker.child.signalCode).toBe('SIGKILL')
      expect(await totals(keyward, key.id)).toEqual({ valid: 40 })
      await stopProcess(worker.child)
    })
  })
}

let redis: Redis
const namespace = testNamespace('usage')
let redisShared: Shared
let pool: pg.Pool
const schema = testSchema('usage')
let postgresShared: Shared

beforeAll(async () => {
  redis = await connectRedis()
  const redisBackend = new RedisUsageBackend(redis, { namespace })
  redisShared = {
    backend: redisBackend,
    keyward: createKeyward({
      prefix: 'kw_test',
      store: new RedisTokenStore(redis, { namespace }),
      revocations: new RedisRevocationList(redis, { namespace }),
      usage: { backend: redisBackend },
    }),
    env: { KEYWARD_REDIS_URL: REDIS_URL, KEYWARD_NAMESPACE: namespace },
  }
  pool = await connectPostgres()
  await createSchema(pool, schema)
  const postgresBackend = new PostgresUsageBackend(pool, { schema })
  postgresShared = {
    backend: postgresBackend,
    keyward: createKeyward({
      prefix: 'kw_test',
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, { schema }),
      usage: { backend: postgresBackend },
    }),
    env: { KEYWARD_DATABASE_URL: DATABASE_URL, KEYWARD_SCHEMA: schema },
  }
  await Promise.all([redisShared.keyward.ready(), postgresShared.keyward.ready()])
})

afterAll(async () => {
  await redisShared?.keyward.close()
  await postgresShared?.keyward.close()
  if (redis) {
    await deleteNamespace(redis, namespace)
    await redis.quit()
  }
  if (pool) {
    await dropSchema(pool, schema)
    await pool.end()
  }
})

usageAcrossProcesses('Redis', () => redisShared)
usageAcrossProcesses('PostgreSQL', () => postgresShared)
