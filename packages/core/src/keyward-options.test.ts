import { describe, expect, it } from 'vitest'
import { MemoryRevocationList } from './backends/memory-revocation-list.js'
import { MemoryTokenStore } from './backends/memory-token-store.js'
import { resolveKeywardOptions } from './keyward-options.js'
import { defineScopes } from './scopes.js'

describe('resolveKeywardOptions', () => {
  it('fills in every default, in milliseconds, with in-memory backends on the given clock', () => {
    const now = () => 1_000
    const resolved = resolveKeywardOptions({ now })
    expect(resolved).toMatchObject({
      prefix: 'kw_live',
      prefixes: new Set(['kw_live']),
      maxLifetime: 365 * 86_400_000,
      defaultExpiresIn: undefined,
      maxGracePeriod: 86_400_000,
      realm: 'api',
      now,
      cache: { max: 10_000, ttl: 60_000, negativeMax: 10_000, negativeTtl: 5_000 },
      usage: {
        flushInterval: 5_000,
        retention: { minute: 48 * 3_600_000, hour: 90 * 86_400_000, day: 400 * 86_400_000 },
        addresses: 'full',
      },
      tokenKinds: [],
      onEvent: undefined,
      defaultRateLimits: undefined,
      ownsLimiter: true,
    })
    expect(resolved.store).toBeInstanceOf(MemoryTokenStore)
    expect(resolved.revocations).toBeInstanceOf(MemoryRevocationList)
  })

  it('issues with the first of prefixes, and converts durations and rate limit windows', () => {
    const resolved = resolveKeywardOptions({
      prefixes: ['kw_test', 'kw_live'],
      maxLifetime: '30d',
      defaultExpiresIn: 3600,
      rateLimits: [{ name: 'default', limit: 100, window: '1m' }],
      limiter: { consume: () => ({ allowed: true }) as never, refund: () => {} },
    })
    expect(resolved.prefix).toBe('kw_test')
    expect([...resolved.prefixes]).toEqual(['kw_test', 'kw_live'])
    expect(resolved.maxLifetime).toBe(30 * 86_400_000)
    expect(resolved.defaultExpiresIn).toBe(3_600_000)
    expect(resolved.defaultRateLimits).toEqual([{ name: 'default', limit: 100, window: 60_000 }])
    expect(resolved.ownsLimiter).toBe(false)
  })

  it('checks required scopes against a declared catalog only, and never accepts a wildcard', () => {
    const open = resolveKeywardOptions({})
    expect(() => open.validateRequirement('anything:read')).not.toThrow()
    expect(() => open.validateRequirement('projects:*')).toThrow(/without wildcards/)
    const declared = resolveKeywardOptions({
      scopes: defineScopes({ 'projects:read': 'Read projects' }),
    })
    expect(() => declared.validateRequirement('projects:read')).not.toThrow()
    expect(() => declared.validateRequirement('anything:read')).toThrow(
      /^required scope "anything:read" must be declared in the scope catalog$/,
    )
  })
})
