import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, DAY, recordingStore, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

/**
 * A keyward on a hand-driven clock; `fresh()` is another instance on the same store, started
 * later, whose revocation list is empty.
 */
function setup(options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) {
  const { keyward, store, clock, now } = clockedKeyward(scopes, options)
  const fresh = () =>
    createKeyward({ scopes, store, now, revocations: new MemoryRevocationList({ now }) })
  return { keyward, store, clock, fresh }
}

const code = outcome
const input = projectKey

describe('keys lifecycle', () => {
  it('lists an owner’s live keys, oldest first, never with hashes', async () => {
    const { keyward, clock } = setup()
    const first = await keyward.keys.create(input)
    clock.now += 1
    const second = await keyward.keys.create({ ...input, name: 'second' })
    await keyward.keys.create({ ...input, ownerId: 'someone_else' })
    const keys = await keyward.keys.list(input.ownerId)
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
    expect((await keyward.keys.list(input.ownerId)).map((k) => k.id)).toEqual([key.id])
  })

  it('reports every change to onEvent, without tokens or hashes', async () => {
    const events: KeyEvent[] = []
    const { keyward, clock } = setup({ onEvent: (event) => void events.push(event) })
    const { token, key } = await keyward.keys.create(input)
    await keyward.keys.update(key.id, { name: 'renamed' })
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: 10 })
    await keyward.keys.revoke(rotated.key.id)
    clock.now += 1
    await keyward.keys.revokeAll({ ownerId: input.ownerId })
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
    expect(await code(keyward.verify(token))).toBe('ok')
    expect(errors).toHaveLength(1)
  })
})

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
