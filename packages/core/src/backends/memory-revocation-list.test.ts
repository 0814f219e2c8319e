import { revocationListConformance } from '@keyward/core/testing'
import { describe, expect, it } from 'vitest'
import type { RevocationEvent } from '../types.js'
import { MemoryRevocationList } from './memory-revocation-list.js'

revocationListConformance('MemoryRevocationList', () => ({ list: new MemoryRevocationList() }))

describe('MemoryRevocationList', () => {
  it('shares its own injected clock through time()', async () => {
    let now = 1_700_000_000_000
    const list = new MemoryRevocationList({ now: () => now })
    expect(await list.time()).toBe(1_700_000_000_000)
    now += 1_234
    expect(await list.time()).toBe(1_700_000_001_234)
  })

  it('is never stale: any clock reading at answers from its state', async () => {
    const list = new MemoryRevocationList({ now: () => 1_000 })
    await list.revokeAll(5_000)
    const subject = { id: 'key_0000000000000001', ownerId: 'org_1', createdAt: 5_000 }
    expect(list.isRevoked(subject, Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(list.isRevoked({ ...subject, createdAt: 5_001 }, 0)).toBe(false)
  })

  it('prunes ids of keys ended by now once it holds 1 024, keeping what still lives and the later end of an id revoked twice', async () => {
    const T0 = 1_700_000_000_000
    const HOUR = 3_600_000
    let now = T0
    const list = new MemoryRevocationList({ now: () => now })
    const events: string[] = []
    list.subscribe((event) => void events.push(event.type))
    const twice = { id: 'key_twice', ownerId: 'org_1', createdAt: T0 - 1 }
    const lasting = { id: 'key_lasting', ownerId: 'org_1', createdAt: T0 - 1 }
    await list.revoke(twice.id, T0 + 2 * HOUR)
    await list.revoke(twice.id, T0 + HOUR)
    await list.revoke(lasting.id, T0 + 3 * HOUR)
    // Full at 1 024 ids, it prunes (nothing ended yet) and lets the table grow to twice that.
    for (let i = 0; i < 1_030; i++) await list.revoke(`key_short${i}`, T0 + HOUR)
    now = T0 + 90 * 60_000
    for (let i = 0; i < 1_020; i++) await list.revoke(`key_more${i}`, T0 + 4 * HOUR)
    expect(events).toHaveLength(2_053)
    // Full again: this revocation prunes what ended by now, the short ones.
    await list.revoke('key_next', T0 + 4 * HOUR)
    expect(list.isRevoked(twice)).toBe(true)
    expect(list.isRevoked(lasting)).toBe(true)
    expect(list.isRevoked({ ...twice, id: 'key_next' })).toBe(true)
    // An ended key's id no longer needs refusing: its expiry refuses it.
    expect(list.isRevoked({ ...twice, id: 'key_short0' })).toBe(false)
    expect(list.isRevoked({ ...twice, id: 'key_short1029' })).toBe(false)
  })

  it('prunes suspensions of keys ended by now the same way, keeping live ones', async () => {
    const T0 = 1_700_000_000_000
    const HOUR = 3_600_000
    let now = T0
    const list = new MemoryRevocationList({ now: () => now })
    await list.suspend('key_live', T0 + 3 * HOUR)
    for (let i = 0; i < 1_030; i++) await list.suspend(`key_short${i}`, T0 + HOUR)
    now = T0 + 2 * HOUR
    for (let i = 0; i < 1_020; i++) await list.suspend(`key_more${i}`, T0 + 4 * HOUR)
    await list.suspend('key_next', T0 + 4 * HOUR)
    expect(list.isSuspended('key_live')).toBe(true)
    expect(list.isSuspended('key_next')).toBe(true)
    expect(list.isSuspended('key_short0')).toBe(false)
    await list.resume('key_live')
    expect(list.isSuspended('key_live')).toBe(false)
  })
})

describe('MemoryRevocationList writes and subscribers', () => {
  it('refuses to announce an update of an empty id, telling no subscriber', async () => {
    const list = new MemoryRevocationList()
    const events: RevocationEvent[] = []
    list.subscribe((event) => void events.push(event))
    await expect(list.publishUpdate('')).rejects.toThrow(
      new TypeError('id must be a non-empty string'),
    )
    expect(events).toStrictEqual([])
  })

  it('tells no subscriber once closed', async () => {
    const list = new MemoryRevocationList()
    const events: RevocationEvent[] = []
    list.subscribe((event) => void events.push(event))
    await list.close()
    await list.revoke('key_a', Date.now() + 60_000)
    await list.suspend('key_b', Date.now() + 60_000)
    await list.publishUpdate('key_a')
    expect(events).toStrictEqual([])
  })
})

describe('MemoryRevocationList pruning passes', () => {
  const T0 = 1_700_000_000_000
  const HOUR = 3_600_000
  const tables = [
    {
      name: 'revoked ids',
      write: (list: MemoryRevocationList, id: string, expiresAt: number) =>
        list.revoke(id, expiresAt),
      stored: (list: MemoryRevocationList) => list.snapshot().revoked.map(([id]) => id),
    },
    {
      name: 'suspensions',
      write: (list: MemoryRevocationList, id: string, expiresAt: number) =>
        list.suspend(id, expiresAt),
      stored: (list: MemoryRevocationList) => list.snapshot().suspended.map(([id]) => id),
    },
  ]

  for (const { name, write, stored } of tables) {
    it(`drops ${name} of keys ended by now (at exactly their end too) in a pass run by the write that finds 1 024, then twice what the last pass left`, async () => {
      let now = T0
      const list = new MemoryRevocationList({ now: () => now })
      let written = 0
      const writeLive = async (count: number) => {
        for (let i = 0; i < count; i++) await write(list, `key_live${written++}`, T0 + 9 * HOUR)
      }
      await write(list, 'key_first', T0 + HOUR)
      await write(list, 'key_second', T0 + 2 * HOUR)
      await writeLive(1_021)
      now = T0 + HOUR
      // 1 023 entries: no pass yet, so key_first, ended exactly now, is still stored.
      await writeLive(1)
      expect(stored(list)).toHaveLength(1_024)
      expect(stored(list)).toContain('key_first')
      // This write finds 1 024: the pass drops key_first, and the next waits for 2 × 1 023.
      await writeLive(1)
      expect(stored(list)).toHaveLength(1_024)
      expect(stored(list)).not.toContain('key_first')
      now = T0 + 2 * HOUR
      await writeLive(2_046 - 1_024)
      expect(stored(list)).toHaveLength(2_046)
      expect(stored(list)).toContain('key_second')
      await writeLive(1)
      expect(stored(list)).toHaveLength(2_046)
      expect(stored(list)).not.toContain('key_second')
    })
  }
})
