import { describe, expect, it } from 'vitest'
import { recordingStore, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { InvalidTokenError, type KeywardError } from '../errors.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyRecord, TokenClaims, TokenKind } from '../types.js'

// Step 3 (lookup) and the entries it builds, as a user of `verify` and `recheck` sees them:
// what reaches the store, what is cached, and what an access token is bounded by. Each case
// pins a rule of lookup.ts, entry.ts or cache.ts that the rest of the suite did not.

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})
type Scope = keyof typeof scopes.descriptions

const code = outcome
const input = projectKey

/** A store shared by two instances, counting the reads of each kind, and a hand clock. */
function shared(options: Partial<KeywardOptions<Scope>> = {}) {
  const clock = { now: T0 }
  const memory = new MemoryTokenStore()
  const { store, calls } = recordingStore(memory)
  const revocations = new MemoryRevocationList({ now: () => clock.now })
  const claims = new Map<string, TokenClaims>()
  const kind: { -readonly [K in keyof TokenKind]: TokenKind[K] } = {
    name: 'access_token',
    accepts: (token) => token.startsWith('at.'),
    verify: async (token) => {
      const found = claims.get(token)
      if (!found) throw new Error('bad signature')
      return found
    },
  }
  const open = (extra: Partial<KeywardOptions<Scope>> = {}) =>
    createKeyward<Scope>({
      prefix: 'kw_live',
      scopes,
      store,
      revocations,
      now: () => clock.now,
      tokenKinds: [kind],
      ...options,
      ...extra,
    })
  const reads = (method: string) => calls.filter(([name]) => name === method).length
  /** Claims of an access token `at.<name>` for `key`, with `overrides`. */
  const mint = (
    name: string,
    key: KeyRecord | { id: string; createdAt: number },
    overrides: Partial<TokenClaims> = {},
  ) => {
    const token = `at.${name}`
    claims.set(token, {
      keyId: key.id,
      ownerId: input.ownerId,
      name: 'minted',
      scopes: ['projects:read'],
      issuedAt: clock.now,
      expiresAt: clock.now + 3_600_000,
      keyCreatedAt: key.createdAt,
      ...overrides,
    })
    return token
  }
  return { clock, memory, revocations, open, reads, mint, kind }
}

describe("an access token's parent key, read by id", () => {
  it('is gone: unknown_token naming the missing key, on an instance that never cached it', async () => {
    const { memory, open, mint } = shared()
    const { key } = await open().keys.create(input)
    const token = mint('orphan', key)
    await memory.delete(key.id)
    await expect(open().verify(token)).rejects.toMatchObject({
      code: 'unknown_token',
      message: "The access token's API key no longer exists.",
    })
  })

  it('answers with another id: unknown_token, never the other key', async () => {
    const { memory, open, mint } = shared()
    const keyward = open()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create(input)
    const token = mint('swapped', a.key)
    const other = (await memory.get(b.key.id))!
    memory.get = async () => other
    expect(await code(open().verify(token))).toBe('unknown_token')
  })

  it('is read once, then kept in the cache for the next verifications', async () => {
    const { open, reads, mint } = shared()
    const { key } = await open().keys.create(input)
    const token = mint('cached', key)
    const fresh = open()
    await fresh.verify(token)
    await fresh.verify(token)
    await fresh.verify(token)
    expect(reads('get')).toBe(1)
  })

  it('bounds the token once: the same verified key object until the parent changes', async () => {
    const { open, mint } = shared()
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const token = mint('same', key)
    const first = await keyward.verify(token)
    expect(await keyward.verify(token)).toBe(first)
    await keyward.keys.update(key.id, { name: 'renamed' })
    const after = await keyward.verify(token)
    expect(after).not.toBe(first)
    expect(after.name).toBe('renamed')
  })

  it('of another owner: the token is refused as revoked', async () => {
    const { open, mint } = shared()
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const token = mint('foreign', key, { ownerId: 'org_other' })
    expect(await code(keyward.verify(token))).toBe('revoked_token')
  })
})

describe('token kinds: what their verify throws, and standalone kinds', () => {
  it("a kind's own KeywardError is answered as it is", async () => {
    const { open, kind } = shared()
    kind.verify = async () => {
      throw new InvalidTokenError('expired_token', 'The access token has expired.')
    }
    expect(await code(open().verify('at.any'))).toBe('expired_token')
  })

  it('any other failure is malformed_token, with the failure as its cause', async () => {
    const { open, kind } = shared()
    const failure = new Error('bad signature')
    kind.verify = async () => {
      throw failure
    }
    const error = (await open()
      .verify('at.any')
      .catch((e: unknown) => e)) as KeywardError
    expect(error).toMatchObject({
      code: 'malformed_token',
      message: 'The access token is invalid.',
    })
    expect(error.cause).toBe(failure)
  })

  it('a standalone kind is judged by its claims alone: no store read, its own messages', async () => {
    const { open, reads, clock, kind, mint } = shared()
    kind.standalone = true
    const token = mint(
      'standalone',
      { id: 'key_not_in_any_store', createdAt: T0 },
      { expiresAt: T0 + 1_000 },
    )
    const keyward = open()
    expect(await keyward.verify(token)).toMatchObject({
      id: 'key_not_in_any_store',
      kind: 'access_token',
    })
    expect(reads('get') + reads('findByHash')).toBe(0)
    clock.now = T0 + 1_000
    await expect(keyward.verify(token)).rejects.toMatchObject({
      code: 'expired_token',
      message: 'The access token has expired.',
    })
  })
})

describe('metadata travels into an access token and through recheck', () => {
  it('the claims carry metadata: the token and its recheck show it', async () => {
    const { open, mint } = shared()
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const token = mint('meta', key, { metadata: { team: 'blue' } })
    const verified = await keyward.verify(token)
    expect(verified.metadata).toEqual({ team: 'blue' })
    expect((await keyward.recheck(verified)).metadata).toEqual({ team: 'blue' })
  })

  it('the claims carry none: neither has a metadata property', async () => {
    const { open, mint } = shared()
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const verified = await keyward.verify(mint('plain', key))
    expect(Object.hasOwn(verified, 'metadata')).toBe(false)
    expect(Object.hasOwn(await keyward.recheck(verified), 'metadata')).toBe(false)
  })
})

describe('recheck reads the key as it stands now', () => {
  it('an API key widened since: recheck answers the current scopes', async () => {
    const { open } = shared()
    const keyward = open()
    const { token, key } = await keyward.keys.create({ ...input, scopes: ['projects:read'] })
    const verified = await keyward.verify(token)
    await keyward.keys.update(key.id, { scopes: ['projects:read', 'projects:write'] })
    expect((await keyward.recheck(verified)).scopes).toEqual(['projects:read', 'projects:write'])
  })

  it('an access token stays bounded by its claims, not widened to its parent', async () => {
    const { open, mint } = shared()
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const verified = await keyward.verify(mint('narrow', key))
    const rechecked = await keyward.recheck(verified)
    expect(rechecked).toMatchObject({ kind: 'access_token', scopes: ['projects:read'] })
  })

  it('a key gone from the store: unknown_token', async () => {
    const { memory, open } = shared()
    const keyward = open()
    const { token, key } = await keyward.keys.create(input)
    const verified = await keyward.verify(token)
    await memory.delete(key.id)
    expect(await code(keyward.recheck(verified))).toBe('unknown_token')
  })

  it('a store answering another key for the id: unknown_token, never the other key', async () => {
    const { memory, open } = shared()
    const keyward = open()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create(input)
    const verified = await keyward.verify(a.token)
    const other = (await memory.get(b.key.id))!
    memory.get = async () => other
    expect(await code(keyward.recheck(verified))).toBe('unknown_token')
  })

  it('a record under the same id created at another time is not the key verified: revoked', async () => {
    const { memory, open } = shared()
    const keyward = open()
    const { token, key } = await keyward.keys.create(input)
    const verified = await keyward.verify(token)
    const record = (await memory.get(key.id))!
    memory.get = async () => ({ ...record, createdAt: record.createdAt + 1 })
    expect(await code(keyward.recheck(verified))).toBe('revoked_token')
  })

  it('what it read is cached: the next verify on that instance reads nothing', async () => {
    const { open, reads } = shared()
    const { token } = await open().keys.create(input)
    const verified = await open().verify(token)
    const other = open()
    await other.recheck(verified)
    const before = reads('findByHash')
    await other.verify(token)
    expect(reads('findByHash')).toBe(before)
  })
})

describe('the caches, as the store sees them', () => {
  it('a corrupt record is unavailable, and the cause names the stored key record', async () => {
    const { memory, open } = shared()
    const keyward = open()
    const { token, key } = await keyward.keys.create(input)
    const record = (await memory.get(key.id))!
    memory.findByHash = async () => ({ ...record, scopes: 'projects:read' }) as unknown as KeyRecord
    const error = (await open()
      .verify(token)
      .catch((e: unknown) => e)) as KeywardError
    expect(error.code).toBe('unavailable')
    expect(String((error.cause as Error).message)).toContain('stored key record')
  })

  it('a record with no allowedIps, or an empty list of them, verifies from anywhere', async () => {
    const { memory, open } = shared()
    const { token, key } = await open().keys.create(input)
    const { allowedIps: _, ...stored } = (await memory.get(key.id))!
    for (const record of [stored, { ...stored, allowedIps: [] }]) {
      memory.findByHash = async () => record
      expect(await code(open().verify(token))).toBe('ok')
    }
  })

  it('an entry is fresh for less than cache.ttl: at exactly ttl the store is read again', async () => {
    const { open, reads, clock } = shared({ cache: { ttl: 1_000 } })
    const keyward = open()
    const { token } = await keyward.keys.create(input)
    await keyward.verify(token)
    clock.now = T0 + 999
    await keyward.verify(token)
    expect(reads('findByHash')).toBe(1)
    clock.now = T0 + 1_000
    await keyward.verify(token)
    expect(reads('findByHash')).toBe(2)
  })

  it('a revocation or suspension of another key keeps this key cached', async () => {
    const { open, reads } = shared()
    const keyward = open()
    const a = await keyward.keys.create(input)
    const b = await keyward.keys.create(input)
    await keyward.verify(a.token)
    const c = await keyward.keys.create(input)
    await keyward.verify(a.token)
    await keyward.keys.revoke(b.key.id)
    await keyward.keys.suspend(c.key.id)
    await keyward.verify(a.token)
    expect(reads('findByHash')).toBe(1)
  })

  it('negativeMax 0 remembers no unknown hash, and valid keys still verify', async () => {
    const { open, reads } = shared({ cache: { negativeMax: 0 } })
    const keyward = open()
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('ok')
    // Well formed, issued by another deployment: unknown here.
    const { token: stranger } = await createKeyward({ prefix: 'kw_live', scopes }).keys.create(
      input,
    )
    const before = reads('findByHash')
    expect(await code(keyward.verify(stranger))).toBe('unknown_token')
    expect(await code(keyward.verify(stranger))).toBe('unknown_token')
    expect(reads('findByHash') - before).toBe(2)
  })

  it('a read held while 1 500 other keys are evicted is still cached when it lands', async () => {
    const { memory, open, reads, revocations } = shared()
    const { token } = await open().keys.create(input)
    const keyward = open()
    const inner = memory.findByHash.bind(memory)
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    memory.findByHash = async (hash) => {
      const record = await inner(hash)
      await held
      return record
    }
    const inFlight = keyward.verify(token)
    for (let i = 0; i < 1_500; i++) await revocations.publishUpdate(`key_other${i}`)
    release()
    await inFlight
    memory.findByHash = inner
    const before = reads('findByHash')
    await keyward.verify(token)
    expect(reads('findByHash')).toBe(before)
  })

  it('cache.max 0 caches no access-token claims either: the kind verifies every time', async () => {
    const { open, kind, mint } = shared({ cache: { max: 0 } })
    const keyward = open()
    const { key } = await keyward.keys.create(input)
    const token = mint('uncached', key)
    let calls = 0
    const inner = kind.verify
    kind.verify = (t) => {
      calls++
      return inner(t)
    }
    await keyward.verify(token)
    await keyward.verify(token)
    expect(calls).toBe(2)
  })
})
