import { afterEach, describe, expect, it, vi } from 'vitest'
import { clockedKeyward, DAY, T0 } from '../../test/keyward.js'
import { outcome } from '../../test/outcome.js'
import { MemoryUsageBackend } from '../backends/memory-usage-backend.js'
import type { KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { UsageBatch } from '../types.js'
import type { UsageOptions } from './options.js'

const MINUTE = 60_000
const HOUR = 3_600_000
const scopes = defineScopes({ 'projects:read': 'Read', 'projects:write': 'Write' })
const base = { name: 'CI', ownerId: 'org_1', scopes: ['projects:read' as const], expiresIn: '30d' }

/** A keyward on a hand-driven clock whose usage backend records every batch it is given. */
function setup(
  options: Omit<Partial<KeywardOptions<'projects:read' | 'projects:write'>>, 'usage'> & {
    usage?: UsageOptions
  } = {},
) {
  const backend = options.usage?.backend ?? new MemoryUsageBackend()
  const writes: UsageBatch[] = []
  const write = backend.write.bind(backend)
  backend.write = (batch) => {
    writes.push(batch)
    return write(batch)
  }
  const built = clockedKeyward(scopes, { ...options, usage: { ...options.usage, backend } })
  return { ...built, backend, writes, usage: built.keyward.usage! }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('usage', () => {
  it('counts valid uses in minute buckets rolled up to hours and UTC days, at their boundaries', async () => {
    const { keyward, clock, usage } = setup()
    const { token, key } = await keyward.keys.create(base)
    for (const at of [T0 + 59_999, T0 + MINUTE, T0 + HOUR - 1, T0 + HOUR, T0 + DAY]) {
      clock.now = at
      await keyward.verify(token)
    }
    await usage.flush()
    clock.now = T0 + DAY + MINUTE
    const minutes = await usage.get(key.id, {
      from: T0,
      to: T0 + 2 * MINUTE,
      granularity: 'minute',
    })
    expect(minutes).toEqual({
      keyId: key.id,
      granularity: 'minute',
      buckets: [
        { start: T0, outcomes: { valid: 1 } },
        { start: T0 + MINUTE, outcomes: { valid: 1 } },
      ],
    })
    const hours = await usage.get(key.id, { from: T0, to: T0 + 2 * HOUR, granularity: 'hour' })
    expect(hours.buckets).toEqual([
      { start: T0, outcomes: { valid: 3 } },
      { start: T0 + HOUR, outcomes: { valid: 1 } },
    ])
    const days = await usage.get(key.id, {
      from: new Date(T0).toISOString(),
      to: T0 + 2 * DAY,
      granularity: 'day',
    })
    expect(days.buckets).toEqual([
      { start: T0, outcomes: { valid: 4 } },
      { start: T0 + DAY, outcomes: { valid: 1 } },
    ])
    // `from` is floored to its bucket; empty buckets are there, as `{}`.
    const floored = await usage.get(key.id, { from: T0 + 30 * MINUTE, to: T0 + 3 * HOUR })
    expect(floored.buckets.map((bucket) => bucket.start)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR])
    expect(floored.buckets[2]).toEqual({ start: T0 + 2 * HOUR, outcomes: {} })
  })

  it('counts each refusal that names a key against it, and unknown or malformed tokens per deployment', async () => {
    const { keyward, clock, usage } = setup()
    const limited = await keyward.keys.create({
      ...base,
      rateLimits: [{ name: 'burst', limit: 1, window: '1h' }],
    })
    const metered = await keyward.keys.create({ ...base, credits: { remaining: 1 } })
    const fenced = await keyward.keys.create({ ...base, allowedIps: ['203.0.113.0/24'] })
    const plain = await keyward.keys.create(base)
    const suspended = await keyward.keys.create(base)
    const revoked = await keyward.keys.create(base)
    await keyward.keys.suspend(suspended.key.id)
    await keyward.keys.revoke(revoked.key.id)
    const expected: [Promise<unknown>, string][] = [
      [keyward.verify(limited.token), 'ok'],
      [keyward.verify(limited.token), 'rate_limited'],
      [keyward.verify(metered.token), 'ok'],
      [keyward.verify(metered.token), 'usage_exceeded'],
      [keyward.verify(fenced.token, { clientIp: '198.51.100.1' }), 'ip_not_allowed'],
      [keyward.verify(plain.token, { scopes: ['projects:write'] }), 'insufficient_scope'],
      [keyward.verify(suspended.token), 'suspended_token'],
      [keyward.verify(revoked.token), 'revoked_token'],
      [keyward.verify(`${plain.token.slice(0, -3)}abc`), 'malformed_token'],
      [keyward.verify('kw_live_nope'), 'malformed_token'],
    ]
    for (const [promise, code] of expected) expect(await outcome(promise)).toBe(code)
    const forged = plain.token.replace(/_[^_]+$/, '_') + 'A'.repeat(32)
    expect(await outcome(keyward.verify(forged))).toMatch(/unknown_token|malformed_token/)
    clock.now = T0 + 31 * DAY
    expect(await outcome(keyward.verify(plain.token))).toBe('expired_token')
    await usage.flush()
    const totals = async (id: string) =>
      (await usage.get(id, { from: T0, to: T0 + 32 * DAY, granularity: 'day' })).buckets.reduce(
        (sum, bucket) => {
          for (const [name, n] of Object.entries(bucket.outcomes)) sum[name] = (sum[name] ?? 0) + n
          return sum
        },
        {} as Record<string, number>,
      )
    expect(await totals(limited.key.id)).toEqual({ valid: 1, rate_limited: 1 })
    expect(await totals(metered.key.id)).toEqual({ valid: 1, usage_exceeded: 1 })
    expect(await totals(fenced.key.id)).toEqual({ ip_not_allowed: 1 })
    expect(await totals(plain.key.id)).toEqual({ insufficient_scope: 1, expired_token: 1 })
    expect(await totals(suspended.key.id)).toEqual({ suspended_token: 1 })
    expect(await totals(revoked.key.id)).toEqual({ revoked_token: 1 })
    const deployment = await usage.deployment({ from: T0, to: T0 + 32 * DAY, granularity: 'day' })
    const unattributed = deployment.buckets.flatMap((bucket) => Object.entries(bucket.outcomes))
    expect(unattributed.reduce((sum, [, n]) => sum + n, 0)).toBe(3)
    // A refusal is no use: the last use stays the valid one.
    expect((await keyward.keys.get(plain.key.id))?.lastUsed).toBeUndefined()
  })

  it('summarises an owner’s keys in one backend read, never another owner’s', async () => {
    const { keyward, clock, usage, backend } = setup()
    const a = await keyward.keys.create(base)
    const b = await keyward.keys.create(base)
    const other = await keyward.keys.create({ ...base, ownerId: 'org_2' })
    await keyward.verify(a.token)
    await keyward.verify(a.token)
    await keyward.verify(other.token)
    await usage.flush()
    clock.now += HOUR
    const totals = vi.spyOn(backend, 'totals')
    const summary = await usage.summary('org_1')
    expect(totals).toHaveBeenCalledTimes(1)
    expect(summary.keys).toHaveLength(2)
    expect(summary.keys).toEqual(
      expect.arrayContaining([
        { keyId: a.key.id, outcomes: { valid: 2 } },
        { keyId: b.key.id, outcomes: {} },
      ]),
    )
    expect(summary.granularity).toBe('hour')
  })

  it('prunes buckets past their retention on a later flush', async () => {
    const { keyward, clock, usage } = setup({ usage: { retention: { minutes: '1h' } } })
    const { token, key } = await keyward.keys.create(base)
    await keyward.verify(token)
    await usage.flush()
    clock.now = T0 + 2 * HOUR
    await keyward.verify(token)
    await usage.flush()
    const minutes = await usage.get(key.id, { from: T0, to: T0 + 3 * HOUR, granularity: 'minute' })
    expect(minutes.buckets.filter((b) => b.outcomes.valid)).toEqual([
      { start: T0 + 2 * HOUR, outcomes: { valid: 1 } },
    ])
    const hours = await usage.get(key.id, { from: T0, to: T0 + 3 * HOUR, granularity: 'hour' })
    expect(hours.buckets.filter((b) => b.outcomes.valid).length).toBe(2)
  })

  it('keeps where a key was used from: address, user agent (256 characters), last 5 addresses', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(base)
    for (let n = 1; n <= 7; n++) {
      clock.now = T0 + n * 1_000
      await keyward.verify(token, { clientIp: `203.0.113.${n}`, userAgent: 'x'.repeat(300) })
    }
    await keyward.verify(token, { clientIp: '203.0.113.3' })
    await keyward.usage!.flush()
    const read = await keyward.keys.get(key.id)
    expect(read?.lastUsed).toEqual({ at: T0 + 7_000, ip: '203.0.113.3' })
    expect(read?.recentIps?.map((address) => address.ip)).toEqual([
      '203.0.113.3',
      '203.0.113.7',
      '203.0.113.6',
      '203.0.113.5',
      '203.0.113.4',
    ])
    expect(read?.recentIps?.[0]).toEqual({
      ip: '203.0.113.3',
      firstSeen: T0 + 3_000,
      lastSeen: T0 + 7_000,
    })
    await keyward.verify(token, { userAgent: 'y'.repeat(300) })
    expect((await keyward.keys.get(key.id))?.lastUsed?.userAgent).toBe('y'.repeat(256))
  })

  it('truncates addresses to /24 and /48, or keeps none', async () => {
    const truncated = setup({ usage: { addresses: 'truncated' } })
    const a = await truncated.keyward.keys.create(base)
    await truncated.keyward.verify(a.token, { clientIp: '203.0.113.77' })
    expect((await truncated.keyward.keys.get(a.key.id))?.lastUsed?.ip).toBe('203.0.113.0')
    await truncated.keyward.verify(a.token, { clientIp: '2001:db8:1:2:3::5' })
    expect((await truncated.keyward.keys.get(a.key.id))?.lastUsed?.ip).toBe('2001:db8:1::')
    await truncated.usage.flush()
    expect(JSON.stringify(truncated.writes)).not.toMatch(/203\.0\.113\.77|2001:db8:1:2/)

    const off = setup({ usage: { addresses: 'off' } })
    const b = await off.keyward.keys.create(base)
    await off.keyward.verify(b.token, { clientIp: '203.0.113.77', userAgent: 'curl/8.5' })
    await off.usage.flush()
    expect(await off.keyward.keys.get(b.key.id)).toMatchObject({
      lastUsed: { at: T0, userAgent: 'curl/8.5' },
      recentIps: [],
    })
    expect(JSON.stringify(off.writes)).not.toContain('203.0.113')
  })

  it('writes one batch per flushInterval by itself, and what is left on close()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { keyward, writes } = setup({ usage: { flushInterval: 5_000 } })
    const { token, key } = await keyward.keys.create(base)
    for (let n = 0; n < 100; n++) await keyward.verify(token)
    expect(writes).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(writes).toHaveLength(1)
    for (let n = 0; n < 10; n++) await keyward.verify(token)
    await keyward.close()
    expect(writes).toHaveLength(2)
    const minutes = await keyward.usage!.get(key.id, {
      from: T0,
      to: T0 + 1,
      granularity: 'minute',
    })
    expect(minutes.buckets).toEqual([{ start: T0, outcomes: { valid: 110 } }])
  })

  it('keeps a batch the backend refused for the next flush: nothing lost, nothing counted twice', async () => {
    const errors: unknown[] = []
    const { keyward, usage, backend, clock } = setup({ onError: (error) => errors.push(error) })
    const { token, key } = await keyward.keys.create(base)
    const write = backend.write.bind(backend)
    backend.write = () => Promise.reject(new Error('down'))
    for (let n = 0; n < 3; n++) await keyward.verify(token, { clientIp: '203.0.113.1' })
    await usage.flush()
    expect(errors).toHaveLength(1)
    backend.write = write
    clock.now += 1_000
    for (let n = 0; n < 2; n++) await keyward.verify(token, { clientIp: '203.0.113.2' })
    await usage.flush()
    await usage.flush()
    const { buckets } = await usage.get(key.id, {
      from: T0,
      to: T0 + MINUTE,
      granularity: 'minute',
    })
    expect(buckets).toEqual([{ start: T0, outcomes: { valid: 5 } }])
    expect((await backend.whereFrom([key.id])).get(key.id)?.recentIps.map((a) => a.ip)).toEqual([
      '203.0.113.2',
      '203.0.113.1',
    ])
  })

  it('rejects bad reads naming the field (422)', async () => {
    const { keyward, usage } = setup()
    const { key } = await keyward.keys.create(base)
    const field = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { field?: string; status?: number }) => `${error.status} ${error.field}`,
      )
    expect(await field(usage.get(key.id, { granularity: 'week' as 'day' }))).toBe('422 granularity')
    expect(await field(usage.get(key.id, { from: 'yesterday' }))).toBe('422 from')
    expect(await field(usage.get(key.id, { from: T0 + HOUR, to: T0 }))).toBe('422 to')
    expect(await field(usage.get(key.id, { from: 0, to: T0, granularity: 'minute' }))).toBe(
      '422 from',
    )
    expect(await field(usage.summary('org_1', { to: 'soon' }))).toBe('422 to')
  })
})
