import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent, KeyRecordPatch } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

function setup() {
  const events: KeyEvent[] = []
  const store = new MemoryTokenStore()
  const revocations = new MemoryRevocationList()
  const made = clockedKeyward(scopes, {
    store,
    revocations,
    onEvent: (event) => void events.push(event),
  })
  return { ...made, store, revocations, events }
}

/** Writes `patch` to a key just before the suspension's own conditional write lands. */
function beforeSuspending(store: MemoryTokenStore, patch: KeyRecordPatch) {
  const update = store.update.bind(store)
  let done = false
  store.update = async (id, change, condition) => {
    if (!done && change.suspendedAt !== undefined) {
      done = true
      await update(id, patch)
    }
    return update(id, change, condition)
  }
}

const invalid = (field: string, message: string) => ({ code: 'invalid_argument', field, message })

describe('keys.suspend racing another change', () => {
  it('a suspension landing first is kept, with its time and reason; no second event', async () => {
    const { keyward, store, clock, events } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    clock.now += 1_000
    beforeSuspending(store, { suspendedAt: T0 + 500, suspendReason: 'first' })
    const suspended = await keyward.keys.suspend(key.id, { reason: 'second' })
    expect(suspended).toMatchObject({ suspendedAt: T0 + 500, suspendReason: 'first' })
    expect(await keyward.keys.get(key.id)).toMatchObject({ suspendReason: 'first' })
    expect(events.map((event) => event.type)).toEqual(['created'])
    expect(await outcome(keyward.verify(token))).toBe('suspended_token')
  })

  it('a revocation landing first is refused as revoked', async () => {
    const { keyward, store } = setup()
    const { key } = await keyward.keys.create(projectKey)
    beforeSuspending(store, { revokedAt: T0 })
    await expect(keyward.keys.suspend(key.id)).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'revoked',
    })
  })

  it('a key deleted meanwhile is not found, without another store read', async () => {
    const { keyward, store } = setup()
    const { key } = await keyward.keys.create(projectKey)
    const update = store.update.bind(store)
    const get = store.get.bind(store)
    let reads = 0
    store.update = async (id, change, condition) => {
      await store.delete(id)
      store.get = (id) => {
        reads++
        return get(id)
      }
      return update(id, change, condition)
    }
    await expect(keyward.keys.suspend(key.id)).rejects.toMatchObject({ code: 'not_found' })
    expect(reads).toBe(0)
  })

  it('refuses input that is not an object, naming it', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create(projectKey)
    await expect(keyward.keys.suspend(key.id, null as never)).rejects.toMatchObject(
      invalid('input', 'input must be an object.'),
    )
  })
})

describe('keys.revoke', () => {
  it('resolves false for an unknown key, and keeps the first revocation time', async () => {
    const { keyward, clock, events } = setup()
    expect(await keyward.keys.revoke('key_doesnotexist00')).toBe(false)
    const { key } = await keyward.keys.create(projectKey)
    expect(await keyward.keys.revoke(key.id)).toBe(true)
    clock.now += 1_000
    expect(await keyward.keys.revoke(key.id)).toBe(false)
    expect(await keyward.keys.get(key.id, { includeRevoked: true })).toMatchObject({
      revokedAt: T0,
    })
    expect(events.filter((event) => event.type === 'revoked')).toHaveLength(1)
  })

  it('revokeAll refuses options that are not an object, naming them', async () => {
    const { keyward } = setup()
    await expect(keyward.keys.revokeAll(null as never)).rejects.toMatchObject(
      invalid('options', 'options must be an object.'),
    )
  })
})

describe('keys.update', () => {
  it('refuses input that is not an object, or that asks for nothing, naming it', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create(projectKey)
    await expect(keyward.keys.update(key.id, null as never)).rejects.toMatchObject(
      invalid('input', 'input must be an object.'),
    )
    await expect(keyward.keys.update(key.id, {})).rejects.toMatchObject(
      invalid(
        'input',
        'Give at least one of name, expiresAt, expiresIn, scopes, metadata, rateLimits, credits, allowedIps.',
      ),
    )
  })

  it('stores new metadata', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create({ ...projectKey, metadata: { team: 'ops' } })
    const updated = await keyward.keys.update(key.id, { metadata: { team: 'billing' } })
    expect(updated.metadata).toEqual({ team: 'billing' })
    expect((await keyward.keys.get(key.id))?.metadata).toEqual({ team: 'billing' })
  })

  it('an empty allowedIps list removes the network rules', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({
      ...projectKey,
      allowedIps: ['203.0.113.0/24'],
    })
    const updated = await keyward.keys.update(key.id, { allowedIps: [] })
    expect(Object.keys(updated)).not.toContain('allowedIps')
    expect(Object.keys((await keyward.keys.get(key.id))!)).not.toContain('allowedIps')
    expect(await outcome(keyward.verify(token, { clientIp: '198.51.100.1' }))).toBe('ok')
  })

  it('moves a suspension’s end on the list with a new expiry, and only then', async () => {
    const { keyward, revocations } = setup()
    const { key } = await keyward.keys.create(projectKey)
    await keyward.keys.suspend(key.id)
    const suspend = vi.spyOn(revocations, 'suspend')
    await keyward.keys.update(key.id, { name: 'Renamed' })
    expect(suspend).not.toHaveBeenCalled()
    const updated = await keyward.keys.update(key.id, { expiresIn: '60d' })
    expect(suspend).toHaveBeenCalledTimes(1)
    expect(suspend).toHaveBeenCalledWith(key.id, updated.expiresAt)
    expect(updated.expiresAt).toBe(T0 + 60 * 86_400_000)
  })
})
