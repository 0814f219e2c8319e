import { describe, expect, it } from 'vitest'
import { DAY, T0 } from '../../test/keyward.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import type { KeyRecord } from '../types.js'
import { handOverKey } from './hand-over.js'

const HOUR = 3_600_000

/** A key record of `org_1`, created at T0, ending in a day. */
const key = (id: string, fields: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  hash: `hash_${id}`,
  prefix: 'kw_live',
  hint: 'kw_live_Ab12…',
  name: id,
  ownerId: 'org_1',
  scopes: [],
  createdAt: T0,
  expiresAt: T0 + DAY,
  ...fields,
})

async function setup(records: KeyRecord[]) {
  const store = new MemoryTokenStore()
  for (const record of records) await store.insert(record)
  const revocations = new MemoryRevocationList()
  const forgotten: string[] = []
  const ctx = {
    store,
    revocations,
    now: () => T0 + HOUR,
    forget: (id: string) => forgotten.push(id),
  }
  return { ctx, store, revocations, forgotten }
}

describe('handOverKey', () => {
  it('ends a predecessor rotated until first use to this successor, and clears the mark', async () => {
    const old = key('key_old', { rotatedTo: 'key_new', rotatedUntil: 'first-use' })
    const { ctx, store, revocations } = await setup([
      old,
      key('key_new', { pendingPredecessor: old.id }),
    ])
    await handOverKey(ctx, 'key_new', old.id)
    expect(await store.get(old.id)).toMatchObject({ revokedAt: T0 + HOUR, expiresAt: T0 + HOUR })
    expect(revocations.isRevoked(old)).toBe(true)
    expect((await store.get('key_new'))?.pendingPredecessor).toBeUndefined()
  })

  it('leaves a predecessor rotated to another successor, or not until first use, as it is', async () => {
    for (const fields of [
      { rotatedTo: 'key_other', rotatedUntil: 'first-use' as const },
      { rotatedTo: 'key_new' },
    ]) {
      const old = key('key_old', fields)
      const { ctx, store, revocations, forgotten } = await setup([
        old,
        key('key_new', { pendingPredecessor: old.id }),
      ])
      await handOverKey(ctx, 'key_new', old.id)
      expect(await store.get(old.id)).toStrictEqual(old)
      expect(revocations.isRevoked(old)).toBe(false)
      expect(forgotten).toEqual([])
      expect((await store.get('key_new'))?.pendingPredecessor).toBeUndefined()
    }
  })
})
