import { describe, expect, it } from 'vitest'
import { clockedKeyward, recordingStore } from '../../test/keyward.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { defineScopes } from '../scopes.js'
import { revokeAllEpoch } from './list.js'

const scopes = defineScopes({ 'projects:read': 'Read projects' })
const input = {
  name: 'CI deploy',
  ownerId: 'org_1',
  scopes: ['projects:read' as const],
  expiresIn: '30d',
}

describe('keys.listPage', () => {
  it('pages newest first, and judges revoke-all epochs as the verifier does', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      clock.now += 1_000
      ids.push((await keyward.keys.create({ ...input, name: `Key ${i}` })).key.id)
    }
    const first = await keyward.keys.listPage('org_1', { limit: 2 })
    expect(first.keys.map((key) => key.id)).toEqual([ids[4], ids[3]])
    expect(first.keys[0]).not.toHaveProperty('hash')
    const second = await keyward.keys.listPage('org_1', { limit: 2, cursor: first.nextCursor! })
    expect(second.keys.map((key) => key.id)).toEqual([ids[2], ids[1]])

    // An owner epoch after key 2: keys 0–2 are revoked without their records saying so.
    const { revokedBefore } = await keyward.keys.revokeAll({ ownerId: 'org_1' })
    expect(revokedBefore).toBe(clock.now)
    clock.now += 1_000
    const after = (await keyward.keys.create({ ...input, name: 'After' })).key.id
    const live = await keyward.keys.listPage('org_1')
    expect(live).toEqual({ keys: [expect.objectContaining({ id: after })], nextCursor: null })
    const revoked = await keyward.keys.listPage('org_1', { status: 'revoked' })
    expect(revoked.keys.map((key) => key.id)).toEqual([...ids].reverse())
    expect(await keyward.keys.list('org_1')).toEqual(live.keys)
  })

  it('drops a key the list revokes by id even when its record was never marked', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward } = clockedKeyward(scopes, { revocations })
    const { key } = await keyward.keys.create(input)
    await revocations.revoke(key.id, key.expiresAt)
    expect((await keyward.keys.listPage('org_1')).keys).toEqual([])
    expect((await keyward.keys.listPage('org_1', { status: 'active' })).keys).toEqual([])
  })

  it('rejects bad options naming the field, before reading the store', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = clockedKeyward(scopes, { store })
    for (const [options, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ limit: '5' }, 'limit'],
      [{ cursor: 'forged' }, 'cursor'],
      [{ status: 'gone' }, 'status'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 5 }, 'name'],
      [null, 'options'],
    ] as const) {
      await expect(keyward.keys.listPage('org_1', options as never)).rejects.toMatchObject({
        code: 'invalid_argument',
        field,
      })
    }
    await expect(keyward.keys.listPage('', {})).rejects.toMatchObject({ field: 'ownerId' })
    expect(calls.filter(([method]) => method === 'listByOwner')).toEqual([])
  })
})

describe('keys.list', () => {
  it('walks every page and keeps its answer: every live key, oldest first, ties by id', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    const ids: string[] = []
    for (let i = 0; i < 2_100; i++) {
      if (i % 2 === 0) clock.now += 1
      ids.push((await keyward.keys.create(input)).key.id)
    }
    await keyward.keys.revoke(ids[7]!)
    const expected = ids
      .map((id, i) => ({ id, at: Math.floor(i / 2) }))
      .filter(({ id }) => id !== ids[7])
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
      .map(({ id }) => id)
    expect((await keyward.keys.list('org_1')).map((key) => key.id)).toEqual(expected)
  })
})

describe('revokeAllEpoch', () => {
  it('finds the later of the owner and global epochs, or none', async () => {
    const list = new MemoryRevocationList()
    expect(revokeAllEpoch(list, 'org_1')).toBeUndefined()
    await list.revokeOwner('org_1', 1_700_000_000_123)
    expect(revokeAllEpoch(list, 'org_1')).toBe(1_700_000_000_123)
    expect(revokeAllEpoch(list, 'org_2')).toBeUndefined()
    await list.revokeAll(1_600_000_000_000)
    expect(revokeAllEpoch(list, 'org_2')).toBe(1_600_000_000_000)
    expect(revokeAllEpoch(list, 'org_1')).toBe(1_700_000_000_123)
    await list.revokeAll(0)
    expect(revokeAllEpoch(new MemoryRevocationList(), 'x')).toBeUndefined()
  })
})
