import { describe, expect, it } from 'vitest'
import { type LimitPolicy, limitPolicyOf } from '../limits/policy.js'
import type { KeyCredits, RateLimit } from '../types.js'
import { MemoryLimiter } from './memory-limiter.js'

const T0 = Date.UTC(2026, 10, 26) // a multiple of every window below
const SECOND = 1_000
const HOUR = 3_600_000

function policy(id: string, rateLimits: readonly RateLimit[], credits?: KeyCredits): LimitPolicy {
  const record = { id, expiresAt: T0 + 30 * 24 * HOUR, rateLimits: [...rateLimits] }
  return limitPolicyOf(credits === undefined ? record : { ...record, credits }, undefined)!
}

const burstAndHour = policy('key_1', [
  { name: 'burst', limit: 2, window: SECOND },
  { name: 'hour', limit: 3, window: HOUR },
])

describe('MemoryLimiter', () => {
  it('charges every rate limit at once and refuses having charged nothing', () => {
    const limiter = new MemoryLimiter()
    expect(limiter.consume(burstAndHour, 1, T0)).toMatchObject({
      refused: undefined,
      remaining: [1, 2],
      resets: [SECOND, HOUR],
    })
    expect(limiter.consume(burstAndHour, 1, T0 + 10)).toMatchObject({ remaining: [0, 1] })
    expect(limiter.consume(burstAndHour, 1, T0 + 20)).toMatchObject({
      refused: 'rate_limited',
      remaining: [0, 1],
    })
    // The refusal took nothing from the hourly limit: one unit is still there next second.
    expect(limiter.consume(burstAndHour, 1, T0 + SECOND)).toMatchObject({
      refused: undefined,
      remaining: [1, 0],
      resets: [SECOND, HOUR - SECOND],
    })
    expect(limiter.consume(burstAndHour, 1, T0 + 2 * SECOND).refused).toBe('rate_limited')
  })

  it('counts windows aligned to the epoch, afresh in each', () => {
    const limiter = new MemoryLimiter()
    const perSecond = policy('key_1', [{ name: 'default', limit: 1, window: SECOND }])
    expect(limiter.consume(perSecond, 1, T0 + 900).resets).toEqual([100])
    expect(limiter.consume(perSecond, 1, T0 + 950).refused).toBe('rate_limited')
    expect(limiter.consume(perSecond, 1, T0 + SECOND).refused).toBeUndefined()
  })

  it('spends credits, refuses a cost beyond the balance, and refills up to the amount', () => {
    const limiter = new MemoryLimiter()
    const credits = policy('key_1', [], {
      remaining: 3,
      grantedAt: T0,
      refill: { amount: 2, interval: HOUR },
    })
    expect(limiter.consume(credits, 2, T0)).toMatchObject({
      refused: undefined,
      credits: 1,
      creditsReset: HOUR,
    })
    expect(limiter.consume(credits, 2, T0 + 1)).toMatchObject({
      refused: 'usage_exceeded',
      credits: 1,
    })
    expect(limiter.consume(credits, 2, T0 + HOUR)).toMatchObject({ refused: undefined, credits: 0 })
  })

  it('takes a new grant as the balance, however much of the old one was spent', () => {
    const limiter = new MemoryLimiter()
    const first = policy('key_1', [], { remaining: 1, grantedAt: T0 })
    expect(limiter.consume(first, 1, T0).credits).toBe(0)
    expect(limiter.consume(first, 1, T0 + 1).refused).toBe('usage_exceeded')
    const second = policy('key_1', [], { remaining: 5, grantedAt: T0 + 2 })
    expect(limiter.consume(second, 1, T0 + 3)).toMatchObject({ refused: undefined, credits: 4 })
  })

  it('refunds a rate limit only in the window charged, credits only in the grant charged', () => {
    const limiter = new MemoryLimiter()
    const limited = policy('key_1', [{ name: 'hour', limit: 2, window: HOUR }], {
      remaining: 10,
      grantedAt: T0,
    })
    const charged = limiter.consume(limited, 2, T0)
    expect(charged).toMatchObject({ remaining: [0], credits: 8 })
    limiter.refund(limited, 2, charged)
    expect(limiter.consume(limited, 1, T0 + 1)).toMatchObject({ remaining: [1], credits: 9 })

    const late = limiter.consume(limited, 1, T0 + 2)
    expect(limiter.consume(limited, 1, T0 + HOUR)).toMatchObject({ remaining: [1], credits: 7 })
    // Last hour's charge does not lower this hour's count; the credits come back.
    limiter.refund(limited, 1, late)
    expect(limiter.consume(limited, 1, T0 + HOUR + 1)).toMatchObject({
      remaining: [0],
      credits: 7,
    })

    const regranted = policy('key_1', [], { remaining: 3, grantedAt: T0 + HOUR + 2 })
    expect(limiter.consume(regranted, 1, T0 + HOUR + 3).credits).toBe(2)
    // A charge of the old grant is not given back to the new one.
    limiter.refund(limited, 1, late)
    expect(limiter.consume(regranted, 1, T0 + HOUR + 4).credits).toBe(1)
  })

  it('gives a refund of the last window back to that window only: the next still admits just its limit', () => {
    const limiter = new MemoryLimiter()
    const perMinute = policy('key_1', [{ name: 'minute', limit: 2, window: 60 * SECOND }])
    const last = limiter.consume(perMinute, 1, T0 + 59_999)
    expect(last.refused).toBeUndefined()
    expect(limiter.consume(perMinute, 1, T0 + 60_000).refused).toBeUndefined()
    expect(limiter.consume(perMinute, 1, T0 + 60_001).refused).toBeUndefined()
    limiter.refund(perMinute, 1, last)
    expect(limiter.consume(perMinute, 1, T0 + 60_002)).toMatchObject({
      refused: 'rate_limited',
      remaining: [0],
    })
  })

  it('refunds only what was charged: the rest of the count stays, and a count never goes below zero', () => {
    const limiter = new MemoryLimiter()
    const perHour = policy('key_1', [{ name: 'hour', limit: 3, window: HOUR }])
    limiter.consume(perHour, 1, T0)
    const second = limiter.consume(perHour, 2, T0 + 1)
    limiter.refund(perHour, 1, second)
    expect(limiter.consume(perHour, 1, T0 + 2)).toMatchObject({
      refused: undefined,
      remaining: [0],
    })
    expect(limiter.consume(perHour, 1, T0 + 3).refused).toBe('rate_limited')
    // The same charge given back twice (a caller's mistake) frees the window, no more.
    const other = policy('key_2', [{ name: 'hour', limit: 2, window: HOUR }])
    const charged = limiter.consume(other, 2, T0)
    limiter.refund(other, 2, charged)
    limiter.refund(other, 2, charged)
    expect(limiter.consume(other, 2, T0 + 1)).toMatchObject({ refused: undefined, remaining: [0] })
    expect(limiter.consume(other, 1, T0 + 2).refused).toBe('rate_limited')
  })

  it('counts a grant made at 1 ms past the epoch (a test clock) from its balance', () => {
    const limiter = new MemoryLimiter()
    const early = policy('key_1', [], { remaining: 2, grantedAt: 1 })
    expect(limiter.consume(early, 1, 1)).toMatchObject({ refused: undefined, credits: 1 })
  })

  it('answers rate_limited, not usage_exceeded, when a rate limit and the credits both refuse', () => {
    const limiter = new MemoryLimiter()
    const both = policy('key_1', [{ name: 'hour', limit: 1, window: HOUR }], {
      remaining: 1,
      grantedAt: T0,
    })
    expect(limiter.consume(both, 1, T0)).toMatchObject({ refused: undefined, credits: 0 })
    expect(limiter.consume(both, 1, T0 + 1)).toMatchObject({ refused: 'rate_limited', credits: 0 })
  })

  it('reports 0 remaining, never less, when a lowered limit is below what was already counted', () => {
    const limiter = new MemoryLimiter()
    const wide = policy('key_1', [{ name: 'hour', limit: 5, window: HOUR }])
    expect(limiter.consume(wide, 5, T0).remaining).toEqual([0])
    const narrow = policy('key_1', [{ name: 'hour', limit: 2, window: HOUR }])
    expect(limiter.consume(narrow, 1, T0 + 1)).toMatchObject({
      refused: 'rate_limited',
      remaining: [0],
    })
  })

  it('keeps the counters of at most `max` keys, dropping the least recently used', () => {
    const limiter = new MemoryLimiter({ max: 2 })
    const once = (id: string) => policy(id, [{ name: 'hour', limit: 1, window: HOUR }])
    limiter.consume(once('a'), 1, T0)
    limiter.consume(once('b'), 1, T0)
    expect(limiter.consume(once('a'), 1, T0).refused).toBe('rate_limited')
    limiter.consume(once('c'), 1, T0) // drops b, the least recently used
    expect(limiter.consume(once('a'), 1, T0).refused).toBe('rate_limited')
    expect(limiter.consume(once('b'), 1, T0).refused).toBeUndefined()
  })

  it('rejects a max that is not a positive integer', () => {
    expect(() => new MemoryLimiter({ max: 0 })).toThrow(
      new TypeError('max must be a positive integer'),
    )
    expect(() => new MemoryLimiter({ max: 1.5 })).toThrow(TypeError)
  })
})
