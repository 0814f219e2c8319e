import { expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../backends/key-page.js'
import { InvalidArgumentError } from '../errors.js'
import type { KeyRecord, TokenStore } from '../types.js'
import { walkPages } from './lib/list-all.js'
import { sampleOwnerId, sampleRecord } from './lib/sample.js'

const DAY = 86_400_000

/** Newest first, ties by id descending: the order every page keeps. */
const newestFirst = (a: KeyRecord, b: KeyRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)
const ids = (records: readonly KeyRecord[]) => records.map((record) => record.id)

/** Inserts `records` a batch at a time (a round trip each on a networked store). */
async function insertAll(store: TokenStore, records: readonly KeyRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 100) {
    await Promise.all(records.slice(i, i + 100).map((record) => store.insert(record)))
  }
}

/**
 * The paged `listByOwner` cases of the token store conformance suite: order, page size,
 * every filter, cursors across inserts and deletes, forged cursors. Registered inside
 * `tokenStoreConformance`'s `describe`; `store()` is the store of the running test.
 */
export function pagingConformanceCases(store: () => TokenStore): void {
  it('pages newest first, ties by id descending, and ends with a null cursor', async () => {
    const ownerId = sampleOwnerId()
    const base = Date.now() - DAY
    const records = [0, 1, 1, 1, 2, 3, 3].map((step) =>
      sampleRecord({ ownerId, createdAt: base + step * 1_000 }),
    )
    await insertAll(store(), records)
    const pages = await walkPages(store(), ownerId, { limit: 2 })
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1])
    expect(ids(pages.flat())).toEqual(ids([...records].sort(newestFirst)))
    expect(await store().listByOwner(sampleOwnerId())).toStrictEqual({ keys: [], nextCursor: null })
  })

  it('gives 50 keys per page by default', async () => {
    const ownerId = sampleOwnerId()
    const base = Date.now() - DAY
    await insertAll(
      store(),
      Array.from({ length: 51 }, (_, i) => sampleRecord({ ownerId, createdAt: base + i })),
    )
    const first = await store().listByOwner(ownerId)
    expect(first.keys).toHaveLength(50)
    expect(first.nextCursor).not.toBeNull()
    const rest = await store().listByOwner(ownerId, { cursor: first.nextCursor! })
    expect(rest.keys.map((record) => record.createdAt)).toEqual([base])
    expect(rest.nextCursor).toBeNull()
  })

  it('filters by status judged at `at`, with revokedBefore counting as revoked', async () => {
    const ownerId = sampleOwnerId()
    const at = Date.now()
    const make = (step: number, fields: Partial<KeyRecord> = {}) =>
      sampleRecord({ ownerId, createdAt: at - DAY + step * 1_000, ...fields })
    const epochRevoked = make(0)
    const active = make(10)
    const expired = make(11, { expiresAt: at - 1 })
    const endsAtAt = make(12, { expiresAt: at })
    const rotated = make(13, { rotatedTo: 'key_successor00000000' })
    const revoked = make(14, { revokedAt: at - 5_000 })
    const all = [epochRevoked, active, expired, endsAtAt, rotated, revoked]
    await insertAll(store(), all)
    const revokedBefore = epochRevoked.createdAt
    const listed = async (options: Parameters<TokenStore['listByOwner']>[1]) =>
      ids((await walkPages(store(), ownerId, { at, revokedBefore, ...options })).flat())

    expect(await listed({ status: 'active' })).toEqual(ids([active]))
    expect(await listed({ status: 'expired' })).toEqual(ids([endsAtAt, expired]))
    expect(await listed({ status: 'rotated' })).toEqual(ids([rotated]))
    expect(await listed({ status: 'revoked' })).toEqual(ids([revoked, epochRevoked]))
    expect(await listed({})).toEqual(ids([rotated, endsAtAt, expired, active]))
    // Judged at another instant: before the expiries, both expired keys were active.
    expect(await listed({ status: 'active', at: at - 10 })).toEqual(
      ids([endsAtAt, expired, active]),
    )
    const noEpoch = await walkPages(store(), ownerId, { at, status: 'revoked' })
    expect(ids(noEpoch.flat())).toEqual(ids([revoked]))
  })

  it('filters by a case-insensitive name prefix, newest first, across pages', async () => {
    const ownerId = sampleOwnerId()
    const base = Date.now() - DAY
    const names = ['Device-001', 'device-002', 'Deploy bot', 'other', 'DEVICE-003', 'dev']
    const records = names.map((name, i) => sampleRecord({ ownerId, name, createdAt: base + i }))
    await insertAll(store(), records)
    const named = async (name: string, limit = 2) =>
      (await walkPages(store(), ownerId, { name, limit })).flat().map((record) => record.name)

    expect(await named('DEVICE')).toEqual(['DEVICE-003', 'device-002', 'Device-001'])
    expect(await named('dev')).toEqual(['dev', 'DEVICE-003', 'device-002', 'Device-001'])
    expect(await named('de', 100)).toEqual([
      'dev',
      'DEVICE-003',
      'Deploy bot',
      'device-002',
      'Device-001',
    ])
    expect(await named('device-0029')).toEqual([])
    expect(await named('x')).toEqual([])
    // A renamed key is found under its new name only.
    await store().update(records[3]!.id, { name: 'Device-004' })
    expect(await named('other')).toEqual([])
    expect(await named('device-004')).toEqual(['Device-004'])
  })

  it('pages 2 000 keys, with inserts and deletes between pages, each key exactly once', async () => {
    const ownerId = sampleOwnerId()
    const base = Date.now() - 2 * DAY
    const records = Array.from({ length: 2_000 }, (_, i) =>
      // Pairs share a millisecond, so ties by id cross page boundaries too.
      sampleRecord({ ownerId, name: `Device ${i}`, createdAt: base + Math.floor(i / 2) * 10 }),
    )
    await insertAll(store(), records)
    const deleted = new Set<string>()
    const inserted: KeyRecord[] = []
    const churn = async (pageNumber: number) => {
      // Newer keys, keys in the middle of the order, and deletions ahead of and behind the cursor.
      const extra = [
        sampleRecord({ ownerId, name: 'Device late', createdAt: Date.now() - DAY }),
        sampleRecord({ ownerId, name: 'Device mid', createdAt: base + pageNumber * 997 + 5 }),
      ]
      await insertAll(store(), extra)
      inserted.push(...extra)
      for (const victim of [records[(pageNumber * 331) % 2_000]!, records[pageNumber * 7]!]) {
        if (deleted.has(victim.id)) continue
        deleted.add(victim.id)
        await store().delete(victim.id)
      }
    }
    for (const options of [{ limit: 100 }, { limit: 97, name: 'dEvIcE' }]) {
      const listed = ids((await walkPages(store(), ownerId, options, churn)).flat())
      expect(new Set(listed).size).toBe(listed.length)
      const listedSet = new Set(listed)
      const missing = records.filter((r) => !deleted.has(r.id) && !listedSet.has(r.id))
      expect(ids(missing)).toEqual([])
      const known = new Set([...ids(records), ...ids(inserted)])
      expect(listed.filter((id) => !known.has(id))).toEqual([])
    }
  }, 60_000)

  it('rejects a forged or garbled cursor with a 422 naming the cursor', async () => {
    const ownerId = sampleOwnerId()
    const base = Date.now() - DAY
    await insertAll(
      store(),
      [1, 2, 3].map((i) => sampleRecord({ ownerId, createdAt: base + i })),
    )
    const { nextCursor } = await store().listByOwner(ownerId, { limit: 1 })
    expect(decodeCursor(nextCursor)).toMatchObject({ createdAt: base + 3 })
    const forged = [
      'garbage',
      `${nextCursor}x`,
      btoa('k1:123:key with spaces'),
      btoa('k2:123:key_abc'),
      btoa("k1:-5:key_abc'; DROP TABLE keys"),
      '',
      'a'.repeat(5_000),
    ]
    for (const cursor of forged) {
      const error = await store()
        .listByOwner(ownerId, { cursor })
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        )
      expect(error, cursor).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ field: 'cursor', status: 422 })
    }
    // A well-formed cursor at a position no page ended on is only a place in the order.
    const anywhere = encodeCursor({ createdAt: base + 2, id: 'key_zzzzzzzzzzzzzzzz' })
    const page = await store().listByOwner(ownerId, { cursor: anywhere })
    expect(page.keys.map((record) => record.createdAt)).toEqual([base + 2, base + 1])
  })

  it('rejects a bad limit or status with a 422 naming it', async () => {
    for (const [options, field] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 1.5 }, 'limit'],
      [{ limit: 1_001 }, 'limit'],
      [{ status: 'lost' }, 'status'],
    ] as const) {
      await expect(
        store().listByOwner(sampleOwnerId(), options as Parameters<TokenStore['listByOwner']>[1]),
      ).rejects.toMatchObject({ field, status: 422 })
    }
  })
}
