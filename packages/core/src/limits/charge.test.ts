import { describe, expect, it } from 'vitest'
import { MemoryLimiter } from '../backends/memory-limiter.js'
import { KeywardError, UnavailableError } from '../errors.js'
import { createScopeGuard } from '../http/guards.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { Limiter } from './policy.js'

const T0 = Date.UTC(2026, 10, 26)

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'reports:run': 'Run reports',
  'admin:all': 'Administer',
})

const base = { name: 'Limited', ownerId: 'org_1', expiresIn: '30d' }

/** A MemoryLimiter whose calls can be made to fail, counting the refunds it is asked for. */
function faultyLimiter() {
  const memory = new MemoryLimiter()
  const calls = { consumes: 0, refunds: 0 }
  const faults: { consume?: (call: number) => boolean; refund?: Error } = {}
  const limiter: Limiter = {
    consume(policy, cost, at) {
      calls.consumes++
      if (faults.consume?.(calls.consumes)) throw new Error('limiter down')
      return memory.consume(policy, cost, at)
    },
    refund(policy, cost, outcome) {
      calls.refunds++
      if (faults.refund !== undefined) throw faults.refund
      memory.refund(policy, cost, outcome)
    },
  }
  return { limiter, calls, faults }
}

function setup(limiter: Limiter = new MemoryLimiter()) {
  const errors: unknown[] = []
  const keyward = createKeyward({
    prefix: 'kw_live',
    scopes,
    now: () => T0,
    limiter,
    onError: (error) => void errors.push(error),
  })
  return { keyward, errors }
}

/**
 * A key with 12 credits that may run reports, a guard charging 10 more for `reports:run` and
 * one the key never passes (`admin:all`).
 */
async function reportsKey(keyward: ReturnType<typeof setup>['keyward']) {
  const { token } = await keyward.keys.create({
    ...base,
    scopes: ['projects:read', 'reports:run'],
    credits: { remaining: 12 },
  })
  const reports = createScopeGuard(['reports:run'], 'all', keyward, { cost: 10 })
  const admin = createScopeGuard(['admin:all'], 'all', keyward)
  return { token, reports, admin }
}

async function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof KeywardError ? error.code : String(error)),
  )
}

describe('refunds', () => {
  it('gives a refused request its charge back once, however many guards refuse it', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      scopes: ['projects:read'],
      credits: { remaining: 5 },
    })
    const reports = createScopeGuard(['reports:run'], 'all', keyward)
    const admin = createScopeGuard(['admin:all'], 'all', keyward)
    const key = await keyward.verify(token)
    expect(key.rateLimit?.state).toBe('"credits";r=4')
    expect(() => reports(key)).toThrow(/reports:run/)
    expect(() => admin(key)).toThrow(/admin:all/)
    expect(() => reports(key)).toThrow(/reports:run/)
    // 5 again, not 7: a balance never grows beyond what was spent.
    expect(await code(keyward.verify(token, { cost: 5 }))).toBe('ok')
    expect(await code(keyward.verify(token))).toBe('usage_exceeded')
  })

  it("gives back both the request's charge and a route guard's further charge", async () => {
    const { keyward } = setup()
    const { token, reports, admin } = await reportsKey(keyward)
    const charged = await reports(await keyward.verify(token))
    expect(charged.rateLimit).toMatchObject({ state: '"credits";r=2', charged: 10 })
    expect(() => admin(charged)).toThrow(/admin:all/)
    expect(await code(keyward.verify(token, { cost: 12 }))).toBe('ok')
    expect(await code(keyward.verify(token))).toBe('usage_exceeded')
  })

  it('reports a refund the limiter fails to onError, and still tries every part', async () => {
    const { limiter, calls, faults } = faultyLimiter()
    const { keyward, errors } = setup(limiter)
    const { token, reports, admin } = await reportsKey(keyward)
    const charged = await reports(await keyward.verify(token))
    const failure = new Error('refund lost')
    faults.refund = failure
    expect(() => admin(charged)).toThrow(/admin:all/)
    expect(calls.refunds).toBe(2)
    expect(errors).toEqual([failure, failure])
  })

  it("keeps what a request was charged out of the caller's reach", async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create({
      ...base,
      scopes: ['projects:read'],
      credits: { remaining: 5 },
    })
    const key = await keyward.verify(token)
    expect(Object.isFrozen(key.rateLimit)).toBe(true)
    expect(() => {
      ;(key.rateLimit as { charged: number }).charged = 0
    }).toThrow(TypeError)
  })
})

describe('a failing limiter', () => {
  it('answers 503 unavailable, with its error as cause, on the request and on a route guard', async () => {
    const { limiter, faults } = faultyLimiter()
    const { keyward } = setup(limiter)
    const { token } = await keyward.keys.create({
      ...base,
      scopes: ['reports:run'],
      credits: { remaining: 12 },
    })
    faults.consume = () => true
    const refused = await keyward.verify(token).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(UnavailableError)
    expect(refused).toMatchObject({
      status: 503,
      message: 'The rate limiter is unavailable.',
      cause: new Error('limiter down'),
    })

    // The guard's further charge fails: 503 too, and the request's own charge is given back.
    faults.consume = (call) => call === 3
    const reports = createScopeGuard(['reports:run'], 'all', keyward, { cost: 10 })
    const key = await keyward.verify(token)
    const failed = await Promise.resolve()
      .then(() => reports(key))
      .catch((error: unknown) => error)
    expect(failed).toMatchObject({
      code: 'unavailable',
      message: 'The rate limiter is unavailable.',
    })
    expect(await code(keyward.verify(token, { cost: 12 }))).toBe('ok')
  })
})
