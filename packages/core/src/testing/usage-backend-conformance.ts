import { describe, expect, it } from 'vitest'
import { randomBase62 } from '../lib/base62.js'
import type { UsageBackend, UsageBatch } from '../types.js'

/**
 * Builds the backend one conformance test runs against. It may share storage between tests:
 * the suite uses fresh key ids in each test and never assumes the backend is empty.
 */
export type UsageBackendFactory = () => UsageBackend | Promise<UsageBackend>

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
/** A UTC midnight a little in the past, so buckets are recent and retention keeps them. */
const T0 = Math.floor(Date.now() / DAY) * DAY - DAY

const keyId = () => `key_${randomBase62(16)}`
/** A batch that prunes nothing. */
const batch = (fields: Partial<UsageBatch>): UsageBatch => ({
  counts: [],
  lastUses: [],
  addresses: [],
  pruneBefore: { minute: 0, hour: 0, day: 0 },
  ...fields,
})

/**
 * Runs the usage backend contract against `factory`: counts add up across writes and
 * instances, buckets are read by range and granularity, totals per key in one read, the last
 * use only moves forward, the last 5 distinct addresses are kept newest first, and each write
 * prunes buckets older than its retention cut-offs.
 */
export function usageBackendConformance(name: string, factory: UsageBackendFactory): void {
  describe(`${name} (usage backend conformance)`, () => {
    it('adds counts across writes and reads buckets in [from, to), oldest first', async () => {
      const backend = await factory()
      const id = keyId()
      const count = (start: number, outcome: 'valid' | 'rate_limited', n: number) => ({
        keyId: id,
        granularity: 'minute' as const,
        start,
        outcome,
        count: n,
      })
      await backend.write(
        batch({ counts: [count(T0, 'valid', 2), count(T0 + MINUTE, 'valid', 1)] }),
      )
      await backend.write(batch({ counts: [count(T0, 'valid', 3), count(T0, 'rate_limited', 1)] }))
      expect(await backend.buckets(id, 'minute', T0, T0 + 2 * MINUTE)).toEqual([
        { start: T0, outcomes: { valid: 5, rate_limited: 1 } },
        { start: T0 + MINUTE, outcomes: { valid: 1 } },
      ])
      expect(await backend.buckets(id, 'minute', T0 + MINUTE, T0 + 2 * MINUTE)).toEqual([
        { start: T0 + MINUTE, outcomes: { valid: 1 } },
      ])
      expect(await backend.buckets(id, 'minute', T0, T0 + MINUTE)).toEqual([
        { start: T0, outcomes: { valid: 5, rate_limited: 1 } },
      ])
      expect(await backend.buckets(id, 'hour', T0, T0 + DAY)).toEqual([])
      expect(await backend.buckets(keyId(), 'minute', T0, T0 + DAY)).toEqual([])
    })

    it('keeps each granularity apart and sums totals per key in one read', async () => {
      const backend = await factory()
      const [a, b, unused] = [keyId(), keyId(), keyId()]
      await backend.write(
        batch({
          counts: [
            { keyId: a, granularity: 'hour', start: T0, outcome: 'valid', count: 4 },
            { keyId: a, granularity: 'hour', start: T0 + HOUR, outcome: 'valid', count: 1 },
            { keyId: a, granularity: 'hour', start: T0 + HOUR, outcome: 'expired_token', count: 2 },
            { keyId: a, granularity: 'day', start: T0, outcome: 'valid', count: 5 },
            {
              keyId: b,
              granularity: 'hour',
              start: T0 + 2 * HOUR,
              outcome: 'revoked_token',
              count: 7,
            },
          ],
        }),
      )
      const totals = await backend.totals([a, b, unused], 'hour', T0, T0 + DAY)
      expect(totals.get(a)).toEqual({ valid: 5, expired_token: 2 })
      expect(totals.get(b)).toEqual({ revoked_token: 7 })
      expect(totals.has(unused)).toBe(false)
      expect((await backend.totals([a], 'hour', T0 + HOUR, T0 + DAY)).get(a)).toEqual({
        valid: 1,
        expired_token: 2,
      })
      expect(await backend.buckets(a, 'day', T0, T0 + DAY)).toEqual([
        { start: T0, outcomes: { valid: 5 } },
      ])
    })

    it('keeps the latest last use, with its address and user agent when known', async () => {
      const backend = await factory()
      const [a, b] = [keyId(), keyId()]
      const used = { keyId: a, at: T0 + 2_000, ip: '203.0.113.7', userAgent: 'curl/8.5' }
      await backend.write(batch({ lastUses: [used, { keyId: b, at: T0 }] }))
      await backend.write(batch({ lastUses: [{ keyId: a, at: T0 + 1_000, ip: '198.51.100.1' }] }))
      const found = await backend.whereFrom([a, b, keyId()])
      expect(found.get(a)?.lastUse).toEqual({
        at: T0 + 2_000,
        ip: '203.0.113.7',
        userAgent: 'curl/8.5',
      })
      expect(found.get(b)?.lastUse).toEqual({ at: T0 })
      expect(found.size).toBe(2)
      await backend.write(batch({ lastUses: [{ keyId: a, at: T0 + 3_000 }] }))
      expect((await backend.whereFrom([a])).get(a)?.lastUse).toEqual({ at: T0 + 3_000 })
    })

    it('keeps the last 5 distinct addresses, newest first, with first and last seen', async () => {
      const backend = await factory()
      const id = keyId()
      const seen = (n: number, firstSeen: number, lastSeen: number) => ({
        keyId: id,
        ip: `203.0.113.${n}`,
        firstSeen,
        lastSeen,
      })
      await backend.write(batch({ addresses: [1, 2, 3, 4].map((n) => seen(n, T0 + n, T0 + n)) }))
      await backend.write(
        batch({ addresses: [seen(1, T0 + 10, T0 + 20), seen(5, T0 + 5, T0 + 5)] }),
      )
      await backend.write(batch({ addresses: [seen(6, T0 + 6, T0 + 6)] }))
      const { recentIps } = (await backend.whereFrom([id])).get(id)!
      expect(recentIps).toEqual([
        { ip: '203.0.113.1', firstSeen: T0 + 1, lastSeen: T0 + 20 },
        { ip: '203.0.113.6', firstSeen: T0 + 6, lastSeen: T0 + 6 },
        { ip: '203.0.113.5', firstSeen: T0 + 5, lastSeen: T0 + 5 },
        { ip: '203.0.113.4', firstSeen: T0 + 4, lastSeen: T0 + 4 },
        { ip: '203.0.113.3', firstSeen: T0 + 3, lastSeen: T0 + 3 },
      ])
    })

    it('prunes buckets older than a write’s cut-offs, per granularity', async () => {
      const backend = await factory()
      const id = keyId()
      const rows = (['minute', 'hour', 'day'] as const).flatMap((granularity) =>
        [T0 - 2 * DAY, T0].map((start) => ({
          keyId: id,
          granularity,
          start,
          outcome: 'valid' as const,
          count: 1,
        })),
      )
      await backend.write(batch({ counts: rows }))
      await backend.write(
        batch({
          counts: [{ keyId: id, granularity: 'minute', start: T0, outcome: 'valid', count: 1 }],
          pruneBefore: { minute: T0 - DAY, hour: 0, day: T0 - DAY },
        }),
      )
      expect(await backend.buckets(id, 'minute', 0, T0 + DAY)).toEqual([
        { start: T0, outcomes: { valid: 2 } },
      ])
      expect((await backend.buckets(id, 'hour', 0, T0 + DAY)).map((b) => b.start)).toEqual([
        T0 - 2 * DAY,
        T0,
      ])
      expect((await backend.buckets(id, 'day', 0, T0 + DAY)).map((b) => b.start)).toEqual([T0])
    })
  })
}
