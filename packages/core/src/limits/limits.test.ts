import { describe, expect, it } from 'vitest'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { errorResponse, InvalidArgumentError, KeywardError, RateLimitedError } from '../errors.js'
import { createScopeGuard } from '../http/guards.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent, VerifiedKey } from '../types.js'
import { rateLimitHeaders } from './policy.js'

const T0 = Date.UTC(2026, 10, 26) // a multiple of every window below
const MINUTE = 60_000
const HOUR = 3_600_000

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'reports:run': 'Run reports',
})

function setup(options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) {
  const clock = { now: T0 }
  const keyward = createKeyward({ prefix: 'kw_live', scopes, now: () => clock.now, ...options })
  return { keyward, clock }
}

const base = {
  name: 'Limited',
  ownerId: 'org_1',
  scopes: ['projects:read'] as const,
  expiresIn: '30d',
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof KeywardError ? error.code : String(error)),
  )
}

async function refusal(promise: Promise<unknown>): Promise<RateLimitedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RateLimitedError)
  return error as RateLimitedError
}

describe('per-key rate limits', () => {
  it('admits exactly `limit` requests per window, then 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const { keyward, clock } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      rateLimits: [{ name: 'default', limit: 3, window: '1m' }],
    })
    clock.now = T0 + 15_000
    for (let i = 0; i < 3; i++) {
      const key = await keyward.verify(token)
      expect(rateLimitHeaders(key)).toEqual({
        'ratelimit-policy': '"default";q=3;w=60',
        ratelimit: `"default";r=${2 - i};t=45`,
      })
    }
    const refused = await refusal(keyward.verify(token))
    expect(refused.code).toBe('rate_limited')
    expect(refused.status).toBe(429)
    expect(errorResponse(refused).headers).toMatchObject({
      'retry-after': '45',
      'ratelimit-policy': '"default";q=3;w=60',
      ratelimit: '"default";r=0;t=45',
    })
    clock.now = T0 + MINUTE
    expect(await outcome(keyward.verify(token))).toBe('ok')
  })

  it("keeps each limit's count by its name when the key's limits are reordered or changed", async () => {
    const { keyward } = setup()
    const burst = { name: 'burst', limit: 2, window: '1m' }
    const steady = { name: 'steady', limit: 100, window: '1h' }
    const { token, key } = await keyward.keys.create({ ...base, rateLimits: [burst, steady] })
    await keyward.verify(token)
    await keyward.verify(token)
    expect((await refusal(keyward.verify(token))).code).toBe('rate_limited')
    // Same limits, other order: the burst window is still spent, and steady still counts 2.
    await keyward.keys.update(key.id, { rateLimits: [steady, burst] })
    const refused = await refusal(keyward.verify(token))
    expect(errorResponse(refused).headers.ratelimit).toBe('"steady";r=98;t=3600, "burst";r=0;t=60')
    // A limit that replaces another of the same name keeps its count; a new name starts at 0.
    await keyward.keys.update(key.id, {
      rateLimits: [
        { name: 'burst', limit: 3, window: '1m' },
        { ...steady, name: 'hourly' },
      ],
    })
    const admitted = await keyward.verify(token)
    expect(rateLimitHeaders(admitted)?.ratelimit).toBe('"burst";r=0;t=60, "hourly";r=99;t=3600')
  })

  it('charges nothing for a request refused for another reason (scope, revocation)', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({
      ...base,
      rateLimits: [{ limit: 1, window: 60 }],
    })
    for (let i = 0; i < 5; i++) {
      const refused = await keyward.verify(token, { scopes: ['reports:run'] }).catch((e) => e)
      expect(refused.code).toBe('insufficient_scope')
      expect(errorResponse(refused).headers['ratelimit-policy']).toBe('"default";q=1;w=60')
    }
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('rate_limited')
    await keyward.keys.revoke(key.id)
    expect(await outcome(keyward.verify(token))).toBe('revoked_token')
  })

  it('applies deployment defaults to keys without their own; an empty array means none', async () => {
    const { keyward } = setup({ rateLimits: [{ name: 'burst', limit: 1, window: '1s' }] })
    const plain = await keyward.keys.create(base)
    const unlimited = await keyward.keys.create({ ...base, rateLimits: [] })
    expect(await outcome(keyward.verify(plain.token))).toBe('ok')
    expect(await outcome(keyward.verify(plain.token))).toBe('rate_limited')
    for (let i = 0; i < 3; i++) {
      const key = await keyward.verify(unlimited.token)
      expect(key.rateLimit).toBeUndefined()
    }
  })

  it('counts every named limit and the per-call cost', async () => {
    const { keyward, clock } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      rateLimits: [
        { name: 'second', limit: 5, window: 1 },
        { name: 'minute', limit: 8, window: '1m' },
      ],
    })
    expect(await outcome(keyward.verify(token, { cost: 5 }))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('rate_limited')
    clock.now += 1_000
    expect(await outcome(keyward.verify(token, { cost: 3 }))).toBe('ok')
    clock.now += 1_000
    const refused = await refusal(keyward.verify(token))
    expect(refused.state).toBe('"second";r=5;t=1, "minute";r=0;t=58')
    expect(refused.retryAfter).toBe(58)
    await expect(keyward.verify(token, { cost: -1 })).rejects.toThrow(TypeError)
  })
})

describe('usage credits', () => {
  it('takes each cost from the balance, never below zero, and refills on time', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({
      ...base,
      credits: { remaining: 3, refill: { amount: 2, interval: '1h' } },
    })
    expect(key.credits).toEqual({
      remaining: 3,
      grantedAt: T0,
      refill: { amount: 2, interval: HOUR },
    })
    expect(await outcome(keyward.verify(token, { cost: 2 }))).toBe('ok')
    const refused = await refusal(keyward.verify(token, { cost: 2 }))
    expect(refused.code).toBe('usage_exceeded')
    expect(refused.retryAfter).toBe(3600)
    expect(refused.state).toBe('"credits";r=1;t=3600')
    expect(refused.policy).toBe('"credits";q=2;w=3600')
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
    clock.now = T0 + HOUR - 1
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
    clock.now = T0 + HOUR
    expect(await outcome(keyward.verify(token, { cost: 2 }))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
  })

  it('credits without refill: 429 without Retry-After; a new grant by update replaces the balance', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({ ...base, credits: { remaining: 1 } })
    expect(await outcome(keyward.verify(token))).toBe('ok')
    const refused = await refusal(keyward.verify(token))
    expect(errorResponse(refused).headers['retry-after']).toBeUndefined()
    clock.now += 1
    await keyward.keys.update(key.id, { credits: { remaining: 2 } })
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
  })

  it('a grant in the same millisecond as the previous one still replaces the balance', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({ ...base, credits: { remaining: 0 } })
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
    // Same clock reading: the limiter must not take this grant for the one it has counted.
    const updated = await keyward.keys.update(key.id, { credits: { remaining: 1 } })
    expect(updated.credits?.grantedAt).toBe(T0 + 1)
    expect((await keyward.verify(token)).rateLimit?.state).toBe('"credits";r=0')
    expect(await outcome(keyward.verify(token))).toBe('usage_exceeded')
  })

  it('a rotated key spends its predecessor balance', async () => {
    const { keyward } = setup()
    const first = await keyward.keys.create({ ...base, credits: { remaining: 2 } })
    expect(await outcome(keyward.verify(first.token))).toBe('ok')
    const second = await keyward.keys.rotate(first.key.id)
    expect(await outcome(keyward.verify(second.token))).toBe('ok')
    expect(await outcome(keyward.verify(second.token))).toBe('usage_exceeded')
  })
})

describe('route cost', () => {
  it('a guard charges the rest of its cost after its scope check, and refunds a refused request', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      scopes: ['projects:read', 'reports:run'],
      credits: { remaining: 12 },
    })
    const reports = createScopeGuard(['reports:run'], 'all', keyward, { cost: 10 })
    const key = (await keyward.verify(token)) as VerifiedKey
    expect(key.rateLimit?.state).toBe('"credits";r=11')
    const charged = await reports(key)
    expect(charged.rateLimit?.state).toBe('"credits";r=2')
    expect(charged.rateLimit?.charged).toBe(10)
    // Charged once: a second guard of the same cost charges nothing more.
    expect(await reports(charged)).toBe(charged)

    const narrow = await keyward.keys.create({ ...base, credits: { remaining: 1 } })
    const guard = createScopeGuard(['reports:run'], 'all', keyward)
    for (let i = 0; i < 3; i++) {
      const verified = await keyward.verify(narrow.token)
      expect(() => guard(verified)).toThrow(/reports:run/)
    }
    expect(await outcome(keyward.verify(narrow.token))).toBe('ok')
    expect(await outcome(keyward.verify(narrow.token))).toBe('usage_exceeded')
  })

  it('a guard whose extra charge is refused refunds what apiKeyAuth charged', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      scopes: ['reports:run'],
      credits: { remaining: 5 },
    })
    const reports = createScopeGuard(['reports:run'], 'all', keyward, { cost: 10 })
    const key = await keyward.verify(token)
    await expect(Promise.resolve().then(() => reports(key))).rejects.toMatchObject({
      code: 'usage_exceeded',
    })
    expect(await outcome(keyward.verify(token, { cost: 5 }))).toBe('ok')
  })

  it('rejects a bad cost at construction', () => {
    const { keyward } = setup()
    expect(() => createScopeGuard(['reports:run'], 'all', keyward, { cost: 1.5 })).toThrow(
      'cost must be a non-negative integer',
    )
  })
})

describe('lifecycle input', () => {
  it('names the field it rejects', async () => {
    const { keyward } = setup()
    const field = (input: Record<string, unknown>) =>
      keyward.keys.create({ ...base, ...input }).then(
        () => 'created',
        (error: unknown) => (error instanceof InvalidArgumentError ? error.field : String(error)),
      )
    expect(await field({ rateLimits: {} })).toBe('rateLimits')
    expect(await field({ rateLimits: [{ limit: 0, window: 60 }] })).toBe('rateLimits[0].limit')
    expect(await field({ rateLimits: [{ limit: 1, window: '1w' }] })).toBe('rateLimits[0].window')
    expect(await field({ rateLimits: [{ limit: 1, window: 0.5 }] })).toBe('rateLimits[0].window')
    expect(
      await field({
        rateLimits: [
          { limit: 1, window: 1 },
          { limit: 2, window: 2 },
        ],
      }),
    ).toBe('rateLimits[1].name')
    expect(await field({ rateLimits: [{ name: 'credits', limit: 1, window: 1 }] })).toBe(
      'rateLimits[0].name',
    )
    expect(await field({ credits: { remaining: -1 } })).toBe('credits.remaining')
    expect(await field({ credits: { remaining: 1, refill: { amount: 1 } } })).toBe(
      'credits.refill.interval',
    )
    expect(await field({ credits: { remaining: 1, extra: true } })).toBe('credits.extra')
  })

  it('createKeyward refuses bad default rate limits with a TypeError', () => {
    expect(() => createKeyward({ rateLimits: [{ limit: 0, window: 60 }] as never })).toThrow(
      TypeError,
    )
  })
})

describe("removing a key's own limits", () => {
  /** Two instances on one store and one revocation list, as on a shared backend. */
  function twoInstances(options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) {
    const clock = { now: T0 }
    const shared = {
      scopes,
      store: new MemoryTokenStore(),
      revocations: new MemoryRevocationList({ now: () => clock.now }),
      now: () => clock.now,
      ...options,
    }
    return { clock, a: createKeyward(shared), b: createKeyward(shared) }
  }

  it('credits: null makes the key unmetered at once on every instance; a new grant starts afresh', async () => {
    const events: KeyEvent[] = []
    const { clock, a, b } = twoInstances({ onEvent: (event) => void events.push(event) })
    const { token, key } = await a.keys.create({ ...base, credits: { remaining: 1 } })
    // The other instance holds the key in its cache, credits and all.
    expect((await b.verify(token)).rateLimit?.policy).toBe('"credits";q=1')
    expect(await outcome(b.verify(token))).toBe('usage_exceeded')

    const updated = await a.keys.update(key.id, { credits: null })
    expect(updated).not.toHaveProperty('credits')
    expect(await b.keys.get(key.id)).not.toHaveProperty('credits')
    expect(events.at(-1)).toMatchObject({ type: 'updated', changes: ['credits'] })
    for (let i = 0; i < 3; i++) expect((await b.verify(token)).rateLimit).toBeUndefined()

    // A grant is told apart by its time: a later one replaces any balance the limiter kept.
    clock.now += 1
    await a.keys.update(key.id, { credits: { remaining: 1 } })
    expect(await outcome(b.verify(token))).toBe('ok')
    expect(await outcome(b.verify(token))).toBe('usage_exceeded')
  })

  it('rateLimits: null brings the deployment defaults back on every instance; [] means none at all', async () => {
    const { clock, a, b } = twoInstances({
      rateLimits: [{ name: 'burst', limit: 2, window: '1m' }],
    })
    const { token, key } = await a.keys.create({
      ...base,
      rateLimits: [{ name: 'own', limit: 5, window: '1m' }],
      credits: { remaining: 100 },
    })
    expect((await b.verify(token)).rateLimit?.policy).toBe('"own";q=5;w=60, "credits";q=100')

    await a.keys.update(key.id, { rateLimits: [] })
    expect((await b.verify(token)).rateLimit?.policy).toBe('"credits";q=100')

    const updated = await a.keys.update(key.id, { rateLimits: null })
    expect(updated).not.toHaveProperty('rateLimits')
    expect(updated.credits?.remaining).toBe(100)
    // In a new window, so the count of the key's own limit this minute plays no part.
    clock.now += MINUTE
    expect(rateLimitHeaders(await b.verify(token))).toEqual({
      'ratelimit-policy': '"burst";q=2;w=60, "credits";q=100',
      ratelimit: '"burst";r=1;t=60, "credits";r=97',
    })

    // Both at once: the defaults alone are left.
    await a.keys.update(key.id, { rateLimits: null, credits: null })
    expect(rateLimitHeaders(await b.verify(token))).toEqual({
      'ratelimit-policy': '"burst";q=2;w=60',
      ratelimit: '"burst";r=0;t=60',
    })
    expect(await outcome(b.verify(token))).toBe('rate_limited')
  })

  it('without deployment defaults, rateLimits: null leaves the key unlimited', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({
      ...base,
      rateLimits: [{ name: 'default', limit: 1, window: '1m' }],
    })
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('rate_limited')
    await keyward.keys.update(key.id, { rateLimits: null })
    for (let i = 0; i < 3; i++) expect((await keyward.verify(token)).rateLimit).toBeUndefined()
  })

  it('refuses anything else with a 422 naming the field, and null on create', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create({ ...base, credits: { remaining: 1 } })
    const field = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (error instanceof InvalidArgumentError ? error.field : String(error)),
      )
    for (const credits of ['none', 0, false, [], {}]) {
      expect(await field(keyward.keys.update(key.id, { credits } as never))).toMatch(/^credits/)
    }
    for (const rateLimits of ['none', 0, false, {}]) {
      expect(await field(keyward.keys.update(key.id, { rateLimits } as never))).toBe('rateLimits')
    }
    // On create, leaving the field out is how to say "none of its own".
    expect(await field(keyward.keys.create({ ...base, credits: null } as never))).toBe('credits')
    expect(await field(keyward.keys.create({ ...base, rateLimits: null } as never))).toBe(
      'rateLimits',
    )
    expect(await keyward.keys.get(key.id)).toHaveProperty('credits.remaining', 1)
  })
})
