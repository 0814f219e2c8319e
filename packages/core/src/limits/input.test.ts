import { describe, expect, it } from 'vitest'
import { refusal } from '../../test/thrown.js'
import { createKeyward } from '../keyward.js'
import { configRateLimits, MAX_RATE_LIMITS, parseCredits, parseRateLimits } from './input.js'

const T0 = Date.UTC(2026, 10, 26)
const DAY = 86_400_000

const limitOf = (input: Record<string, unknown>) => () => parseRateLimits([input])
const creditsOf = (input: unknown) => () => parseCredits(input, T0)

describe('rate-limit input', () => {
  it('takes windows from 1 s to 366 days in whole seconds, and names the window otherwise', () => {
    const window = (value: unknown) => parseRateLimits([{ limit: 1, window: value }])[0]!.window
    expect(window(1)).toBe(1_000)
    expect(window('1s')).toBe(1_000)
    expect(window(366 * 86_400)).toBe(366 * DAY)
    expect(window('366d')).toBe(366 * DAY)
    const message =
      'rateLimits[0].window must be whole seconds (1 s to 366 days) or a duration like "1m", "1h", "30d".'
    for (const value of [0, '0s', 0.5, 1.5, 366 * 86_400 + 1, '367d', -60, '1w', undefined]) {
      expect(refusal(limitOf({ limit: 1, window: value })), String(value)).toEqual({
        field: 'rateLimits[0].window',
        message,
      })
    }
  })

  it('takes limits from 1 to 1e9 and names the limit otherwise', () => {
    const limit = (value: unknown) => parseRateLimits([{ limit: value, window: 60 }])[0]!.limit
    expect(limit(1)).toBe(1)
    expect(limit(1e9)).toBe(1e9)
    for (const value of [0, 1e9 + 1, 2.5, '5', Number.NaN, undefined]) {
      expect(refusal(limitOf({ limit: value, window: 60 })), String(value)).toEqual({
        field: 'rateLimits[0].limit',
        message: 'rateLimits[0].limit must be an integer from 1 to 1000000000.',
      })
    }
  })

  it('takes at most 8 limits', () => {
    const limits = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ name: `l${i}`, limit: 1, window: 60 }))
    expect(parseRateLimits(limits(MAX_RATE_LIMITS))).toHaveLength(8)
    expect(parseRateLimits([])).toEqual([])
    for (const value of [limits(MAX_RATE_LIMITS + 1), {}, 'none', null]) {
      expect(refusal(() => parseRateLimits(value))).toEqual({
        field: 'rateLimits',
        message: 'rateLimits must be an array of at most 8 limits.',
      })
    }
  })

  it('refuses a limit that is not an object, a field it does not know, a bad or repeated name', () => {
    for (const value of [null, 'limit', 5, []]) {
      expect(
        refusal(() => parseRateLimits([value])),
        String(value),
      ).toEqual({
        field: 'rateLimits[0]',
        message: 'rateLimits[0] must be an object.',
      })
    }
    expect(refusal(limitOf({ limit: 1, window: 60, burst: 2 }))).toEqual({
      field: 'rateLimits[0].burst',
      message: 'rateLimits[0].burst is not a known field.',
    })
    for (const name of ['Burst', '', 'x'.repeat(33), 'credits', 7]) {
      expect(refusal(limitOf({ name, limit: 1, window: 60 })), String(name)).toEqual({
        field: 'rateLimits[0].name',
        message: 'rateLimits[0].name must be 1–32 characters of a-z 0-9 _ . - (not "credits").',
      })
    }
    const repeated = () =>
      parseRateLimits([
        { name: 'burst', limit: 1, window: 1 },
        { name: 'hour', limit: 5, window: '1h' },
        { name: 'burst', limit: 2, window: 2 },
      ])
    expect(refusal(repeated)).toEqual({
      field: 'rateLimits[2].name',
      message: 'rateLimits[2].name is repeated.',
    })
  })

  it('names the field of deployment defaults in the TypeError of createKeyward', () => {
    expect(configRateLimits(undefined)).toBeUndefined()
    expect(configRateLimits([{ limit: 1, window: '1m' }])).toEqual([
      { name: 'default', limit: 1, window: 60_000 },
    ])
    expect(() => createKeyward({ rateLimits: [{ limit: 0, window: 60 }] as never })).toThrow(
      new TypeError(
        'rateLimits[0].limit must be valid: rateLimits[0].limit must be an integer from 1 to 1000000000.',
      ),
    )
  })
})

describe('credits input', () => {
  it('takes a balance from 0 to 1e12, granted at the given time', () => {
    expect(parseCredits({ remaining: 0 }, T0)).toEqual({ remaining: 0, grantedAt: T0 })
    expect(parseCredits({ remaining: 1e12 }, T0)).toEqual({ remaining: 1e12, grantedAt: T0 })
    for (const remaining of [-1, 1e12 + 1, 0.5, '3']) {
      expect(refusal(creditsOf({ remaining })), String(remaining)).toEqual({
        field: 'credits.remaining',
        message: 'credits.remaining must be an integer from 0 to 1000000000000.',
      })
    }
  })

  it('refuses credits or a refill that is not an object, and fields it does not know, by name', () => {
    for (const value of [null, 5, [], 'all']) {
      expect(refusal(creditsOf(value)), String(value)).toEqual({
        field: 'credits',
        message: 'credits must be an object.',
      })
    }
    expect(refusal(creditsOf({ remaining: 1, extra: true }))).toEqual({
      field: 'credits.extra',
      message: 'credits.extra is not a known field.',
    })
    for (const refill of [null, 5, ['1h']]) {
      expect(refusal(creditsOf({ remaining: 1, refill })), String(refill)).toEqual({
        field: 'credits.refill',
        message: 'credits.refill must be an object.',
      })
    }
    expect(
      refusal(creditsOf({ remaining: 1, refill: { amount: 1, interval: 60, every: 2 } })),
    ).toEqual({
      field: 'credits.refill.every',
      message: 'credits.refill.every is not a known field.',
    })
  })

  it('takes a refill of 1 to 1e12 every 1 s to 366 days', () => {
    expect(parseCredits({ remaining: 1, refill: { amount: 1e12, interval: '366d' } }, T0)).toEqual({
      remaining: 1,
      grantedAt: T0,
      refill: { amount: 1e12, interval: 366 * DAY },
    })
    expect(refusal(creditsOf({ remaining: 1, refill: { amount: 0, interval: 60 } }))).toEqual({
      field: 'credits.refill.amount',
      message: 'credits.refill.amount must be an integer from 1 to 1000000000000.',
    })
    expect(
      refusal(creditsOf({ remaining: 1, refill: { amount: 1, interval: 366 * 86_400 + 1 } })),
    ).toEqual({
      field: 'credits.refill.interval',
      message:
        'credits.refill.interval must be whole seconds (1 s to 366 days) or a duration like "1m", "1h", "30d".',
    })
  })
})
