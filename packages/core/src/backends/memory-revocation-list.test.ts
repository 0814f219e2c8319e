import { revocationListConformance } from '@keyward/core/testing'
import { describe, expect, it } from 'vitest'
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
})
