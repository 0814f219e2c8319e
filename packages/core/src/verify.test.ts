import { describe, expect, it } from 'vitest'
import { outcome, projectKey } from '../test/outcome.js'
import { createKeyward } from './keyward.js'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { MemoryTokenStore } from './memory-token-store.js'
import { defineScopes } from './scopes.js'
import type { KeyRecord, TokenClaims, TokenKind } from './types.js'
import { intersectGrants } from './verify.js'

const T0 = Date.UTC(2026, 10, 26)

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'reports:read': 'Read reports',
})

const code = outcome
const input = projectKey

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
})

describe('access tokens are bounded by their parent key on every use', () => {
  /** A token kind whose tokens are `at.<n>`, with claims set by the test. */
  function setup() {
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
    const { keyward, mint } = setup()
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
    const { keyward, clock, mint } = setup()
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
    const { keyward, clock, mint } = setup()
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
    const { keyward, mint } = setup()
    const { token } = await keyward.keys.create(input)
    const at = await mint('at.forged', token, { keyCreatedAt: T0 - 1 })
    expect(await code(keyward.verify(at))).toBe('revoked_token')
  })

  it('names the access token in expiry messages, cached or not', async () => {
    const { keyward, clock, mint } = setup()
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
