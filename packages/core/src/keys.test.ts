import { describe, expect, it } from 'vitest'
import { outcome, projectKey } from '../test/outcome.js'
import { createKeyward } from './keyward.js'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { MemoryTokenStore } from './memory-token-store.js'
import { defineScopes } from './scopes.js'

const T0 = Date.UTC(2026, 10, 26)
const DAY = 86_400_000

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

/** Two instances sharing a store: `fresh()` is one started later, whose revocation list is empty. */
function setup() {
  const clock = { now: T0 }
  const now = () => clock.now
  const store = new MemoryTokenStore()
  const keyward = createKeyward({ scopes, store, now })
  const fresh = () =>
    createKeyward({ scopes, store, now, revocations: new MemoryRevocationList({ now }) })
  return { keyward, store, clock, fresh }
}

const code = outcome
const input = projectKey

describe('revocation is a permanent property of the record', () => {
  it('a revoked key stays revoked after its list entry is gone: on a fresh instance, after its expiry, after an update', async () => {
    const { keyward, store, clock, fresh } = setup()
    const { token, key } = await keyward.keys.create(input)
    await keyward.keys.revoke(key.id)
    expect((await store.get(key.id))?.revokedAt).toBe(T0)
    // An instance started later has no list entry for it (as after pruning, or a Redis
    // restart): the record alone must keep it dead.
    const later = fresh()
    expect(await code(later.verify(token))).toBe('revoked_token')
    expect(await later.keys.get(key.id)).toBeUndefined()
    expect(await later.keys.list('org_1')).toEqual([])
    expect(await later.keys.get(key.id, { includeRevoked: true })).toMatchObject({ revokedAt: T0 })
    clock.now = key.expiresAt + DAY
    await expect(later.keys.update(key.id, { expiresIn: '30d' })).rejects.toMatchObject({
      code: 'key_inactive',
      status: 409,
      keyStatus: 'revoked',
    })
    await expect(later.keys.rotate(key.id)).rejects.toMatchObject({ code: 'key_inactive' })
    expect(await code(later.verify(token))).toBe('revoked_token')
    expect(await code(keyward.verify(token))).toBe('revoked_token')
  })

  it('an expired key can never be extended back to life', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(input)
    clock.now = key.expiresAt
    await expect(keyward.keys.update(key.id, { expiresIn: '30d' })).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'expired',
    })
    await expect(keyward.keys.update(key.id, { name: 'renamed' })).rejects.toMatchObject({
      code: 'key_inactive',
    })
    expect(await code(keyward.verify(token))).toBe('expired_token')
  })

  it('revoking finishes what a revoke that failed half-way left: the list entry is written again', async () => {
    const { keyward, store, fresh } = setup()
    const { token, key } = await keyward.keys.create(input)
    await store.update(key.id, { revokedAt: T0 })
    const later = fresh()
    expect(await later.keys.revoke(key.id)).toBe(false)
    expect(later.revocations.isRevoked({ id: key.id, ownerId: 'org_1', createdAt: T0 })).toBe(true)
    expect(await code(later.verify(token))).toBe('revoked_token')
  })
})

describe('rotation ends a key once, with one successor', () => {
  it('a second rotation during the grace period is refused and forks nothing', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create(input)
    const first = await keyward.keys.rotate(key.id, { gracePeriod: '1h' })
    await expect(keyward.keys.rotate(key.id, { gracePeriod: '1h' })).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'rotated',
    })
    const listed = (await keyward.keys.list('org_1')).map((k) => k.id)
    expect(listed.sort()).toEqual([key.id, first.key.id].sort())
    expect(await keyward.keys.get(key.id)).toMatchObject({ rotatedTo: first.key.id })
    // The grace deadline cannot be undone.
    await expect(keyward.keys.update(key.id, { expiresIn: '30d' })).rejects.toMatchObject({
      code: 'key_inactive',
    })
    clock.now = T0 + 3_600_000
    expect(await code(keyward.verify(token))).toBe('expired_token')
    expect(await code(keyward.verify(first.token))).toBe('ok')
  })

  it('racing rotations yield exactly one successor, whatever their grace', async () => {
    for (let round = 0; round < 20; round++) {
      const { keyward } = setup()
      const { key } = await keyward.keys.create(input)
      const outcomes = await Promise.allSettled([
        keyward.keys.rotate(key.id, { gracePeriod: '1h' }),
        keyward.keys.rotate(key.id),
        keyward.keys.rotate(key.id, { gracePeriod: 60 }),
      ])
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      expect(won).toHaveLength(1)
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected')
          expect(outcome.reason).toMatchObject({ code: 'key_inactive' })
      }
      const ids = (await keyward.keys.list('org_1')).map((k) => k.id)
      expect(ids.filter((id) => id !== key.id)).toHaveLength(1)
    }
  })

  it('the successor takes scopes narrowed while the rotation was under way', async () => {
    const { keyward, store } = setup()
    const { key } = await keyward.keys.create(input)
    const update = store.update.bind(store)
    let narrowed = false
    // The narrowing lands between the rotation's read and its commit.
    store.update = async (id, patch, condition) => {
      if (!narrowed && patch.rotatedTo !== undefined) {
        narrowed = true
        await update(id, { scopes: ['projects:read'] })
      }
      return update(id, patch, condition)
    }
    const rotated = await keyward.keys.rotate(key.id)
    expect(rotated.key.scopes).toEqual(['projects:read'])
    expect(await code(keyward.verify(rotated.token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
  })
})

describe('createdAt and revoke-all epochs come from the revocation list’s clock', () => {
  it('an instance whose clock runs ahead cannot create keys that escape another’s revokeAll', async () => {
    const store = new MemoryTokenStore()
    const shared = { now: T0 }
    const revocations = new MemoryRevocationList({ now: () => shared.now })
    const ahead = createKeyward({ scopes, store, revocations, now: () => shared.now + 3_000 })
    const behind = createKeyward({ scopes, store, revocations, now: () => shared.now })
    const { token, key } = await ahead.keys.create(input)
    expect(key.createdAt).toBe(T0)
    shared.now += 1
    await behind.keys.revokeAll({ ownerId: 'org_1' })
    expect(await code(ahead.verify(token))).toBe('revoked_token')
    expect(await code(behind.verify(token))).toBe('revoked_token')
    shared.now += 1
    const later = await ahead.keys.create(input)
    expect(await code(behind.verify(later.token))).toBe('ok')
  })
})

describe('keys created right after a revoke-all', () => {
  it('are never dead on arrival, even in the epoch’s millisecond (real clock)', async () => {
    const keyward = createKeyward({ scopes })
    for (let round = 0; round < 20; round++) {
      await keyward.keys.revokeAll(round % 2 === 0 ? { ownerId: 'org_1' } : {})
      const { token } = await keyward.keys.create(input)
      expect(await code(keyward.verify(token))).toBe('ok')
    }
  })
})
