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

/** Lets approximate mode's background reconciliation (every `syncInterval`, 20 ms) land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150))

it('approximate mode: a limit whose window length changed counts in its own new windows', async () => {
  const redis = await connect()
  let now = T0
  const limiter = new RedisLimiter(redis, {
    namespace: testNamespace(),
    now: () => now,
    mode: 'approximate',
    budget: 1,
  })
  const record = { id: 'key_approxwindow', expiresAt: T0 + 86_400_000 }
  const short = limitPolicyOf(
    { ...record, rateLimits: [{ name: 'burst', limit: 1, window: 2_000 }] },
    [],
  )!
  const long = limitPolicyOf(
    { ...record, rateLimits: [{ name: 'burst', limit: 1, window: 3_000 }] },
    [],
  )!
  expect((await limiter.consume(short, 1, now)).refused).toBeUndefined()
  await settle()
  // Each later 3 s window admits exactly one: the 2 s window's larger index never stands in.
  for (const start of [T0 + 3_000, T0 + 6_000, T0 + 9_000]) {
    now = start
    expect((await limiter.consume(long, 1, now)).refused, `at +${now - T0}`).toBeUndefined()
    expect((await limiter.consume(long, 1, now)).refused, `at +${now - T0}`).toBe('rate_limited')
    await settle()
  }
  await limiter.close()
})

it('approximate mode: a new credit grant replaces a spent balance at once', async () => {
  const redis = await connect()
  const namespace = testNamespace()
  const limiter = new RedisLimiter(redis, {
    namespace,
    now: () => T0,
    mode: 'approximate',
    budget: 1,
  })
  const record = { id: 'key_approxgrant', expiresAt: T0 + 86_400_000 }
  const first = limitPolicyOf({ ...record, credits: { remaining: 1, grantedAt: T0 - 10 } }, [])!
  const second = limitPolicyOf({ ...record, credits: { remaining: 3, grantedAt: T0 - 5 } }, [])!
  expect((await limiter.consume(first, 1, T0)).refused).toBeUndefined()
  await settle()
  expect((await limiter.consume(first, 1, T0)).refused).toBe('usage_exceeded')
  // Granted anew: 3 credits, not the spent 0 of the old grant.
  for (let i = 0; i < 3; i++) {
    const outcome = await limiter.consume(second, 1, T0)
    expect(outcome.refused, `request ${i + 1}`).toBeUndefined()
  }
  expect((await limiter.consume(second, 1, T0)).refused).toBe('usage_exceeded')
  await settle()
  // What Redis holds: the new grant, all three charged, nothing below zero.
  const exact = new RedisLimiter(redis, { namespace, now: () => T0 })
  expect((await exact.consume(second, 0, T0)).credits).toBe(0)
  await limiter.close()
})
