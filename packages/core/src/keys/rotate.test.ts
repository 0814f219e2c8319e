import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, recordingStore, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent, KeyRecordPatch } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'billing:read': 'Read invoices',
})
type Scope = keyof typeof scopes.descriptions

const HOUR = 3_600_000

function setup(options: Partial<KeywardOptions<Scope>> = {}) {
  const events: KeyEvent[] = []
  const made = clockedKeyward(scopes, { onEvent: (event) => void events.push(event), ...options })
  return { ...made, events }
}

/** Applies `change` to the old key in the store just before the rotation's commit lands. */
function changeBeforeCommit(store: MemoryTokenStore, change: (id: string) => Promise<unknown>) {
  const update = store.update.bind(store)
  let done = false
  store.update = async (id, patch, condition) => {
    if (!done && patch.rotatedTo !== undefined) {
      done = true
      await change(id)
    }
    return update(id, patch, condition)
  }
  return (id: string, patch: KeyRecordPatch) => update(id, patch)
}

describe('keys.rotate: the successor', () => {
  it('carries the key’s name, scopes, metadata, rate limits and network rules', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create({
      ...projectKey,
      metadata: { team: 'ops' },
      rateLimits: [{ name: 'default', limit: 5, window: 60 }],
      allowedIps: ['203.0.113.0/24'],
    })
    const rotated = await keyward.keys.rotate(key.id)
    expect(rotated.key).toMatchObject({
      name: 'CI',
      ownerId: 'org_1',
      scopes: ['projects:read', 'projects:write'],
      rotatedFrom: key.id,
      expiresAt: key.expiresAt,
      metadata: { team: 'ops' },
      rateLimits: [{ name: 'default', limit: 5, window: 60_000 }],
      allowedIps: ['203.0.113.0/24'],
    })
    expect(await outcome(keyward.verify(rotated.token, { clientIp: '198.51.100.1' }))).toBe(
      'ip_not_allowed',
    )
    expect(await outcome(keyward.verify(rotated.token, { clientIp: '203.0.113.9' }))).toBe('ok')
  })

  it('of a key without metadata, limits or network rules has none either', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create(projectKey)
    const rotated = await keyward.keys.rotate(key.id)
    const stored = await keyward.keys.get(rotated.key.id)
    for (const field of ['metadata', 'rateLimits', 'allowedIps', 'pendingPredecessor']) {
      expect(Object.keys(rotated.key)).not.toContain(field)
      expect(Object.keys(stored!)).not.toContain(field)
    }
  })
})

describe('keys.rotate: the old key', () => {
  it('without grace is revoked at once, in its record and on the list', async () => {
    const { keyward, clock, events } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    clock.now += 1_000
    const rotated = await keyward.keys.rotate(key.id)
    const old = await keyward.keys.get(key.id, { includeRevoked: true })
    expect(old).toMatchObject({ rotatedTo: rotated.key.id, revokedAt: T0 + 1_000 })
    expect(old?.expiresAt).toBe(T0 + 1_000)
    expect(events.find((event) => event.type === 'rotated')).toMatchObject({
      type: 'rotated',
      previousId: key.id,
      previousExpiresAt: T0 + 1_000,
      at: T0 + 1_000,
    })
    expect(await outcome(keyward.verify(token))).toBe('revoked_token')
  })

  it('with grace keeps working until its grace ends, unrevoked', async () => {
    const { keyward, clock, events } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: '1h' })
    const old = await keyward.keys.get(key.id)
    expect(old).toMatchObject({ rotatedTo: rotated.key.id, expiresAt: T0 + HOUR })
    expect(Object.keys(old!)).not.toContain('revokedAt')
    expect(events.at(-1)).toMatchObject({ type: 'rotated', previousExpiresAt: T0 + HOUR })
    clock.now = T0 + HOUR - 1
    expect(await outcome(keyward.verify(token))).toBe('ok')
    clock.now = T0 + HOUR
    expect(await outcome(keyward.verify(token))).toBe('expired_token')
  })

  it('tells other instances its new end at once (not after their cache TTL)', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward: a, store, clock, now } = setup({ revocations })
    const b = createKeyward({ prefix: 'kw_live', scopes, store, now, revocations })
    const { token, key } = await a.keys.create(projectKey)
    expect(await outcome(b.verify(token))).toBe('ok')
    await a.keys.rotate(key.id, { gracePeriod: 10 })
    clock.now += 10_000
    // B's cached entry (60 s TTL) still says 30 days: only the announcement can end it.
    expect(await outcome(b.verify(token))).toBe('expired_token')
  })

  it('without grace is announced as a revocation only, not as an update too', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward } = setup({ revocations })
    const { key } = await keyward.keys.create(projectKey)
    const updates = vi.spyOn(revocations, 'publishUpdate')
    const revokes = vi.spyOn(revocations, 'revoke')
    await keyward.keys.rotate(key.id)
    expect(revokes).toHaveBeenCalledTimes(1)
    expect(updates).not.toHaveBeenCalled()
  })

  it('is not rotated when a suspension lands before the commit: no successor escapes it', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { token, key } = await keyward.keys.create(projectKey)
    const write = changeBeforeCommit(store, (id) => write(id, { suspendedAt: T0 }))
    await expect(keyward.keys.rotate(key.id, { gracePeriod: '1h' })).rejects.toMatchObject({
      code: 'key_inactive',
      keyStatus: 'suspended',
    })
    expect((await keyward.keys.list('org_1')).map((k) => k.id)).toEqual([key.id])
    expect(await outcome(keyward.verify(token))).toBe('suspended_token')
  })
})

describe('keys.rotate without grace: a commit that fails after every instance refuses the old key', () => {
  // The old key is announced revoked before the commit (so a list that cannot be reached
  // leaves it as it was); a list cannot take a revocation back, so the record follows it.
  it('leaves the old key revoked in the store too, not active yet refused, when the store fails', async () => {
    const store = new MemoryTokenStore()
    const errors: unknown[] = []
    const { keyward } = setup({ store, onError: (error) => void errors.push(error) })
    const { token, key } = await keyward.keys.create(projectKey)
    const update = store.update.bind(store)
    store.update = async (id, patch, condition) => {
      if (patch.rotatedTo !== undefined) throw new Error('store down')
      return update(id, patch, condition)
    }
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({ code: 'unavailable' })
    expect(await outcome(keyward.verify(token))).toBe('revoked_token')
    expect(await store.get(key.id)).toMatchObject({ revokedAt: T0 })
    expect(await store.get(key.id)).not.toHaveProperty('rotatedTo')
    expect(
      (await keyward.keys.listPage('org_1', { status: 'revoked' })).keys.map((k) => k.id),
    ).toEqual([key.id])
    expect(errors).toEqual([])
  })

  it('leaves it revoked, with no successor, when a suspension landed first', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { token, key } = await keyward.keys.create(projectKey)
    const write = changeBeforeCommit(store, (id) => write(id, { suspendedAt: T0 }))
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({ code: 'key_inactive' })
    expect(await outcome(keyward.verify(token))).toBe('revoked_token')
    expect(await store.get(key.id)).toMatchObject({ suspendedAt: T0, revokedAt: T0 })
    const { keys: all } = await keyward.keys.listPage('org_1', { status: 'revoked' })
    expect(all.map((k) => k.id)).toEqual([key.id])
  })

  it('keeps the earlier end of a key revoked meanwhile', async () => {
    const store = new MemoryTokenStore()
    const { keyward, clock } = setup({ store })
    const { key } = await keyward.keys.create(projectKey)
    const write = changeBeforeCommit(store, (id) => write(id, { revokedAt: T0 - 5 }))
    clock.now = T0 + 10
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({ keyStatus: 'revoked' })
    expect(await store.get(key.id)).toMatchObject({ revokedAt: T0 - 5 })
  })

  it('reports a failure to mark it to onError, and still rejects with the commit’s error', async () => {
    const store = new MemoryTokenStore()
    const errors: unknown[] = []
    const { keyward } = setup({ store, onError: (error) => void errors.push(error) })
    const { key } = await keyward.keys.create(projectKey)
    store.update = async () => {
      throw new Error('store down')
    }
    await expect(keyward.keys.rotate(key.id)).rejects.toMatchObject({ code: 'unavailable' })
    expect(errors).toHaveLength(1)
  })
})

describe('keys.rotate: input errors name the field', () => {
  it('says what is wrong with input, until and gracePeriod', async () => {
    const { keyward } = setup()
    const { key } = await keyward.keys.create(projectKey)
    const cases: [unknown, string, string][] = [
      [null, 'input', 'input must be an object.'],
      [{ until: 'last-use' }, 'until', "until must be 'first-use' when given."],
      [
        { until: 'first-use', gracePeriod: 0 },
        'gracePeriod',
        "gracePeriod must be more than 0 with until 'first-use'.",
      ],
      [{ gracePeriod: '25h' }, 'gracePeriod', 'gracePeriod must be at most 86400 seconds.'],
    ]
    for (const [input, field, message] of cases) {
      await expect(
        keyward.keys.rotate(key.id, input as { gracePeriod: number }),
      ).rejects.toMatchObject({ code: 'invalid_argument', field, message })
    }
    expect(await keyward.keys.get(key.id)).not.toHaveProperty('rotatedTo')
  })
})

describe('keys.rotate: a change landing between the read and the commit', () => {
  it('is taken by the successor: name, scopes, metadata and network rules', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { key } = await keyward.keys.create({
      ...projectKey,
      metadata: { team: 'ops' },
      allowedIps: ['203.0.113.0/24'],
    })
    const write = changeBeforeCommit(store, (id) =>
      write(id, {
        name: 'CI renamed',
        // Same length, one shared scope: only a full comparison sees the change.
        scopes: ['projects:read', 'billing:read'],
        metadata: { team: 'billing' },
        allowedIps: ['198.51.100.0/24'],
      }),
    )
    const rotated = await keyward.keys.rotate(key.id)
    const expected = {
      name: 'CI renamed',
      scopes: ['projects:read', 'billing:read'],
      metadata: { team: 'billing' },
      allowedIps: ['198.51.100.0/24'],
    }
    expect(rotated.key).toMatchObject(expected)
    expect(await keyward.keys.get(rotated.key.id)).toMatchObject(expected)
    expect(await outcome(keyward.verify(rotated.token, { clientIp: '203.0.113.9' }))).toBe(
      'ip_not_allowed',
    )
  })

  it('that removed the network rules removes them from the successor', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store })
    const { key } = await keyward.keys.create({ ...projectKey, allowedIps: ['203.0.113.0/24'] })
    const write = changeBeforeCommit(store, (id) => write(id, { allowedIps: null }))
    const rotated = await keyward.keys.rotate(key.id)
    expect(Object.keys(rotated.key)).not.toContain('allowedIps')
    expect(await outcome(keyward.verify(rotated.token, { clientIp: '198.51.100.1' }))).toBe('ok')
  })

  it('when there was none, the successor is written once and never patched', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const { key } = await keyward.keys.create({
      ...projectKey,
      metadata: { team: 'ops' },
      allowedIps: ['203.0.113.0/24'],
    })
    const plain = await keyward.keys.create(projectKey)
    for (const id of [key.id, plain.key.id]) {
      calls.length = 0
      const rotated = await keyward.keys.rotate(id)
      const updated = calls.filter(([name]) => name === 'update').map(([, updatedId]) => updatedId)
      expect(updated).toEqual([id])
      expect(updated).not.toContain(rotated.key.id)
    }
  })
})
