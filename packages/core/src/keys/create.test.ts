import { describe, expect, it } from 'vitest'
import { clockedKeyward, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { InvalidArgumentError } from '../errors.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import { generateToken } from '../token/token.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

/**
 * A keyward whose revocation list's clock (`time()`, where `createdAt` comes from) is read
 * through `clock`: `reads` counts the readings, `tick` is added after each one.
 */
function sharedClock() {
  const clock = { now: T0, tick: 0, reads: 0 }
  const revocations = new MemoryRevocationList({ now: () => clock.now })
  revocations.time = async () => {
    clock.reads++
    const now = clock.now
    clock.now += clock.tick
    return now
  }
  const keyward = createKeyward({ scopes, revocations, now: () => clock.now })
  return { keyward, revocations, clock }
}

describe('keys.create: createdAt past a revoke-all of the same millisecond', () => {
  it('waits for the shared clock to move past the owner’s epoch, so the key verifies', async () => {
    const { keyward, clock } = sharedClock()
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    clock.tick = 1
    clock.reads = 0
    const { token, key } = await keyward.keys.create(projectKey)
    expect(key.createdAt).toBe(T0 + 1)
    expect(clock.reads).toBe(2)
    expect(await outcome(keyward.verify(token))).toBe('ok')
  })

  it('takes the first reading when no epoch covers it', async () => {
    const { keyward, clock } = sharedClock()
    await keyward.keys.revokeAll({ ownerId: 'org_2' })
    clock.tick = 1
    clock.reads = 0
    const { key } = await keyward.keys.create(projectKey)
    expect(key.createdAt).toBe(T0)
    expect(clock.reads).toBe(1)
  })

  it(
    'gives up after three more readings when the clock does not move',
    { timeout: 2_000 },
    async () => {
      const { keyward, clock } = sharedClock()
      await keyward.keys.revokeAll({ ownerId: 'org_1' })
      clock.reads = 0
      const { key } = await keyward.keys.create(projectKey)
      expect(key.createdAt).toBe(T0)
      expect(clock.reads).toBe(4)
    },
  )

  it('takes the first reading when the list cannot tell (a stale mirror throws)', async () => {
    const { keyward, revocations, clock } = sharedClock()
    revocations.isRevoked = () => {
      throw new Error('the mirror is stale')
    }
    clock.tick = 1
    const { key } = await keyward.keys.create(projectKey)
    expect(key.createdAt).toBe(T0)
    expect(clock.reads).toBe(1)
  })

  it('moves an import batch past the epoch of any one of its owners', async () => {
    const { keyward, clock } = sharedClock()
    await keyward.keys.revokeAll({ ownerId: 'org_2' })
    clock.tick = 1
    const tokens = [generateToken('kw_live'), generateToken('kw_live')]
    const report = await keyward.keys.import([
      { ...projectKey, ownerId: 'org_1', token: tokens[0]! },
      { ...projectKey, ownerId: 'org_2', token: tokens[1]! },
    ])
    expect(report).toMatchObject({ imported: 2 })
    for (const { id } of report.results) {
      expect((await keyward.keys.get(id!))?.createdAt).toBe(T0 + 1)
    }
    for (const token of tokens) expect(await outcome(keyward.verify(token))).toBe('ok')
  })
})

describe('keys.create input', () => {
  it('refuses an input that is not an object, naming it', async () => {
    const { keyward } = clockedKeyward(scopes)
    for (const bad of [null, 'CI', [projectKey]]) {
      const error = await keyward.keys.create(bad as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ field: 'input', message: 'input must be an object.' })
    }
  })

  it('stores no network rules when none or [] are given', async () => {
    const { keyward, store } = clockedKeyward(scopes)
    for (const allowedIps of [undefined, []]) {
      const { key } = await keyward.keys.create({
        ...projectKey,
        ...(allowedIps && { allowedIps }),
      })
      expect(key).not.toHaveProperty('allowedIps')
      expect(await store.get(key.id)).not.toHaveProperty('allowedIps')
    }
  })
})
