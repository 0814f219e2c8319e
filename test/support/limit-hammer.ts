/**
 * One process hammering one key's limits through a `RedisLimiter`, for the cross-process
 * limit tests and the bench: `HAMMER` is JSON `{ redisUrl, namespace, mode, budget, record,
 * requests, concurrency, now }`; it waits for `go` on stdin (so every process starts
 * together), then prints `{ admitted, rateLimited, usageExceeded, failed }` and exits.
 */
import { createInterface } from 'node:readline'
import { isKeywardError, type KeyRecord } from '@keyward/core'
import { limitPolicyOf } from '@keyward/core/adapter'
import { RedisLimiter } from '@keyward/redis'
import { Redis } from 'ioredis'

const config = JSON.parse(process.env.HAMMER ?? '{}') as {
  redisUrl: string
  namespace: string
  mode: 'exact' | 'approximate'
  budget?: number
  record: Pick<KeyRecord, 'id' | 'expiresAt' | 'rateLimits' | 'credits'>
  requests: number
  concurrency: number
  now?: number
}
const redis = new Redis(config.redisUrl, { lazyConnect: true })
await redis.connect()
const fixed = config.now
const limiter = new RedisLimiter(redis, {
  namespace: config.namespace,
  mode: config.mode,
  ...(config.budget === undefined ? {} : { budget: config.budget }),
  ...(fixed === undefined ? {} : { now: () => fixed }),
})
const policy = limitPolicyOf(config.record, undefined)!
const counts = { admitted: 0, rateLimited: 0, usageExceeded: 0, failed: 0 }

await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once('line', () => resolve())
  process.stdout.write('ready\n')
})
let next = 0
async function lane(): Promise<void> {
  while (next < config.requests) {
    next++
    try {
      const outcome = await limiter.consume(policy, 1, fixed ?? Date.now())
      if (outcome.refused === undefined) counts.admitted++
      else if (outcome.refused === 'rate_limited') counts.rateLimited++
      else counts.usageExceeded++
    } catch (error) {
      counts.failed++
      if (!isKeywardError(error)) throw error
    }
  }
}
await Promise.all(Array.from({ length: config.concurrency }, lane))
await limiter.close()
process.stdout.write(`${JSON.stringify(counts)}\n`)
redis.disconnect()
