import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type KeyRecord, UnavailableError } from '@keyward/core'
import { limitPolicyOf } from '@keyward/core/adapter'
import { RedisLimiter } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { stopProcess, track } from './support/processes.js'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const root = fileURLToPath(new URL('..', import.meta.url))
const T0 = Date.UTC(2026, 10, 26) + 15_000
const PROCESSES = 4

interface Counts {
  admitted: number
  rateLimited: number
  usageExceeded: number
  failed: number
}

let serial = 0
const record = (
  fields: Partial<Pick<KeyRecord, 'rateLimits' | 'credits'>>,
): Pick<KeyRecord, 'id' | 'expiresAt' | 'rateLimits' | 'credits'> => ({
  id: `key_test${process.pid}x${Date.now()}x${serial++}`,
  expiresAt: Date.now() + 86_400_000,
  ...fields,
})

/** Starts `PROCESSES` hammers on one key, releases them together, sums their counts. */
async function hammer(config: Record<string, unknown>): Promise<Counts> {
  const children: ChildProcess[] = []
  const results: Promise<Counts>[] = []
  const ready: Promise<void>[] = []
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/limit-hammer.ts'], {
      cwd: root,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: 'tsconfig.test.json',
        HAMMER: JSON.stringify({ redisUrl, namespace: 'keyward-limits-test', ...config }),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    track(child)
    children.push(child)
    const lines = createInterface({ input: child.stdout! })
    const iterator = lines[Symbol.asyncIterator]()
    ready.push(iterator.next().then(() => undefined))
    results.push(iterator.next().then((line) => JSON.parse(String(line.value)) as Counts))
  }
  await Promise.all(ready)
  for (const child of children) child.stdin!.write('go\n')
  try {
    const all = await Promise.all(results)
    return all.reduce((sum, counts) => ({
      admitted: sum.admitted + counts.admitted,
      rateLimited: sum.rateLimited + counts.rateLimited,
      usageExceeded: sum.usageExceeded + counts.usageExceeded,
      failed: sum.failed + counts.failed,
    }))
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)))
  }
}

describe('RedisLimiter across processes', () => {
  const redis = new Redis(redisUrl, { lazyConnect: true })
  afterAll(() => redis.disconnect())

  it(`exact mode: ${PROCESSES} processes on one key admit exactly the limit per window`, async () => {
    const counts = await hammer({
      mode: 'exact',
      now: T0,
      record: record({ rateLimits: [{ name: 'default', limit: 150, window: 60_000 }] }),
      requests: 100,
      concurrency: 8,
    })
    expect(counts).toEqual({ admitted: 150, rateLimited: 250, usageExceeded: 0, failed: 0 })
  }, 30_000)

  it('exact mode: credits are spent exactly once each and never go below zero', async () => {
    const key = record({ credits: { remaining: 123, grantedAt: T0 - 1 } })
    const counts = await hammer({
      mode: 'exact',
      now: T0,
      record: key,
      requests: 60,
      concurrency: 8,
    })
    expect(counts).toEqual({ admitted: 123, rateLimited: 0, usageExceeded: 117, failed: 0 })
    await redis.connect().catch(() => {})
    const balance = await redis.hget(`{keyward-limits-test}:limits:${key.id}`, 'cb')
    expect(balance).toBe('0')
  }, 30_000)

  it('approximate mode stays within its documented bound (2 × budget × limit per instance)', async () => {
    const limit = 200
    const budget = 0.05
    const counts = await hammer({
      mode: 'approximate',
      budget,
      now: T0,
      record: record({ rateLimits: [{ name: 'default', limit, window: 60_000 }] }),
      requests: 150,
      concurrency: 8,
    })
    expect(counts.failed).toBe(0)
    expect(counts.admitted).toBeGreaterThanOrEqual(limit)
    expect(counts.admitted).toBeLessThanOrEqual(limit + PROCESSES * 2 * budget * limit)
  }, 30_000)
})

describe('RedisLimiter', () => {
  it('refills credits and opens new windows on time (injected clock)', async () => {
    const redis = new Redis(redisUrl)
    try {
      const clock = { now: T0 }
      const limiter = new RedisLimiter(redis, {
        namespace: 'keyward-limits-test',
        now: () => clock.now,
      })
      const policy = limitPolicyOf(
        record({
          rateLimits: [{ name: 'default', limit: 2, window: 60_000 }],
          credits: { remaining: 3, grantedAt: T0, refill: { amount: 2, interval: 3_600_000 } },
        }),
        undefined,
      )!
      const refusal = async () => (await limiter.consume(policy, 1, clock.now)).refused
      expect(await refusal()).toBeUndefined()
      expect(await refusal()).toBeUndefined()
      expect(await refusal()).toBe('rate_limited')
      clock.now = T0 + 45_000 // next minute
      const outcome = await limiter.consume(policy, 1, clock.now)
      expect(outcome).toMatchObject({ refused: undefined, credits: 0, remaining: [1] })
      expect(await refusal()).toBe('usage_exceeded')
      clock.now = T0 + 3_600_000 // the refill, in a new window
      expect(await limiter.consume(policy, 2, clock.now)).toMatchObject({
        refused: undefined,
        credits: 0,
      })
      expect(await refusal()).toBe('rate_limited')
    } finally {
      redis.disconnect()
    }
  })

  it('fails closed when Redis is unreachable, or open for limits when told', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null })
    down.on('error', () => {})
    const policy = limitPolicyOf(
      record({ rateLimits: [{ name: 'default', limit: 1, window: 1000 }] }),
      undefined,
    )!
    await expect(new RedisLimiter(down).consume(policy, 1, T0)).rejects.toBeInstanceOf(
      UnavailableError,
    )
    const open = new RedisLimiter(down, { onUnavailable: 'allow' })
    expect(await open.consume(policy, 1, T0)).toMatchObject({ refused: undefined })
    const approximate = new RedisLimiter(down, { mode: 'approximate' })
    await expect(approximate.consume(policy, 1, T0)).rejects.toBeInstanceOf(UnavailableError)
    down.disconnect()
  })
})
