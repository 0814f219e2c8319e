import type { KeyRecord } from '@keyward/core'
import { RedisTokenStore } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

// Network rules and suspension as RedisTokenStore keeps them (issue 22).

const HOUR = 3_600_000

let redis: Redis

beforeAll(async () => {
  redis = await connect()
})
afterAll(cleanUp)

let records = 0
function record(overrides: Partial<KeyRecord> = {}): KeyRecord {
  records += 1
  const n = String(records).padStart(4, '0')
  const now = Date.now()
  return {
    id: `key_rules0000000${n}`,
    hash: `${n}${'r'.repeat(39)}`,
    prefix: 'kw_test',
    hint: 'kw_test_abcd…',
    name: 'Rules',
    ownerId: 'org_rules',
    scopes: ['projects:read'],
    createdAt: now,
    expiresAt: now + HOUR,
    ...overrides,
  }
}

function storeOn(namespace = testNamespace()) {
  return { namespace, store: new RedisTokenStore(redis, { namespace }) }
}

describe('allowedIps, suspendedAt and suspendReason in Redis', () => {
  it('keeps them exactly, as JSON, a decimal time and a string', async () => {
    const { namespace, store } = storeOn()
    const suspended = record({
      allowedIps: ['203.0.113.0/24', '2001:db8::1'],
      suspendedAt: 1_700_000_000_123,
      suspendReason: 'unpaid invoice',
    })
    await store.insert(suspended)

    expect(await store.get(suspended.id)).toStrictEqual(suspended)
    expect(await store.findByHash(suspended.hash)).toStrictEqual(suspended)
    expect((await store.listByOwner(suspended.ownerId)).keys).toStrictEqual([suspended])
    const fields = await redis.hgetall(`{${namespace}}:key:${suspended.id}`)
    expect(fields).toMatchObject({
      allowedIps: '["203.0.113.0/24","2001:db8::1"]',
      suspendedAt: '1700000000123',
      suspendReason: 'unpaid invoice',
    })
  })

  it('sets them by patch, and removes each with null', async () => {
    const { namespace, store } = storeOn()
    const plain = record()
    await store.insert(plain)
    const at = Date.now()

    const patched = await store.update(plain.id, {
      allowedIps: ['10.0.0.0/8'],
      suspendedAt: at,
      suspendReason: 'investigation',
    })
    expect(patched).toStrictEqual({
      ...plain,
      allowedIps: ['10.0.0.0/8'],
      suspendedAt: at,
      suspendReason: 'investigation',
    })
    // Left out: unchanged.
    expect(await store.update(plain.id, { name: 'Renamed' })).toMatchObject({
      allowedIps: ['10.0.0.0/8'],
      suspendedAt: at,
    })
    const resumed = await store.update(plain.id, {
      allowedIps: null,
      suspendedAt: null,
      suspendReason: null,
    })
    expect(resumed).toStrictEqual({ ...plain, name: 'Renamed' })
    const fields = await redis.hgetall(`{${namespace}}:key:${plain.id}`)
    expect(Object.keys(fields)).not.toContain('allowedIps')
    expect(Object.keys(fields)).not.toContain('suspendedAt')
    expect(Object.keys(fields)).not.toContain('suspendReason')
    expect(await store.get(plain.id)).toStrictEqual(resumed)
  })

  it('keeps an empty allowedIps as it was given', async () => {
    const { store } = storeOn()
    const empty = record({ allowedIps: [] })
    await store.insert(empty)
    expect(await store.get(empty.id)).toStrictEqual(empty)
  })

  it('applies a notSuspended update only while the record is not suspended, writing nothing else', async () => {
    const { namespace, store } = storeOn()
    const key = record()
    await store.insert(key)
    const condition = { activeAt: Date.now(), notSuspended: true }

    expect(await store.update(key.id, { name: 'Active' }, condition)).toMatchObject({
      name: 'Active',
    })
    await store.update(key.id, { suspendedAt: Date.now(), suspendReason: 'paused' })
    const before = await redis.hgetall(`{${namespace}}:key:${key.id}`)
    const refused = await store.update(
      key.id,
      { rotatedTo: 'key_successor0000000', name: 'Rotated' },
      condition,
    )
    expect(refused).toBeNull()
    expect(await redis.hgetall(`{${namespace}}:key:${key.id}`)).toStrictEqual(before)

    // Without notSuspended, the same condition lets a suspended key change (a rename by support).
    expect(
      await store.update(key.id, { name: 'Renamed' }, { activeAt: condition.activeAt }),
    ).toMatchObject({ name: 'Renamed', suspendReason: 'paused' })
    // Resumed: the notSuspended update applies again.
    await store.update(key.id, { suspendedAt: null, suspendReason: null })
    expect(await store.update(key.id, { name: 'Again' }, condition)).toMatchObject({
      name: 'Again',
    })
  })
})
