import { describe, expect, it, vi } from 'vitest'
import { KeywardError } from './errors.js'
import { createKeyward, type KeywardOptions } from './keyward.js'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { MemoryTokenStore } from './memory-token-store.js'
import { defineScopes } from './scopes.js'
import type { KeyEvent, TokenStore } from './types.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

/** A keyward on a hand-driven clock, with its store exposed. */
function setup(options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) {
  const clock = { now: T0 }
  const now = () => clock.now
  const store = (options.store as MemoryTokenStore | undefined) ?? new MemoryTokenStore()
  const keyward = createKeyward({ prefix: 'kw_live', scopes, store, now, ...options })
  return { keyward, clock, store }
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (error: unknown) => (error instanceof KeywardError ? error.code : error),
  )

const input = {
  name: 'Snowflake Native App Integration',
  ownerId: 'org_42',
  scopes: ['projects:read'] as const,
  expiresIn: '90d',
}

/** A store that records every argument it is called with. */
function recordingStore(inner: TokenStore) {
  const calls: [string | symbol, ...unknown[]][] = []
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push([property, ...args])
        return value.apply(target, args)
      }
    },
  })
  return { store, calls }
}

describe('verify', () => {
  it('verifies a created key and returns the VerifiedKey without the hash', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({ ...input, metadata: { plan: 'pro' } })
    expect(token).toMatch(/^kw_live_[0-9A-Za-z]{38}$/)
    expect(key).not.toHaveProperty('hash')
    expect(key).toMatchObject({
      name: input.name,
      ownerId: 'org_42',
      scopes: ['projects:read'],
      createdAt: T0,
      expiresAt: T0 + 90 * DAY,
      hint: `kw_live_${token.slice(8, 12)}…`,
      prefix: 'kw_live',
    })
    const verified = await keyward.verify(token, { scopes: ['projects:read'] })
    expect(verified).toEqual({
      id: key.id,
      name: input.name,
      ownerId: 'org_42',
      scopes: ['projects:read'],
      expiresAt: T0 + 90 * DAY,
      createdAt: T0,
      metadata: { plan: 'pro' },
      kind: 'api_key',
    })
  })

  it('answers each failure with its code, status and challenge', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create(input)
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
    ).resolves.toMatchObject({ ownerId: 'org_42' })
  })

  it('accepts several prefixes and issues with the configured one', async () => {
    const { keyward } = setup({ prefix: 'kw_test', prefixes: ['kw_live', 'kw_test'] })
    const { token } = await keyward.keys.create(input)
    expect(token.startsWith('kw_test_')).toBe(true)
    const liveOnly = setup({ store: keyward.store as MemoryTokenStore }).keyward
    expect(await code(liveOnly.verify(token))).toBe('malformed_token')
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
    expect(await code(keyward.verify(token))).toBe('verified')
  })

  it('verifies at expiresAt - 1 and fails at expiresAt', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({ ...input, expiresIn: 3600 })
    clock.now = key.expiresAt - 1
    expect(await code(keyward.verify(token))).toBe('verified')
    clock.now = key.expiresAt
    expect(await code(keyward.verify(token))).toBe('expired_token')
  })

  it('reports revocation before expiry, and expiry before scopes', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(input)
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
    expect(result).toMatchObject({ ownerId: 'org_42' })
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
    expect(await code(keyward.verify(token))).toBe('verified')
  })

  it('a revocation list that cannot be trusted fails verification closed', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward } = setup({ revocations })
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    const { UnavailableError } = await import('./errors.js')
    vi.spyOn(revocations, 'isRevoked').mockImplementation(() => {
      throw new UnavailableError('The revocation list is stale.')
    })
    expect(await code(keyward.verify(token))).toBe('unavailable')
  })

  it('writes lastUsedAt at most once a minute per key, off the request path', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward, clock } = setup({ store })
    const { token, key } = await keyward.keys.create(input)
    const touches = () => calls.filter(([method]) => method === 'touch')
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
    await keyward.verify(token)
    await settle()
    expect(touches()).toEqual([['touch', key.id, T0]])
    clock.now += 59_999
    await keyward.verify(token)
    await settle()
    expect(touches()).toHaveLength(1)
    clock.now += 1
    await keyward.verify(token)
    await settle()
    expect(touches()).toHaveLength(2)
    expect((await keyward.keys.get(key.id))?.lastUsedAt).toBe(T0 + 60_000)
  })

  it('does not wait for the lastUsedAt write', async () => {
    const store = new MemoryTokenStore()
    store.touch = () => new Promise<void>(() => {})
    const { keyward } = setup({ store })
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('verified')
  })

  it('never lets the plaintext token reach the store', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { token, key } = await keyward.keys.create(input)
    await keyward.verify(token)
    await keyward.keys.update(key.id, { name: 'renamed' })
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: 60 })
    await keyward.verify(rotated.token)
    await keyward.keys.list('org_42')
    await keyward.keys.revoke(rotated.key.id)
    const seen = JSON.stringify(calls)
    expect(calls.length).toBeGreaterThan(5)
    for (const plaintext of [token, rotated.token]) {
      expect(seen).not.toContain(plaintext)
      expect(seen).not.toContain(plaintext.slice(8, 40))
    }
  })

  it('with a pepper stores HMAC hashes, and another pepper cannot verify', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store, pepper: 'pepper-one-0123456789' })
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('verified')
    expect(await code(setup({ store }).keyward.verify(token))).toBe('unknown_token')
    expect(
      await code(setup({ store, pepper: 'pepper-two-0123456789' }).keyward.verify(token)),
    ).toBe('unknown_token')
  })
})

describe('cache correctness: a verification cached before a change never succeeds wrongly', () => {
  it('after update (narrowed scopes, earlier expiry)', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({
      ...input,
      scopes: ['projects:read', 'projects:write'],
    })
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
    expect(await keyward.keys.list('org_42')).toEqual([])
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
    expect(await code(keyward.verify(token))).toBe('verified')
    expect(await code(keyward.verify(rotated.token))).toBe('verified')
    clock.now = T0 + 3_600_000
    expect(await code(keyward.verify(token))).toBe('expired_token')
    expect(await code(keyward.verify(rotated.token))).toBe('verified')
  })

  it('after revokeAll for an owner and for everyone', async () => {
    const { keyward, clock } = setup()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create({ ...input, ownerId: 'org_7' })
    await keyward.verify(a.token)
    await keyward.verify(b.token)
    clock.now += 1
    expect(await keyward.keys.revokeAll({ ownerId: 'org_42' })).toEqual({ revokedBefore: T0 + 1 })
    expect(await code(keyward.verify(a.token))).toBe('revoked_token')
    expect(await code(keyward.verify(b.token))).toBe('verified')
    clock.now += 1
    const later = await keyward.keys.create(input)
    expect(await code(keyward.verify(later.token))).toBe('verified')
    clock.now += 1
    await keyward.keys.revokeAll()
    expect(await code(keyward.verify(b.token))).toBe('revoked_token')
    expect(await code(keyward.verify(later.token))).toBe('revoked_token')
    clock.now += 1
    expect(await code(keyward.verify((await keyward.keys.create(input)).token))).toBe('verified')
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
    const { token, key } = await keyward.keys.create({
      ...input,
      scopes: ['projects:read', 'projects:write'],
    })
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
    const { token, key } = await a.keys.create({
      ...input,
      scopes: ['projects:read', 'projects:write'],
    })
    await b.verify(token, { scopes: ['projects:write'] })
    await a.keys.update(key.id, { scopes: ['projects:read'] })
    expect(await code(b.verify(token, { scopes: ['projects:write'] }))).toBe('insufficient_scope')
  })
})

describe('keys lifecycle', () => {
  it('lists an owner’s live keys, oldest first, never with hashes', async () => {
    const { keyward, clock } = setup()
    const first = await keyward.keys.create(input)
    clock.now += 1
    const second = await keyward.keys.create({ ...input, name: 'second' })
    await keyward.keys.create({ ...input, ownerId: 'someone_else' })
    const keys = await keyward.keys.list('org_42')
    expect(keys.map((k) => k.id)).toEqual([first.key.id, second.key.id])
    for (const key of keys) expect(key).not.toHaveProperty('hash')
    expect(await keyward.keys.get(first.key.id)).toEqual(first.key)
    expect(await keyward.keys.get('key_doesnotexist00')).toBeUndefined()
  })

  it('rejects invalid input naming the field, and writes nothing', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 7 }, 'name'],
      [{ ownerId: '' }, 'ownerId'],
      [{ scopes: ['projects:delete'] }, 'scopes[0]'],
      [{ scopes: ['billing:*'] }, 'scopes[0]'],
      [{ expiresIn: undefined }, 'expiresAt'],
      [{ expiresIn: '1y' }, 'expiresIn'],
      [{ expiresIn: 0 }, 'expiresIn'],
      [{ expiresIn: '366d' }, 'expiresIn'],
      [{ expiresIn: undefined, expiresAt: T0 - 1 }, 'expiresAt'],
      [{ expiresIn: undefined, expiresAt: T0 }, 'expiresAt'],
      [{ expiresIn: undefined, expiresAt: new Date(T0 + 366 * DAY) }, 'expiresAt'],
      [{ expiresIn: undefined, expiresAt: 'next tuesday' }, 'expiresAt'],
      [{ expiresAt: new Date(T0 + DAY) }, 'expiresAt'],
      [{ metadata: [] }, 'metadata'],
      [{ metadata: { big: 'x'.repeat(5000) } }, 'metadata'],
    ]
    for (const [change, field] of cases) {
      const error = await keyward.keys
        .create({ ...input, ...change } as never)
        .catch((e: unknown) => e)
      expect(error, JSON.stringify(change)).toMatchObject({
        code: 'invalid_argument',
        status: 422,
        field,
      })
    }
    expect(calls).toEqual([])
  })

  it('accepts expiry as a Date, epoch ms or ISO string, up to maxLifetime exactly', async () => {
    const { keyward } = setup()
    const at = T0 + 365 * DAY
    for (const expiresAt of [new Date(at), at, new Date(at).toISOString()]) {
      const { key } = await keyward.keys.create({
        ...input,
        expiresIn: undefined,
        expiresAt,
      } as never)
      expect(key.expiresAt).toBe(at)
    }
    const short = setup({ maxLifetime: '30d', defaultExpiresIn: '7d' }).keyward
    const { key } = await short.keys.create({ name: 'n', ownerId: 'o', scopes: ['projects:read'] })
    expect(key.expiresAt).toBe(T0 + 7 * DAY)
    expect(await code(short.keys.create({ ...input, expiresIn: '31d' }))).toBe('invalid_argument')
  })

  it('caps an extended expiry at maxLifetime from now on update', async () => {
    const { keyward, clock } = setup()
    const { key } = await keyward.keys.create({ ...input, expiresIn: '365d' })
    clock.now += 100 * DAY
    await expect(keyward.keys.update(key.id, { expiresIn: '366d' })).rejects.toMatchObject({
      field: 'expiresIn',
    })
    const updated = await keyward.keys.update(key.id, { expiresIn: '365d' })
    expect(updated.expiresAt).toBe(clock.now + 365 * DAY)
    await expect(keyward.keys.update(key.id, {})).rejects.toMatchObject({
      code: 'invalid_argument',
    })
    await expect(keyward.keys.update('key_doesnotexist00', { name: 'x' })).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    })
  })

  it('bounds the rotation grace period and refuses expired or revoked keys', async () => {
    const { keyward, clock } = setup()
    const { key } = await keyward.keys.create({ ...input, expiresIn: '2d' })
    await expect(keyward.keys.rotate(key.id, { gracePeriod: '25h' })).rejects.toMatchObject({
      field: 'gracePeriod',
    })
    await expect(keyward.keys.rotate(key.id, { gracePeriod: 'soon' })).rejects.toMatchObject({
      field: 'gracePeriod',
    })
    clock.now += 2 * DAY
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'expired',
      status: 409,
    })
    clock.now = T0
    await keyward.keys.revoke(key.id)
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'revoked',
    })
    await expect(keyward.keys.rotate('key_doesnotexist00')).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('a grace period never extends the old key past its own expiry', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({ ...input, expiresIn: '30m' })
    await keyward.keys.rotate(key.id, { gracePeriod: '1h' })
    clock.now = key.expiresAt
    expect(await code(keyward.verify(token))).toBe('expired_token')
  })

  it('leaves nothing half-done when rotation cannot end the old key', async () => {
    const store = new MemoryTokenStore()
    const revocations = new MemoryRevocationList()
    const { keyward } = setup({ store, revocations })
    const { key } = await keyward.keys.create(input)
    vi.spyOn(revocations, 'revoke').mockRejectedValueOnce(new Error('redis down'))
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({ code: 'unavailable' })
    expect((await keyward.keys.list('org_42')).map((k) => k.id)).toEqual([key.id])
  })

  it('reports every change to onEvent, without tokens or hashes', async () => {
    const events: KeyEvent[] = []
    const { keyward, clock } = setup({ onEvent: (event) => void events.push(event) })
    const { token, key } = await keyward.keys.create(input)
    await keyward.keys.update(key.id, { name: 'renamed' })
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: 10 })
    await keyward.keys.revoke(rotated.key.id)
    clock.now += 1
    await keyward.keys.revokeAll({ ownerId: 'org_42' })
    await keyward.keys.revokeAll()
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'updated',
      'rotated',
      'revoked',
      'revoked_all',
      'revoked_all',
    ])
    expect(events[1]).toMatchObject({ changes: ['name'] })
    expect(events[2]).toMatchObject({ previousId: key.id, previousExpiresAt: T0 + 10_000 })
    const text = JSON.stringify(events)
    expect(text).not.toContain(token)
    expect(text).not.toContain(rotated.token)
    expect(text).not.toContain('"hash"')
  })

  it('a failing audit hook does not undo or fail the change', async () => {
    const errors: unknown[] = []
    const { keyward } = setup({
      onEvent: () => Promise.reject(new Error('audit sink down')),
      onError: (error) => errors.push(error),
    })
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('verified')
    expect(errors).toHaveLength(1)
  })
})

describe('configuration fails when built', () => {
  it.each([
    [{ prefix: 'KW' }, /^prefix must match/],
    [{ prefixes: [] }, /^prefixes must be/],
    [{ prefixes: ['kw_live', 'Bad'] }, /^prefixes\[1\] must match/],
    [{ prefix: 'kw_a', prefixes: ['kw_b'] }, /^prefix must be one of prefixes/],
    [{ maxLifetime: 'forever' }, /^maxLifetime must be/],
    [
      { maxLifetime: '30d', defaultExpiresIn: '31d' },
      /^defaultExpiresIn must not exceed maxLifetime/,
    ],
    [{ maxGracePeriod: -1 }, /^maxGracePeriod must be/],
    [{ pepper: 'short' }, /^pepper must be/],
    [{ realm: 'a"b' }, /^realm must be/],
    [{ cache: { max: -1 } }, /^cache.max must be/],
    [{ cache: { ttl: 1.5 } }, /^cache.ttl must be/],
    [{ touchInterval: 0 }, /^touchInterval must be/],
    [{ store: {} }, /^store must implement/],
    [{ revocations: { isRevoked() {} } }, /^revocations must implement/],
    [{ scopes: {} }, /^scopes must be a catalog/],
    [{ now: 5 }, /^now must be a function/],
    [{ tokenKinds: [{}] }, /^tokenKinds\[0\] must implement/],
  ])('%o', (options, message) => {
    expect(() => createKeyward(options as never)).toThrowError(message)
    expect(() => createKeyward(options as never)).toThrowError(TypeError)
  })

  it('rejects an undeclared required scope on first use', async () => {
    const { keyward } = setup()
    await expect(keyward.verify('x', { scopes: ['projects:delete' as never] })).rejects.toThrow(
      TypeError,
    )
  })

  it('uses the configured realm in every challenge', async () => {
    const { keyward } = setup({ realm: 'acme-api' })
    const error = (await keyward.verify('garbage').catch((e: unknown) => e)) as KeywardError
    expect(error.wwwAuthenticate).toMatch(/^Bearer realm="acme-api", error="invalid_token"/)
  })
})

describe('a shared store needs a shared revocation list', () => {
  /** A store that is not the in-process one, as a Redis or PostgreSQL store would be. */
  const sharedStore = () => {
    const memory = new MemoryTokenStore()
    return {
      findByHash: (hash: string) => memory.findByHash(hash),
      get: (id: string) => memory.get(id),
      listByOwner: (ownerId: string) => memory.listByOwner(ownerId),
      insert: (record: Parameters<MemoryTokenStore['insert']>[0]) => memory.insert(record),
      update: (...args: Parameters<MemoryTokenStore['update']>) => memory.update(...args),
      delete: (id: string) => memory.delete(id),
      touch: (id: string, at: number) => memory.touch(id, at),
    }
  }

  it('refuses it with the in-process list, default or given, saying what to pass', () => {
    for (const options of [
      { store: sharedStore() },
      { store: sharedStore(), revocations: new MemoryRevocationList() },
      { store: sharedStore(), singleInstance: false },
    ]) {
      expect(() => createKeyward(options)).toThrowError(TypeError)
      expect(() => createKeyward(options)).toThrowError(
        /^revocations must be a revocation list every instance shares .*singleInstance: true/,
      )
    }
  })

  it('accepts it when told there is one instance, and keeps the memory pair silent', async () => {
    const single = createKeyward({ store: sharedStore(), singleInstance: true })
    const { token, key } = await single.keys.create(input)
    await single.keys.revoke(key.id)
    await expect(single.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect(() => createKeyward({})).not.toThrow()
    expect(() => createKeyward({ store: new MemoryTokenStore() })).not.toThrow()
    expect(() => createKeyward({ singleInstance: 'yes' as never })).toThrowError(
      /^singleInstance must be a boolean/,
    )
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
          ownerId: 'org_42',
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
