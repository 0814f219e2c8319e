import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, DAY, T0 } from '../../test/keyward.js'
import { MemoryAuditLog } from '../backends/memory-audit-log.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { InvalidArgumentError } from '../errors.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { AuditEvent, AuditLog, KeyEvent } from '../types.js'
import { auditEventOf } from './audit.js'

const scopes = defineScopes({ 'projects:read': 'Read', 'projects:write': 'Write' })

/** A memory log that counts its appends. */
function countingLog() {
  const inner = new MemoryAuditLog({ now: () => T0 })
  const appends: AuditEvent[][] = []
  const log: AuditLog = {
    append: async (events) => {
      appends.push([...events])
      await inner.append(events)
    },
    list: (options) => inner.list(options),
  }
  return { log, appends }
}

const input = { name: 'CI', ownerId: 'org_1', scopes: ['projects:read' as const], expiresIn: '30d' }

describe('keyward.audit', () => {
  it('keeps every lifecycle operation once flushed, with actor, changes and origin, never a secret', async () => {
    const { log } = countingLog()
    const { keyward, store, clock } = clockedKeyward(scopes, { audit: { log } })
    // One second apart, so the log's newest-first order is the order they were made in.
    const step = <T>(result: T) => {
      clock.now += 1_000
      return result
    }
    const http = { actor: 'person:ada', clientIp: '203.0.113.9', userAgent: 'Mozilla/5.0' }
    const { token, key } = step(await keyward.keys.create(input, http))
    step(await keyward.keys.update(key.id, { name: 'CI 2', scopes: [] }, { actor: 'person:ada' }))
    step(await keyward.keys.suspend(key.id, { reason: 'odd traffic' }))
    step(await keyward.keys.resume(key.id))
    const rotatedAt = clock.now
    const rotated = step(await keyward.keys.rotate(key.id, { gracePeriod: '1h' }))
    step(await keyward.keys.revoke(rotated.key.id))
    step(await keyward.keys.revokeAll({ ownerId: 'org_1' }))
    await keyward.keys.revokeAll()
    await keyward.audit.flush()

    const { events } = await keyward.audit.list({ ownerId: 'org_1' })
    expect(events.map((event) => [event.type, event.keyId])).toEqual([
      ['revoked_all', undefined],
      ['revoked', rotated.key.id],
      ['rotated', key.id],
      ['resumed', key.id],
      ['suspended', key.id],
      ['updated', key.id],
      ['created', key.id],
    ])
    const [, , rotation, , suspension, update, creation] = events
    expect(creation).toMatchObject({ actor: 'person:ada', clientIp: '203.0.113.9' })
    expect(creation!.userAgent).toBe('Mozilla/5.0')
    expect(creation!.changes).toMatchObject({
      name: { after: 'CI' },
      scopes: { after: ['projects:read'] },
    })
    expect(update!.changes).toStrictEqual({
      name: { before: 'CI', after: 'CI 2' },
      scopes: { before: ['projects:read'], after: [] },
    })
    expect(update).not.toHaveProperty('clientIp')
    expect(suspension!.data).toStrictEqual({ reason: 'odd traffic' })
    expect(rotation!.data).toStrictEqual({ successorId: rotated.key.id })
    expect(rotation!.changes).toStrictEqual({
      expiresAt: { before: key.expiresAt, after: rotatedAt + 3_600_000 },
    })
    const global = await keyward.audit.list({ ownerId: '*' })
    expect(global.events.map((event) => event.type)).toEqual(['revoked_all'])
    const stored = JSON.stringify([events, global])
    const record = await store.findByHash((await store.get(key.id))!.hash)
    for (const secret of [token, rotated.token, record!.hash]) expect(stored).not.toContain(secret)
  })

  it('writes off the request path: nothing until the flush interval, then one append per batch', async () => {
    const { log, appends } = countingLog()
    const keyward = createKeyward({ scopes, audit: { log, flushInterval: 40 } })
    await keyward.keys.create(input)
    await keyward.keys.create(input)
    expect(appends).toHaveLength(0)
    await vi.waitFor(() => expect(appends).toHaveLength(1), { timeout: 2_000, interval: 10 })
    expect(appends[0]!.map((event) => event.type)).toEqual(['created', 'created'])
    await keyward.close()
  })

  it('flushes what is buffered on close(), so a normal shutdown loses nothing', async () => {
    const { log, appends } = countingLog()
    const keyward = createKeyward({ scopes, audit: { log, flushInterval: 600_000 } })
    const { key } = await keyward.keys.create(input)
    await keyward.keys.revoke(key.id)
    await keyward.close()
    expect(appends.flat().map((event) => event.type)).toEqual(['created', 'revoked'])
  })

  /** A log whose appends reject with "log down" while `fail.now`, and land otherwise. */
  function failingLog() {
    const { log: inner } = countingLog()
    const fail = { now: true }
    const log: AuditLog = {
      append: (events) => (fail.now ? Promise.reject(new Error('log down')) : inner.append(events)),
      list: (options) => inner.list(options),
    }
    return { log, fail }
  }

  it('keeps events of a failed append for the next flush and tells onError; the change stands', async () => {
    const { log, fail } = failingLog()
    const onError = vi.fn()
    const { keyward, clock } = clockedKeyward(scopes, { audit: { log }, onError })
    const { key } = await keyward.keys.create(input)
    await keyward.audit.flush()
    clock.now += 1_000
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'log down' }))
    expect(await keyward.keys.get(key.id)).toBeDefined()
    fail.now = false
    await keyward.keys.revoke(key.id)
    await keyward.audit.flush()
    const { events } = await keyward.audit.list({ ownerId: 'org_1' })
    expect(events.map((event) => event.type)).toEqual(['revoked', 'created'])
  })

  it('tells onError once per outage, however many flushes fail, and again after a recovery', async () => {
    const { log, fail } = failingLog()
    const onError = vi.fn()
    const { keyward } = clockedKeyward(scopes, { audit: { log }, onError })
    const { key } = await keyward.keys.create(input)
    for (let i = 0; i < 5; i++) await keyward.audit.flush()
    expect(onError).toHaveBeenCalledTimes(1)
    fail.now = false
    await keyward.audit.flush()
    fail.now = true
    await keyward.keys.revoke(key.id)
    await keyward.audit.flush()
    await keyward.audit.flush()
    expect(onError).toHaveBeenCalledTimes(2)
  })

  it('pages with filters and instants, and refuses bad options with 422 naming the field', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    const first = await keyward.keys.create(input)
    clock.now += DAY
    await keyward.keys.create(input)
    // A second apart: events of the same instant are ordered by their random ids.
    clock.now += 1_000
    await keyward.keys.revoke(first.key.id, { actor: 'person:bob' })
    await keyward.audit.flush()
    const page = await keyward.audit.list({ ownerId: 'org_1', limit: 1 })
    expect(page.events).toHaveLength(1)
    const next = await keyward.audit.list({ ownerId: 'org_1', limit: 2, cursor: page.nextCursor! })
    expect(next.events.map((event) => event.type)).toEqual(['created', 'created'])
    expect(next.nextCursor).toBeNull()
    const byKey = await keyward.audit.list({ ownerId: 'org_1', keyId: first.key.id })
    expect(byKey.events.map((event) => event.type)).toEqual(['revoked', 'created'])
    const before = await keyward.audit.list({ ownerId: 'org_1', to: new Date(T0 + 1) })
    expect(before.events.map((event) => event.keyId)).toEqual([first.key.id])
    const since = await keyward.audit.list({
      ownerId: 'org_1',
      from: new Date(T0 + DAY).toISOString(),
      actor: 'person:bob',
    })
    expect(since.events.map((event) => event.type)).toEqual(['revoked'])
    for (const [options, field] of [
      [{ limit: 101 }, 'limit'],
      [{ cursor: 'forged' }, 'cursor'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: T0 + 5, to: T0 + 5 }, 'to'],
      [{ type: 'CREATED' }, 'type'],
      [{ ownerId: 42 }, 'ownerId'],
    ] as const) {
      const error = await keyward.audit
        .list({ ownerId: 'org_1', ...options } as never)
        .catch((reason: unknown) => reason)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ status: 422, field })
    }
  })

  it('refuses a bad audit option with a TypeError at construction', () => {
    expect(() => createKeyward({ audit: 'on' as never })).toThrow(/^audit must be an object/)
    expect(() => createKeyward({ audit: { log: {} as never } })).toThrow(
      /^audit\.log must implement append, list/,
    )
    expect(() => createKeyward({ audit: { flushInterval: 0 } })).toThrow(
      'audit.flushInterval must be a positive integer of milliseconds',
    )
    expect(() =>
      createKeyward({ store: new MemoryTokenStore(), audit: { flushInterval: 2 ** 40 } }),
    ).toThrow(/^audit\.flushInterval must be a positive integer of milliseconds up to/)
  })

  it('keeps an event of a type it has never heard of, with its key, owner and plain fields', () => {
    const key = {
      id: 'key_0123456789ABCDEF',
      ownerId: 'org_9',
      name: 'n',
      prefix: 'kw_live',
      hint: 'kw_live_Ab12…',
      scopes: [],
      createdAt: T0,
      expiresAt: T0 + DAY,
    }
    const event = {
      type: 'expiring',
      key,
      daysLeft: 7,
      thresholds: ['7d'],
      mixed: ['7d', { at: T0 }],
      previousExpiresAt: T0,
      token: 'kw_live_secret',
      nested: { hash: 'x' },
      at: T0,
      actor: 'policy',
    } as unknown as KeyEvent
    expect(auditEventOf(event, undefined)).toStrictEqual({
      id: expect.stringMatching(/^evt_[0-9A-Za-z]{16}$/),
      at: T0,
      type: 'expiring',
      ownerId: 'org_9',
      keyId: key.id,
      actor: 'policy',
      data: { daysLeft: 7, thresholds: ['7d'], previousExpiresAt: T0 },
    })
    const long = auditEventOf(event, { userAgent: 'x'.repeat(1_000), clientIp: '::1' })
    expect(long.userAgent).toHaveLength(256)
    expect(long.clientIp).toBe('::1')
  })

  it('shows the fields a key was created or imported with, and only the fields an update changed', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    const { key } = await keyward.keys.create(input)
    clock.now += 1_000
    await keyward.keys.update(key.id, { metadata: { team: 'ops' } })
    clock.now += 1_000
    const legacy = `sk_${'1'.repeat(40)}`
    const imported = createKeyward({ scopes, legacyTokens: /^sk_[0-9a-f]{40}$/ })
    await imported.keys.import([{ ...input, token: legacy, metadata: { from: 'old' } }])
    await Promise.all([keyward.audit.flush(), imported.audit.flush()])
    const { events } = await keyward.audit.list({ ownerId: 'org_1' })
    const [update, creation] = events
    expect(creation!.changes).toStrictEqual({
      name: { after: 'CI' },
      scopes: { after: ['projects:read'] },
      expiresAt: { after: key.expiresAt },
    })
    expect(creation).not.toHaveProperty('data')
    expect(update!.changes).toEqual({ metadata: { after: { team: 'ops' } } })
    expect(update).not.toHaveProperty('data')
    const [importing] = (await imported.audit.list({ ownerId: 'org_1' })).events
    expect(importing!.changes).toMatchObject({
      name: { after: 'CI' },
      metadata: { after: { from: 'old' } },
    })
  })

  it('keeps what a leak report said, its boolean revoked too', async () => {
    const { keyward } = clockedKeyward(scopes)
    const { token, key } = await keyward.keys.create(input)
    await keyward.keys.reportLeak(token, { url: 'https://example.com/x', reporter: 'github' })
    await keyward.audit.flush()
    const [leaked] = (await keyward.audit.list({ ownerId: 'org_1', type: 'leaked' })).events
    expect(leaked).toMatchObject({ keyId: key.id })
    expect(leaked!.data).toStrictEqual({
      revoked: true,
      url: 'https://example.com/x',
      reporter: 'github',
    })
  })

  it('lists a window between from and to, and says what is wrong with a bad query', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    await keyward.keys.create(input)
    clock.now += DAY
    await keyward.keys.create(input)
    await keyward.audit.flush()
    const window = await keyward.audit.list({ ownerId: 'org_1', from: T0 - 1, to: T0 + 1 })
    expect(window.events.map((event) => event.at)).toEqual([T0])
    const refusal = (query: unknown) =>
      keyward.audit.list(query as never).catch((reason: unknown) => reason)
    expect(await refusal('org_1')).toMatchObject({
      field: 'options',
      message: 'options must be an object.',
    })
    expect(await refusal({ ownerId: 'org_1', from: T0 + 1, to: T0 })).toMatchObject({
      field: 'to',
      message: 'to must be after from.',
    })
  })

  it('rejects unavailable (503) when the log cannot be read', async () => {
    const log: AuditLog = {
      append: async () => {},
      list: () => Promise.reject(new Error('connection refused')),
    }
    const keyward = createKeyward({ scopes, audit: { log } })
    const error = await keyward.audit.list({ ownerId: 'org_1' }).catch((reason: unknown) => reason)
    expect(error).toMatchObject({
      code: 'unavailable',
      status: 503,
      message: 'The audit log is unavailable.',
    })
  })
})
