import { describe, expect, it } from 'vitest'
import { RateLimitedError } from '../errors.js'
import { createKeyward } from '../keyward.js'
import type { KeyCredits } from '../types.js'
import { type LimitOutcome, limitPolicyOf, rateLimitState, retryAfterOf } from './policy.js'

const T0 = Date.UTC(2026, 10, 26) // a multiple of every window below
const HOUR = 3_600_000

const burst = { name: 'burst', limit: 2, window: 1_000 }
const credits: KeyCredits = { remaining: 5, grantedAt: T0, refill: { amount: 5, interval: 60_000 } }

function policyOf(withCredits: boolean) {
  const record = { id: 'key_1', expiresAt: T0 + HOUR, rateLimits: [burst] }
  return limitPolicyOf(withCredits ? { ...record, credits } : record, undefined)!
}

function outcomeOf(fields: Partial<LimitOutcome>): LimitOutcome {
  return {
    refused: undefined,
    remaining: [1],
    resets: [400],
    windows: [T0 / 1_000],
    credits: undefined,
    creditsReset: undefined,
    ...fields,
  }
}

describe('the RateLimit header value', () => {
  it('has a credits item only when the key has credits and the limiter reported a balance', () => {
    // A key without credits: nothing about credits, whatever the limiter says.
    expect(rateLimitState(policyOf(false), outcomeOf({}))).toBe('"burst";r=1;t=1')
    expect(rateLimitState(policyOf(false), outcomeOf({ credits: 3 }))).toBe('"burst";r=1;t=1')
    // A limiter that did not report the balance: no `r=undefined`.
    expect(rateLimitState(policyOf(true), outcomeOf({}))).toBe('"burst";r=1;t=1')
    expect(rateLimitState(policyOf(true), outcomeOf({ credits: 3, creditsReset: 59_001 }))).toBe(
      '"burst";r=1;t=1, "credits";r=3;t=60',
    )
  })
})

describe('Retry-After of a refusal', () => {
  it('waits for the limits that refused only, not for one that still had room for the cost', () => {
    const policy = limitPolicyOf(
      {
        id: 'key_1',
        expiresAt: T0 + HOUR,
        rateLimits: [burst, { name: 'hour', limit: 10, window: HOUR }],
      },
      undefined,
    )!
    // `burst` refused (1 left, cost 2); `hour` had exactly the cost left.
    const refused = outcomeOf({ refused: 'rate_limited', remaining: [1, 2], resets: [400, HOUR] })
    expect(retryAfterOf(policy, refused, 2)).toBe(1)
    // Both short of the cost: the later reset.
    const both = outcomeOf({ refused: 'rate_limited', remaining: [1, 1], resets: [400, HOUR] })
    expect(retryAfterOf(policy, both, 2)).toBe(3600)
  })

  it('is the end of the refusing window when another limit has exactly the cost left', async () => {
    const clock = { now: T0 + 200 }
    const keyward = createKeyward({ prefix: 'kw_live', now: () => clock.now })
    const { token } = await keyward.keys.create({
      name: 'Limited',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '30d',
      rateLimits: [
        { name: 'second', limit: 1, window: 1 },
        { name: 'hour', limit: 2, window: '1h' },
      ],
    })
    await keyward.verify(token)
    const refused = await keyward.verify(token).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitedError)
    expect(refused).toMatchObject({
      retryAfter: 1,
      state: '"second";r=0;t=1, "hour";r=1;t=3600',
    })
  })
})
