import { MemoryLimiter } from '@keyward/core'
import { RedisLimiter } from '@keyward/redis'
import { describe, it } from 'vitest'
import { checkLimits, type LimitsCheckOptions } from './support/limits-model.js'
import { connectRedis, deleteNamespace, testNamespace } from './support/redis-namespace.js'

// Issue 14 as a stateful property: random sequences of verifications (with a per-call cost,
// through a route guard costing more, for a scope the key lacks), clock moves (within a
// window, to window and refill boundaries, and none at all, so changes meet in one
// millisecond), changes of the key's rateLimits and credits, and revocation, run against one
// key of a real Keyward and a plain model of the README's "Limits per key". Every answer must
// admit or refuse as the model says, with its RateLimit-Policy and RateLimit values.

async function run(limiter: LimitsCheckOptions['limiter'], numRuns: number, label: string) {
  const stats = { runs: 0, commands: 0 }
  try {
    await checkLimits({ limiter, numRuns, maxCommands: 20, stats })
  } finally {
    console.log(`limits model (${label}): ${stats.runs} sequences, ${stats.commands} commands`)
  }
}

describe('per-key limits and credits follow their model', () => {
  it('on the in-process MemoryLimiter', async () => {
    await run(async () => ({ limiter: new MemoryLimiter(), close: async () => {} }), 100, 'memory')
  }, 30_000)

  it('on a RedisLimiter in exact mode (injected clock, a namespace per run)', async () => {
    const redis = await connectRedis()
    try {
      await run(
        async (clock) => {
          const namespace = testNamespace('limits-model')
          const limiter = new RedisLimiter(redis, { namespace, now: () => clock.now })
          return { limiter, close: async () => void (await deleteNamespace(redis, namespace)) }
        },
        30,
        'redis',
      )
    } finally {
      await redis.quit()
    }
  }, 30_000)
})
