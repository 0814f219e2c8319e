import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryLimiter } from '../backends/memory-limiter.js'
import { MemoryUsageBackend } from '../backends/memory-usage-backend.js'
import type { Limiter } from '../limits/policy.js'
import { defineScopes } from '../scopes.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})
const limited = { ...projectKey, rateLimits: [{ name: 'burst', limit: 1, window: '1h' }] }

/** A MemoryLimiter that answers as a remote backend does: a promise. */
function asyncLimiter(): Limiter {
  const memory = new MemoryLimiter()
  return {
    consume: async (policy, cost, at) => memory.consume(policy, cost, at),
    refund: async (policy, cost, outcome) => memory.refund(policy, cost, outcome),
  }
}

function setup() {
  const backend = new MemoryUsageBackend()
  const made = clockedKeyward(scopes, { limiter: asyncLimiter(), usage: { backend } })
  return { ...made, usage: made.keyward.usage! }
}

/** Every outcome counted for `id` since T0, summed. */
async function totals(usage: ReturnType<typeof setup>['usage'], id?: string) {
  await usage.flush()
  const query = { from: T0, to: T0 + 86_400_000, granularity: 'day' as const }
  const { buckets } = await (id === undefined ? usage.deployment(query) : usage.get(id, query))
  const sum: Record<string, number> = {}
  for (const bucket of buckets) {
    for (const [name, n] of Object.entries(bucket.outcomes)) sum[name] = (sum[name] ?? 0) + n
  }
  return sum
}

describe('verify with a limiter that answers asynchronously', () => {
  it('counts the admitted use and the 429 against the key', async () => {
    const { keyward, usage } = setup()
    const { token, key } = await keyward.keys.create(limited)
    expect(await outcome(keyward.verify(token))).toBe('ok')
    expect(await outcome(keyward.verify(token))).toBe('rate_limited')
    expect(await totals(usage, key.id)).toEqual({ valid: 1, rate_limited: 1 })
  })

  it('hands a rotation until first use over once the successor is admitted', async () => {
    const { keyward, store } = setup()
    const old = await keyward.keys.create(limited)
    const rotated = await keyward.keys.rotate(old.key.id, { until: 'first-use', gracePeriod: '1h' })
    expect(await outcome(keyward.verify(rotated.token))).toBe('ok')
    await vi.waitFor(async () => {
      expect((await store.get(rotated.key.id))?.pendingPredecessor).toBeUndefined()
    })
    expect(await outcome(keyward.verify(old.token))).toBe('revoked_token')
  })
})

describe('verify refuses tokens that belong to no key', () => {
  it('a token that is not a string is malformed (401)', async () => {
    const { keyward } = setup()
    await expect(keyward.verify(42 as never)).rejects.toMatchObject({
      code: 'malformed_token',
      status: 401,
      message: 'The API key is malformed.',
    })
  })

  it('a token given as an array (a repeated header) is malformed, even if its text is a legacy token', async () => {
    const { keyward } = clockedKeyward(scopes, { legacyTokens: /^sk_[0-9a-f]{40}$/ })
    const legacy = `sk_${'a'.repeat(40)}`
    await keyward.keys.import([{ ...projectKey, token: legacy }])
    expect(await outcome(keyward.verify(legacy))).toBe('ok')
    expect(await outcome(keyward.verify([legacy] as never))).toBe('malformed_token')
  })

  it('counts a well-formed token no store holds per deployment, as unknown_token', async () => {
    const { keyward, usage } = setup()
    const elsewhere = clockedKeyward(scopes).keyward
    const { token } = await elsewhere.keys.create(projectKey)
    expect(await outcome(keyward.verify(token))).toBe('unknown_token')
    expect(await totals(usage)).toEqual({ unknown_token: 1 })
  })
})
