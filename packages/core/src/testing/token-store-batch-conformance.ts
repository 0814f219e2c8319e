import { expect, it } from 'vitest'
import type { TokenStore } from '../types.js'
import { everyRecordOf } from './lib/list-all.js'
import { fullSampleRecord, sampleOwnerId, sampleRecord } from './lib/sample.js'

/**
 * The cases of `tokenStoreConformance` for the optional `insertMany` (imports): registered
 * inside its `describe`; `store()` is the store of the running test. A store without
 * `insertMany` passes them trivially (core then inserts one record at a time).
 */
export function batchInsertConformanceCases(store: () => TokenStore): void {
  it('insertMany adds new records whole, in order, and skips those whose hash or id exists', async () => {
    const target = store()
    if (!target.insertMany) return
    const ownerId = sampleOwnerId()
    const existing = sampleRecord({ ownerId })
    await target.insert(existing)
    const first = sampleRecord({ ownerId, createdAt: existing.createdAt + 1 })
    const full = fullSampleRecord({ ownerId })
    const sameHash = sampleRecord({ ownerId, hash: existing.hash, name: 'Clash' })
    const sameId = sampleRecord({ ownerId, id: existing.id, name: 'Clash' })
    const repeated = sampleRecord({ ownerId, hash: first.hash, name: 'Repeated' })
    const added = await target.insertMany([first, sameHash, full, sameId, repeated])
    expect(added).toStrictEqual([true, false, true, false, false])
    expect(await target.get(first.id)).toStrictEqual(first)
    expect(await target.findByHash(full.hash)).toStrictEqual(full)
    expect(await target.findByHash(existing.hash)).toStrictEqual(existing)
    expect(await target.get(existing.id)).toStrictEqual(existing)
    expect(await target.get(repeated.id)).toBeUndefined()
    const listed = (await everyRecordOf(target, ownerId)).map(({ id }) => id).sort()
    expect(listed).toStrictEqual([existing.id, first.id, full.id].sort())
  })

  it('insertMany of nothing resolves an empty list, and of many records stores each', async () => {
    const target = store()
    if (!target.insertMany) return
    expect(await target.insertMany([])).toStrictEqual([])
    const ownerId = sampleOwnerId()
    const records = Array.from({ length: 250 }, (_, i) =>
      sampleRecord({ ownerId, name: `Batch ${i}` }),
    )
    expect(await target.insertMany(records)).toStrictEqual(records.map(() => true))
    for (const record of [records[0]!, records[124]!, records[249]!]) {
      expect(await target.findByHash(record.hash)).toStrictEqual(record)
    }
    expect(await everyRecordOf(target, ownerId)).toHaveLength(250)
  })
}
