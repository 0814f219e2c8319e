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
    const messages: [object, string, string][] = [
      [{ limit: 0 }, 'limit', 'limit must be an integer from 1 to 100.'],
      [
        { status: 'gone' },
        'status',
        'status must be one of active, suspended, expired, revoked, rotated.',
      ],
      [{ name: 'x'.repeat(101) }, 'name', 'name must be a string of at most 100 characters.'],
    ]
    for (const [options, field, message] of messages) {
      await expect(keyward.keys.listPage('org_1', options)).rejects.toMatchObject({
        field,
        message,
      })
    }
    expect(calls.filter(([method]) => method === 'listByOwner')).toEqual([])
  })
})

describe('keys.listPage asks the store', () => {
  it('for 50 keys by default, and for no name filter when the name is empty', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = clockedKeyward(scopes, { store })
    await keyward.keys.create(input)
    await keyward.keys.listPage('org_1')
    await keyward.keys.listPage('org_1', { name: '' })
    const asked = calls.filter(([method]) => method === 'listByOwner').map((call) => call[2])
    expect(asked).toEqual([
      expect.objectContaining({ limit: 50 }),
      expect.objectContaining({ limit: 50 }),
    ])
    expect(asked[1]).not.toHaveProperty('name')
  })

  it('accepts a name filter of exactly 100 characters', async () => {
    const { keyward } = clockedKeyward(scopes)
    const name = 'n'.repeat(100)
    const { key } = await keyward.keys.create({ ...input, name })
    expect((await keyward.keys.listPage('org_1', { name })).keys.map((k) => k.id)).toEqual([key.id])
  })
})

/** A store whose `listByOwner` answers `cursorOf(call)` as each page's next cursor. */
function endlessStore(cursorOf: (call: number) => string) {
  const store = new MemoryTokenStore()
  let calls = 0
  store.listByOwner = async () => {
    calls++
    // A runaway walk fails here rather than hang the test.
    if (calls > 100_001) throw new Error('walked past the bound')
    return { keys: [], nextCursor: cursorOf(calls) }
  }
  return { store, calls: () => calls }
}

describe('keys.list', () => {
  it('stops with an error when the store keeps answering the same cursor', async () => {
    const { store, calls } = endlessStore(() => 'same')
    const { keyward } = clockedKeyward(scopes, { store })
    await expect(keyward.keys.list('org_1')).rejects.toThrowError(
      'the key store kept answering the same cursor while listing an owner',
    )
    expect(calls()).toBe(2)
  })

  it('stops after 100 000 pages when the store keeps answering new cursors', async () => {
    const { store, calls } = endlessStore((call) => `c${call}`)
    const { keyward } = clockedKeyward(scopes, { store })
    await expect(keyward.keys.list('org_1')).rejects.toThrowError(
      'the key store kept answering the same cursor while listing an owner',
    )
    expect(calls()).toBe(100_000)
  }, 30_000)

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
    await list.revokeAll(Number.MAX_SAFE_INTEGER)
    expect(revokeAllEpoch(list, 'org_2')).toBe(Number.MAX_SAFE_INTEGER)
    await list.revokeAll(0)
    expect(revokeAllEpoch(new MemoryRevocationList(), 'x')).toBeUndefined()
  })
})
