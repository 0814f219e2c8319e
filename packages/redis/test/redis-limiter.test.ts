import { limitPolicyOf } from '@keyward/core/adapter'
import { afterAll, expect, it } from 'vitest'
import { RedisLimiter } from '../src/index.js'
import { cleanUp, connect, testNamespace } from './support.js'

afterAll(cleanUp)

// Whole minutes, near the real time: the counters expire by Redis's own clock.
const T0 = Math.floor(Date.now() / 60_000) * 60_000

it('counts a limit whose window was changed (same name) from the change on, not never', async () => {
  const redis = await connect()
  const limiter = new RedisLimiter(redis, { namespace: testNamespace(), now: () => T0 })
  const record = { id: 'key_windowchange', expiresAt: T0 + 86_400_000 }
  const short = limitPolicyOf(
    { ...record, rateLimits: [{ name: 'burst', limit: 1, window: 2_000 }] },
    [],
  )!
  const long = limitPolicyOf(
    { ...record, rateLimits: [{ name: 'burst', limit: 1, window: 3_000 }] },
    [],
  )!
  expect((await limiter.consume(short, 1, T0)).refused).toBeUndefined()
  // The 2 s window's index is above the 3 s one's: it was taken for a later window, and the
  // 3 s limit was never written, so never enforced.
  expect((await limiter.consume(long, 1, T0)).refused).toBeUndefined()
  const third = await limiter.consume(long, 1, T0)
  expect(third.refused).toBe('rate_limited')
})
