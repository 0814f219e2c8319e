import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, DAY, recordingStore, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { MemoryUsageBackend } from '../backends/memory-usage-backend.js'
import type { KeywardError } from '../errors.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyRecord, RevocationEvent, TokenClaims, TokenKind } from '../types.js'
import { intersectGrants } from './entry.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'reports:read': 'Read reports',
})

const code = outcome
const input = projectKey
/** The sample key without `projects:write`, for refusals on scope. */
const readOnly = { ...projectKey, scopes: ['projects:read'] as const }

const setup = (options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) =>
  clockedKeyward(scopes, options)

/** A store whose `findByHash` reads at once but answers only when released: a lookup in flight. */
class SlowStore extends MemoryTokenStore {
  held: Array<() => void> = []
  slow = false

  override async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const record = await super.findByHash(hash)
    if (!this.slow) return record
    await new Promise<void>((resolve) => this.held.push(resolve))
    return record
  }
}

/** A memory list that can also announce a `reset`, as a shared list does after a reconnect. */
class ResettableRevocationList extends MemoryRevocationList {
  readonly #listeners = new Set<(event: RevocationEvent) => void>()

  override subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.#listeners.add(listener)
    const stop = super.subscribe(listener)
    return () => {
      this.#listeners.delete(listener)
      stop()
    }
  }

  reset(): void {
    for (const listener of this.#listeners) listener({ type: 'reset' })
  }
}

describe('a lookup in flight never caches what an eviction overtook', () => {
  it.each([
    ['narrowed on this instance', 'here'],
    ['narrowed on another instance sharing the store and list', 'elsewhere'],
  ])('%s', async (_, where) => {
    const clock = { now: T0 }
    const store = new SlowStore()
    const revocations = new MemoryRevocationList({ now: () => clock.now })
    const keyward = createKeyward({ scopes, store, revocations, now: () => clock.now })
    const other = createKeyward({ scopes, store, revocations, now: () => clock.now })
    const { token, key } = await keyward.keys.create(input)
    store.slow = true
    const inFlight = keyward.verify(token, { scopes: ['projects:write'] })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.held).toHaveLength(1)
    store.slow = false
    await (where === 'here' ? keyward : other).keys.update(key.id, { scopes: ['projects:read'] })
    store.held[0]!()
    // The verification that started before the change may answer as of then …
    await inFlight
    // … but what it read must not be cached: from now on the narrowed scopes hold.
    expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
    clock.now += 30_000
    expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
  })

  /** A key whose store read is held; `release` lets it answer and checks what is cached after. */
  async function heldLookup(
    options: Partial<KeywardOptions<keyof typeof scopes.descriptions>>,
    before?: (revocations: ResettableRevocationList) => Promise<void>,
  ) {
    const clock = { now: T0 }
    const store = new SlowStore()
    const revocations = new ResettableRevocationList({ now: () => clock.now })
    const keyward = createKeyward({ scopes, store, revocations, now: () => clock.now, ...options })
    const { token, key } = await keyward.keys.create(input)
    await before?.(revocations)
    store.slow = true
    const inFlight = keyward.verify(token, { scopes: ['projects:write'] })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.held).toHaveLength(1)
    store.slow = false
    const release = async () => {
      store.held[0]!()
      await inFlight
      // From now on the narrowed scopes hold, however long the old read would have been cached.
      expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
        'insufficient_scope',
      )
      clock.now += 30_000
      expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
        'insufficient_scope',
      )
    }
    return { keyward, store, revocations, key, release }
  }

  it('narrowed without an event, then a reset: the held read is not cached', async () => {
    const { store, revocations, key, release } = await heldLookup({})
    await store.update(key.id, { scopes: ['projects:read'] })
    revocations.reset()
    await release()
  })

  it('narrowed, then its eviction falls out of the per-id table under a burst of others', async () => {
    const { keyward, revocations, key, release } = await heldLookup({ cache: { max: 1 } })
    await keyward.keys.update(key.id, { scopes: ['projects:read'] })
    // More evictions than the per-id table keeps (at least 1 000): the key's own is dropped.
    for (let i = 0; i < 1_100; i++) await revocations.publishUpdate(`key_other${i}`)
    await release()
  })

  it('a reset, then an eviction recorded before it falls out of the per-id table: the reset still holds', async () => {
    const { store, revocations, key, release } = await heldLookup(
      { cache: { max: 1 } },
      async (list) => {
        // The per-id table (1 000 ids) is full before the read starts.
        for (let i = 0; i < 1_000; i++) await list.publishUpdate(`key_before${i}`)
      },
    )
    await store.update(key.id, { scopes: ['projects:read'] })
    revocations.reset()
    // One eviction more drops the oldest id, evicted before the reset and the read.
    await revocations.publishUpdate('key_after')
    await release()
  })
})

describe('verify', () => {
  it('verifies a created key and returns the VerifiedKey without the hash', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({ ...input, metadata: { plan: 'pro' } })
    expect(token).toMatch(/^kw_live_[0-9A-Za-z]{38}$/)
    expect(key).not.toHaveProperty('hash')
    expect(key).toMatchObject({
      name: input.name,
      ownerId: input.ownerId,
      scopes: [...input.scopes],
      createdAt: T0,
      expiresAt: T0 + 30 * DAY,
      hint: `kw_live_${token.slice(8, 12)}…`,
      prefix: 'kw_live',
    })
    const verified = await keyward.verify(token, { scopes: ['projects:read'] })
    expect(verified).toEqual({
      id: key.id,
      name: input.name,
      ownerId: input.ownerId,
      scopes: [...input.scopes],
      expiresAt: T0 + 30 * DAY,
      createdAt: T0,
      metadata: { plan: 'pro' },
      kind: 'api_key',
    })
  })

  it('answers each failure with its code, status and challenge', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create(readOnly)
    const unknown = setup().keyward
    // Another last character, always: `x` would change nothing one time in 62.
    const typo = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`
    await expect(keyward.verify(typo)).rejects.toMatchObject({
      code: 'malformed_token',
      status: 401,
      wwwAuthenticate: expect.stringMatching(
        /^Bearer realm="api", error="invalid_token", error_description="/,
      ),
    })
    await expect(unknown.verify(token)).rejects.toMatchObject({
      code: 'unknown_token',
      status: 401,
    })
    await expect(keyward.verify(token, { scopes: ['projects:write'] })).rejects.toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      missingScopes: ['projects:write'],
    })
    await expect(
      keyward.verify(token, { anyScopes: ['projects:write', 'projects:read'] }),
    ).resolves.toMatchObject({ ownerId: input.ownerId })
  })

  it('rejects malformed tokens before hashing or touching the store', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    for (const bad of ['', 'kw_live_', 'Bearer x', `kw_live_${'A'.repeat(38)}`, 'x'.repeat(5000)]) {
      expect(await code(keyward.verify(bad))).toBe('malformed_token')
    }
    expect(calls).toEqual([])
  })

  it('answers malformed_token, without asking the store, for every one-character change to a cached key', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    calls.length = 0
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-'
    for (let index = 0; index < token.length; index++) {
      for (const replacement of [
        alphabet[(alphabet.indexOf(token[index]!) + 1) % alphabet.length]!,
        '-',
      ]) {
        if (replacement === token[index]) continue
        const changed = token.slice(0, index) + replacement + token.slice(index + 1)
        expect(await code(keyward.verify(changed)), changed.slice(0, 12)).toBe('malformed_token')
      }
    }
    expect(calls).toEqual([])
    expect(await code(keyward.verify(token))).toBe('ok')
  })

  it('a one-character change of a cached token is malformed_token without a store read (property)', async () => {
    // The cache hit skips alphabet and checksum (issue 28): a changed token's hash is never a
    // cached one, so it misses and must still fail step 1 before the negative cache or store.
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const tokens: string[] = []
    for (let i = 0; i < 3; i++) tokens.push((await keyward.keys.create(input)).token)
    for (const token of tokens) expect(await code(keyward.verify(token))).toBe('ok')
    calls.length = 0
    const character = fc.oneof(
      fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-. '),
      fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...tokens),
        fc.nat(),
        character,
        async (token, at, replacement) => {
          const index = at % token.length
          fc.pre(replacement !== token[index])
          const changed = token.slice(0, index) + replacement + token.slice(index + 1)
          expect(await code(keyward.verify(changed))).toBe('malformed_token')
          expect(await code(Promise.resolve().then(() => keyward.check(changed)))).toBe(
            'malformed_token',
          )
          expect(calls).toEqual([])
        },
      ),
      { numRuns: 500 },
    )
    for (const token of tokens) expect(await code(keyward.verify(token))).toBe('ok')
  })

  it('verifies at expiresAt - 1 and fails at expiresAt', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({ ...input, expiresIn: 3600 })
    clock.now = key.expiresAt - 1
    expect(await code(keyward.verify(token))).toBe('ok')
    clock.now = key.expiresAt
    expect(await code(keyward.verify(token))).toBe('expired_token')
  })

  it('reports revocation before expiry, and expiry before scopes', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(readOnly)
    clock.now = key.expiresAt
    expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe('expired_token')
    clock.now = T0
    await keyward.keys.revoke(key.id)
    expect(await code(keyward.verify(token))).toBe('revoked_token')
  })

  it('answers from the cache without the store, and synchronously through check()', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    const lookups = () => calls.filter(([method]) => method === 'findByHash').length
    expect(lookups()).toBe(1)
    for (let i = 0; i < 10; i++) await keyward.verify(token)
    expect(lookups()).toBe(1)
    const result = keyward.check(token)
    expect(result).not.toBeInstanceOf(Promise)
    expect(result).toMatchObject({ ownerId: input.ownerId })
  })

  it('remembers unknown hashes so a flood of guesses reaches the store once', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { token } = await setup().keyward.keys.create(input)
    for (let i = 0; i < 5; i++) expect(await code(keyward.verify(token))).toBe('unknown_token')
    expect(calls.filter(([method]) => method === 'findByHash')).toHaveLength(1)
  })

  it('fails closed with unavailable (503, Retry-After) when the store fails and nothing is cached', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { token } = await keyward.keys.create(input)
    const broken = setup({
      store: Object.assign(Object.create(store), {
        findByHash: () => Promise.reject(new Error('ECONNREFUSED')),
      }),
    })
    const error = await broken.keyward.verify(token).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'unavailable', status: 503 })
    expect((error as KeywardError).headers()).toEqual({ 'retry-after': '5' })
    expect((error as Error).message).not.toContain('ECONNREFUSED')
    // A store returning garbage is a failing backend too, never an accepted key.
    const corrupt = setup({
      store: Object.assign(Object.create(store), {
        findByHash: async () => ({ id: 'key_x', hash: 'nope' }),
      }),
    })
    expect(await code(corrupt.keyward.verify(token))).toBe('unavailable')
  })

  it('keeps answering from the cache while the store is down', async () => {
    const inner = new MemoryTokenStore()
    let down = false
    const store = new Proxy(inner, {
      get(target, property) {
        const value = Reflect.get(target, property)
        return typeof value === 'function'
          ? (...args: unknown[]) =>
              down ? Promise.reject(new Error('down')) : value.apply(target, args)
          : value
      },
    })
    const { keyward } = setup({ store, onError: () => {} })
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    down = true
    expect(await code(keyward.verify(token))).toBe('ok')
  })

  it('a revocation list that cannot be trusted fails verification closed', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward } = setup({ revocations })
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    const { UnavailableError } = await import('../errors.js')
    vi.spyOn(revocations, 'isRevoked').mockImplementation(() => {
      throw new UnavailableError('The revocation list is stale.')
    })
    expect(await code(keyward.verify(token))).toBe('unavailable')
  })

  it('records each use in memory, never in the store: lastUsedAt is usage’s last use', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const usageBackend = new MemoryUsageBackend()
    const { keyward, clock } = setup({ store, usage: { backend: usageBackend } })
    const { token, key } = await keyward.keys.create(input)
    const writes = () => calls.filter(([method]) => method !== 'findByHash' && method !== 'get')
    const before = writes().length
    await keyward.verify(token, { clientIp: '203.0.113.7', userAgent: 'curl/8.5' })
    clock.now += 59_999
    await keyward.verify(token, { clientIp: '203.0.113.7', userAgent: 'curl/8.5' })
    expect(writes()).toHaveLength(before)
    // Read at once on this instance (not flushed yet), then from the backend after the flush.
    expect((await keyward.keys.get(key.id))?.lastUsedAt).toBe(T0 + 59_999)
    expect(await usageBackend.whereFrom([key.id])).toEqual(new Map())
    await keyward.usage!.flush()
    const other = setup({ store, usage: { backend: usageBackend } }).keyward
    expect(await other.keys.get(key.id)).toMatchObject({
      lastUsedAt: T0 + 59_999,
      lastUsed: { at: T0 + 59_999, ip: '203.0.113.7', userAgent: 'curl/8.5' },
      recentIps: [{ ip: '203.0.113.7', firstSeen: T0, lastSeen: T0 + 59_999 }],
    })
    expect(writes()).toHaveLength(before)
  })

  it('without usage, nothing records a use', async () => {
    const { keyward } = setup({ usage: false })
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    expect(keyward.usage).toBeUndefined()
    expect((await keyward.keys.get(key.id))?.lastUsedAt).toBeUndefined()
  })

  it('with cache.max 0 caches nothing: every verify reads the store, and a revocation tells at once', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store, cache: { max: 0 } })
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    await keyward.verify(token)
    expect(calls.filter(([method]) => method === 'findByHash')).toHaveLength(2)
    await store.update(key.id, { revokedAt: T0 })
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('refuses a token whose store answers another key’s record for its hash', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create(input)
    const recordA = await store.get(a.key.id)
    store.findByHash = async () => recordA
    await expect(keyward.verify(b.token)).rejects.toMatchObject({ code: 'unknown_token' })
  })

  it('answers 503 saying the key store is unavailable when it fails', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { token } = await keyward.keys.create(input)
    store.findByHash = async () => {
      throw new Error('connection refused')
    }
    await expect(keyward.verify(token)).rejects.toMatchObject({
      status: 503,
      message: 'The key store is unavailable.',
    })
  })

  it('does not wait for the usage backend', async () => {
    const usageBackend = new MemoryUsageBackend()
    usageBackend.write = () => new Promise<void>(() => {})
    const { keyward } = setup({ usage: { backend: usageBackend, flushInterval: 1 } })
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('ok')
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await code(keyward.verify(token))).toBe('ok')
  })

  it('never lets the plaintext token reach the store', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    await keyward.keys.update(key.id, { name: 'renamed' })
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: 60 })
    await keyward.verify(rotated.token)
    await keyward.keys.list(input.ownerId)
    await keyward.keys.revoke(rotated.key.id)
    const seen = JSON.stringify(calls)
    expect(calls.length).toBeGreaterThan(5)
    for (const plaintext of [token, rotated.token]) {
      expect(seen).not.toContain(plaintext)
      expect(seen).not.toContain(plaintext.slice(8, 40))
    }
  })
})

describe('cache correctness: a verification cached before a change never succeeds wrongly', () => {
  it('after update (narrowed scopes, earlier expiry)', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token, { scopes: ['projects:write'] })
    await keyward.keys.update(key.id, { scopes: ['projects:read'] })
    expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
    await keyward.keys.update(key.id, { expiresIn: 60 })
    clock.now += 60_000
    expect(await code(keyward.verify(token))).toBe('expired_token')
  })

  it('after revoke', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    expect(await keyward.keys.revoke(key.id)).toBe(true)
    expect(await keyward.keys.revoke(key.id)).toBe(false)
    expect(await code(keyward.verify(token))).toBe('revoked_token')
    expect(await keyward.keys.get(key.id)).toBeUndefined()
    expect(await keyward.keys.list(input.ownerId)).toEqual([])
  })

  it('after rotate without grace: the old token is revoked at once, the new one verifies', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    const rotated = await keyward.keys.rotate(key.id)
    expect(await code(keyward.verify(token))).toBe('revoked_token')
    expect(await keyward.verify(rotated.token)).toMatchObject({ id: rotated.key.id })
    expect(rotated.key).toMatchObject({
      name: key.name,
      ownerId: key.ownerId,
      scopes: key.scopes,
      expiresAt: key.expiresAt,
      rotatedFrom: key.id,
    })
    expect(rotated.key.id).not.toBe(key.id)
  })

  it('after rotate with grace: the old token ends exactly when the grace period does', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: '1h' })
    clock.now = T0 + 3_600_000 - 1
    expect(await code(keyward.verify(token))).toBe('ok')
    expect(await code(keyward.verify(rotated.token))).toBe('ok')
    clock.now = T0 + 3_600_000
    expect(await code(keyward.verify(token))).toBe('expired_token')
    expect(await code(keyward.verify(rotated.token))).toBe('ok')
  })

  it('after revokeAll for an owner and for everyone', async () => {
    const { keyward, clock } = setup()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create({ ...input, ownerId: 'org_7' })
    await keyward.verify(a.token)
    await keyward.verify(b.token)
    clock.now += 1
    expect(await keyward.keys.revokeAll({ ownerId: input.ownerId })).toEqual({
      revokedBefore: T0 + 1,
    })
    expect(await code(keyward.verify(a.token))).toBe('revoked_token')
    expect(await code(keyward.verify(b.token))).toBe('ok')
    clock.now += 1
    const later = await keyward.keys.create(input)
    expect(await code(keyward.verify(later.token))).toBe('ok')
    clock.now += 1
    await keyward.keys.revokeAll()
    expect(await code(keyward.verify(b.token))).toBe('revoked_token')
    expect(await code(keyward.verify(later.token))).toBe('revoked_token')
    clock.now += 1
    expect(await code(keyward.verify((await keyward.keys.create(input)).token))).toBe('ok')
  })

  it('a revocation list without publishUpdate still sees this instance’s own updates at once', async () => {
    const inner = new MemoryRevocationList()
    const revocations = {
      revoke: inner.revoke.bind(inner),
      revokeOwner: inner.revokeOwner.bind(inner),
      revokeAll: inner.revokeAll.bind(inner),
      isRevoked: inner.isRevoked.bind(inner),
      subscribe: inner.subscribe.bind(inner),
      ready: inner.ready.bind(inner),
      close: inner.close.bind(inner),
    }
    const { keyward } = setup({ revocations })
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token, { scopes: ['projects:write'] })
    await keyward.keys.update(key.id, { scopes: ['projects:read'] })
    expect(await code(keyward.verify(token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
  })

  it('an update made through another instance reaches this cache through the revocation list', async () => {
    const store = new MemoryTokenStore()
    const revocations = new MemoryRevocationList()
    const a = createKeyward({ scopes, store, revocations })
    const b = createKeyward({ scopes, store, revocations })
    const { token, key } = await a.keys.create(input)
    await b.verify(token, { scopes: ['projects:write'] })
    await a.keys.update(key.id, { scopes: ['projects:read'] })
    expect(await code(b.verify(token, { scopes: ['projects:write'] }))).toBe('insufficient_scope')
  })
})

describe('token kinds (extension point)', () => {
  it('hands matching tokens to the extension, then applies revocation, expiry and scopes', async () => {
    const { keyward: base } = setup()
    const { key } = await base.keys.create(input)
    let calls = 0
    const clock = { now: T0 }
    const kind = {
      name: 'access_token',
      accepts: (token: string) => token.startsWith('at.'),
      verify: async (token: string) => {
        calls++
        if (token !== 'at.good') throw new Error('bad signature')
        return {
          keyId: key.id,
          ownerId: input.ownerId,
          name: key.name,
          scopes: ['projects:read'],
          issuedAt: T0,
          expiresAt: T0 + 600_000,
          keyCreatedAt: key.createdAt,
        }
      },
    }
    const keyward = createKeyward({
      scopes,
      store: base.store,
      revocations: base.revocations,
      now: () => clock.now,
      tokenKinds: [kind],
    })
    expect(await keyward.verify('at.good', { scopes: ['projects:read'] })).toMatchObject({
      kind: 'access_token',
      id: key.id,
    })
    await keyward.verify('at.good')
    expect(calls).toBe(1)
    expect(await code(keyward.verify('at.bad'))).toBe('malformed_token')
    expect(await code(keyward.verify('at.good', { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
    clock.now = T0 + 600_000
    expect(await code(keyward.verify('at.good'))).toBe('expired_token')
    clock.now = T0
    await base.keys.revoke(key.id)
    expect(await code(keyward.verify('at.good'))).toBe('revoked_token')
  })
})

describe('access tokens are bounded by their parent key on every use', () => {
  /** A token kind whose tokens are `at.<n>`, with claims set by the test. */
  function withAccessTokens() {
    const clock = { now: T0 }
    const claims = new Map<string, TokenClaims>()
    const kind: TokenKind = {
      name: 'access_token',
      accepts: (token) => token.startsWith('at.'),
      verify: async (token) => {
        const found = claims.get(token)
        if (!found) throw new Error('bad signature')
        return found
      },
    }
    const keyward = createKeyward({ scopes, now: () => clock.now, tokenKinds: [kind] })
    const mint = async (token: string, apiKey: string, overrides: Partial<TokenClaims> = {}) => {
      const key = await keyward.verify(apiKey)
      claims.set(token, {
        keyId: key.id,
        ownerId: key.ownerId,
        name: key.name,
        scopes: key.scopes,
        issuedAt: clock.now,
        expiresAt: clock.now + 3_600_000,
        keyCreatedAt: key.createdAt,
        ...overrides,
      })
      return token
    }
    return { keyward, clock, mint }
  }

  it('never grants a scope the parent lost, and reports only what both grant', async () => {
    const { keyward, mint } = withAccessTokens()
    const { token, key } = await keyward.keys.create(input)
    const at = await mint('at.1', token)
    expect((await keyward.verify(at, { scopes: ['projects:write'] })).scopes).toEqual([
      'projects:read',
      'projects:write',
    ])
    await keyward.keys.update(key.id, { scopes: ['projects:read'] })
    expect(await code(keyward.verify(at, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
    expect((await keyward.verify(at)).scopes).toEqual(['projects:read'])
  })

  it('ends when the parent is shortened, rotated with grace, or revoked', async () => {
    const { keyward, clock, mint } = withAccessTokens()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create(input)
    const c = await keyward.keys.create(input)
    const shortened = await mint('at.a', a.token)
    const rotated = await mint('at.b', b.token)
    const revoked = await mint('at.c', c.token)
    for (const token of [shortened, rotated, revoked]) await keyward.verify(token)
    await keyward.keys.update(a.key.id, { expiresIn: 60 })
    await keyward.keys.rotate(b.key.id, { gracePeriod: 60 })
    await keyward.keys.revoke(c.key.id)
    expect(await code(keyward.verify(revoked))).toBe('revoked_token')
    expect(await code(keyward.verify(shortened))).toBe('ok')
    expect(await code(keyward.verify(rotated))).toBe('ok')
    clock.now += 60_000
    expect(await code(keyward.verify(shortened))).toBe('expired_token')
    expect(await code(keyward.verify(rotated))).toBe('expired_token')
  })

  it('a revoke-all ends tokens minted after it from keys created before it', async () => {
    const { keyward, clock, mint } = withAccessTokens()
    const { token } = await keyward.keys.create(input)
    clock.now += 1
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    clock.now += 1
    // Minted "after" the epoch (as a stale instance might): judged by the parent's createdAt.
    const at = await mint('at.late', token, {}).catch(() => undefined)
    expect(at).toBeUndefined()
    const { key } = await keyward.keys.create(input)
    clock.now += 1
    const { token: fresh } = await keyward.keys.create(input)
    const late = await mint('at.fresh', fresh)
    expect(await code(keyward.verify(late))).toBe('ok')
    expect(key.createdAt).toBeGreaterThan(T0)
  })

  it('a token that does not match its parent record (another creation) is refused', async () => {
    const { keyward, mint } = withAccessTokens()
    const { token } = await keyward.keys.create(input)
    const at = await mint('at.forged', token, { keyCreatedAt: T0 - 1 })
    expect(await code(keyward.verify(at))).toBe('revoked_token')
  })

  it('names the access token in expiry messages, cached or not', async () => {
    const { keyward, clock, mint } = withAccessTokens()
    const { token } = await keyward.keys.create(input)
    const at = await mint('at.1', token, { expiresAt: T0 + 1_000 })
    await keyward.verify(at)
    clock.now += 1_000
    await expect(keyward.verify(at)).rejects.toMatchObject({
      code: 'expired_token',
      message: 'The access token has expired.',
    })
  })
})

describe('intersectGrants', () => {
  it.each([
    [['projects:*'], ['projects:read'], ['projects:read']],
    [['projects:read'], ['*'], ['projects:read']],
    [['projects:read', 'reports:read'], ['projects:*'], ['projects:read']],
    [['projects:*'], ['reports:*'], []],
    [[], ['*'], []],
  ])('%j ∩ %j = %j', (a, b, both) => {
    expect(intersectGrants(a, b).sort()).toEqual(both)
  })
})
