import { describe, expect, it } from 'vitest'
import { clockedKeyward, recordingStore } from '../../test/keyward.js'
import { projectKey } from '../../test/outcome.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { InvalidArgumentError, KeyInactiveError, NotFoundError } from '../errors.js'
import { defineScopes } from '../scopes.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

describe('reading keys by id', () => {
  it('refuses an id that is empty or not a string, without asking the store', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = clockedKeyward(scopes, { store })
    for (const bad of ['', 7, null]) {
      const error = await keyward.keys.get(bad as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ field: 'id', message: 'id must be a key id.' })
    }
    expect(calls).toEqual([])
  })

  it('refuses to update a key of an owner revoked all at once, suspended or not', async () => {
    const { keyward, clock } = clockedKeyward(scopes)
    const { key } = await keyward.keys.create(projectKey)
    const other = await keyward.keys.create(projectKey)
    await keyward.keys.suspend(other.key.id)
    clock.now += 1
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    for (const id of [key.id, other.key.id]) {
      const error = await keyward.keys.update(id, { name: 'renamed' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KeyInactiveError)
      expect(error).toMatchObject({ keyStatus: 'revoked' })
      expect((await keyward.keys.get(id, { includeRevoked: true }))?.name).toBe('CI')
    }
  })

  it('a key deleted while it is updated is not found, with no second read', async () => {
    const inner = new MemoryTokenStore()
    const { store, calls } = recordingStore(inner)
    const { keyward } = clockedKeyward(scopes, { store })
    const { key } = await keyward.keys.create(projectKey)
    // Another process purges the record between the read and the conditional update.
    const update = inner.update.bind(inner)
    inner.update = async (...args) => {
      await inner.delete(key.id)
      return update(...args)
    }
    calls.length = 0
    const error = await keyward.keys.update(key.id, { name: 'renamed' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    expect(calls.map(([method]) => method)).toEqual(['get', 'update'])
  })
})
