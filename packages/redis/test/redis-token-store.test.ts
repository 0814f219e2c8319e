import { createKeyward, type Keyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore, RedisUsageBackend } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { commandsSentFor } from '../../../test/support/redis-monitor.js'
import { cleanUp, connect, dumpNamespace, testNamespace } from './support.js'

const HOUR = 3_600_000

let redis: Redis
const keywards: Keyward[] = []

beforeAll(async () => {
  redis = await connect()
})
afterAll(async () => {
  for (const keyward of keywards) await keyward.close()
  await cleanUp()
})

function keywardOn(namespace: string, now?: () => number) {
  const clock = now === undefined ? {} : { now }
  const keyward = createKeyward({
    prefix: 'kw_test',
    store: new RedisTokenStore(redis, { namespace, ...clock }),
    revocations: new RedisRevocationList(redis, { namespace, ...clock }),
    usage: { backend: new RedisUsageBackend(redis, { namespace }) },
    onError: () => {},
    ...clock,
  })
  keywards.push(keyward)
  return keyward
}

const newKey = {
  name: 'CI deploy',
  ownerId: 'org_42',
  scopes: ['projects:read'],
  expiresIn: '90d',
} as const

describe('RedisTokenStore options', () => {
  it('throws a TypeError naming the option at construction', () => {
    expect(() => new RedisTokenStore({} as never)).toThrow(
      /^redis must be an ioredis Redis or Cluster/,
    )
    expect(() => new RedisTokenStore(redis, { namespace: 'a{b}' })).toThrow(/^namespace must be/)
    expect(() => new RedisTokenStore(redis, { namespace: '' })).toThrow(/^namespace must be/)
    expect(() => new RedisTokenStore(redis, { retention: -1 })).toThrow(/^retention must be/)
    expect(() => new RedisTokenStore(redis, { retention: 'forever' })).toThrow(/^retention must be/)
    expect(() => new RedisTokenStore(redis, { now: 5 as never })).toThrow(/^now must be/)
  })

  it("defaults the namespace to 'keyward'", () => {
    expect(new RedisTokenStore(redis).namespace).toBe('keyward')
  })
})

describe('what RedisTokenStore keeps in Redis', () => {
  it('never holds a plaintext token, in any key, value or published message', async () => {
    const namespace = testNamespace()
    const listener = await connect()
    const messages: string[] = []
    listener.on('message', (_channel: string, message: string) => messages.push(message))
    await listener.subscribe(`{${namespace}}:revocations`)
    const keyward = keywardOn(namespace)
    await keyward.ready()

    const issued = [
      await keyward.keys.create(newKey),
      await keyward.keys.create({ ...newKey, metadata: { team: 'platform' } }),
      await keyward.keys.create({ ...newKey, ownerId: 'org_7' }),
    ]
    const [first, second, third] = issued as [
      (typeof issued)[0],
      (typeof issued)[0],
      (typeof issued)[0],
    ]
    for (const { token } of issued) await keyward.verify(token)
    const rotated = await keyward.keys.rotate(first.key.id, { gracePeriod: '1h' })
    await keyward.verify(rotated.token)
    await keyward.keys.update(second.key.id, { name: 'Renamed' })
    await keyward.keys.revoke(second.key.id)
    await keyward.keys.revokeAll({ ownerId: 'org_7' })
    // Each use is kept by usage (flushed to Redis, under the same namespace), not in the record.
    await keyward.usage!.flush()
    expect(await keyward.usage!.backend.whereFrom([third.key.id, rotated.key.id])).toHaveProperty(
      'size',
      2,
    )
    await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(4))

    const dump = await dumpNamespace(redis, namespace)
    const everything = [...dump.keys(), ...dump.values(), ...messages].join('\n')
    expect(everything).toContain((await keyward.store.get(third.key.id))!.hash)
    for (const { token } of [...issued, rotated]) {
      const secret = token.slice('kw_test_'.length, 'kw_test_'.length + 32)
      expect(everything).not.toContain(token)
      expect(everything).not.toContain(secret)
      expect(everything).not.toContain(token.slice('kw_test_'.length))
    }
  })

  it('lets a record expire in Redis `retention` after its expiry, indexes included', async () => {
    const namespace = testNamespace()
    const now = Date.now()
    const store = new RedisTokenStore(redis, { namespace, retention: '1h', now: () => now })
    const record = {
      id: 'key_0123456789abcdef',
      hash: 'h'.repeat(43),
      prefix: 'kw_test',
      hint: 'kw_test_abcd…',
      name: 'TTL',
      ownerId: 'org_ttl',
      scopes: [],
      createdAt: now,
      expiresAt: now + 2 * HOUR,
    }
    const keys = [
      `{${namespace}}:key:${record.id}`,
      `{${namespace}}:hash:${record.hash}`,
      `{${namespace}}:owner:${record.ownerId}`,
    ]
    const ttls = () => Promise.all(keys.map((key) => redis.pttl(key)))
    const expectTtls = async (expected: number) => {
      for (const ttl of await ttls()) {
        expect(ttl).toBeLessThanOrEqual(expected)
        expect(ttl).toBeGreaterThan(expected - 60_000)
      }
    }

    await store.insert(record)
    await expectTtls(3 * HOUR)
    await store.update(record.id, { expiresAt: now + 5 * HOUR })
    await expectTtls(6 * HOUR)

    const expired = {
      ...record,
      id: 'key_expiredexpired00',
      hash: 'e'.repeat(43),
      expiresAt: now - HOUR,
    }
    await store.insert(expired)
    const ttl = await redis.pttl(`{${namespace}}:key:${expired.id}`)
    expect(ttl).toBeLessThanOrEqual(HOUR)
    expect(ttl).toBeGreaterThan(HOUR - 60_000)
  })

  it('keeps a revoked record `retention` past the later of its expiry and its revocation', async () => {
    const namespace = testNamespace()
    const now = Date.now()
    const store = new RedisTokenStore(redis, { namespace, retention: '1h', now: () => now })
    const record = (id: string, hash: string, expiresAt: number) => ({
      id,
      hash: hash.repeat(43),
      prefix: 'kw_test',
      hint: 'kw_test_abcd…',
      name: 'Revoked TTL',
      ownerId: 'org_revoked_ttl',
      scopes: [],
      createdAt: now - 4 * HOUR,
      expiresAt,
    })
    const expectTtls = async (id: string, hash: string, expected: number) => {
      for (const key of [`{${namespace}}:key:${id}`, `{${namespace}}:hash:${hash.repeat(43)}`]) {
        const ttl = await redis.pttl(key)
        expect(ttl).toBeLessThanOrEqual(expected)
        expect(ttl).toBeGreaterThan(expected - 60_000)
      }
    }

    // Revoked before its expiry: kept as long as before, never less.
    const active = record('key_revokedwhileactv', 'a', now + 2 * HOUR)
    await store.insert(active)
    await store.update(active.id, { revokedAt: now })
    await expectTtls(active.id, 'a', 3 * HOUR)

    // Revoked after its expiry, minutes before Redis would have dropped it: kept `retention` more.
    const expired = record('key_revokedexpired00', 'b', now - 50 * 60_000)
    await store.insert(expired)
    await redis.pexpire(`{${namespace}}:key:${expired.id}`, 5 * 60_000)
    await redis.pexpire(`{${namespace}}:hash:${expired.hash}`, 5 * 60_000)
    expect(await store.update(expired.id, { revokedAt: now })).toMatchObject({ revokedAt: now })
    await expectTtls(expired.id, 'b', HOUR)

    // A refused conditional update writes nothing, TTL included.
    await redis.pexpire(`{${namespace}}:key:${active.id}`, 10 * 60_000)
    await redis.pexpire(`{${namespace}}:hash:${active.hash}`, 10 * 60_000)
    const refused = await store.update(
      active.id,
      { rotatedTo: 'key_successor0000000', expiresAt: now + 9 * HOUR },
      { activeAt: now },
    )
    expect(refused).toBeNull()
    await expectTtls(active.id, 'a', 10 * 60_000)
  })

  it('rejects a bad patch or condition with a TypeError and writes nothing', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    const { key } = await keyward.keys.create(newKey)
    const before = await keyward.store.get(key.id)
    const bad: [object, object | null | undefined, RegExp][] = [
      [{ rotatedTo: '' }, undefined, /^patch\.rotatedTo must be a non-empty string/],
      [{ rotatedTo: 42 }, undefined, /^patch\.rotatedTo must be/],
      [{ revokedAt: -1 }, undefined, /^patch\.revokedAt must be epoch milliseconds/],
      [{ revokedAt: '2024-01-01' }, undefined, /^patch\.revokedAt must be/],
      [{ name: 'x' }, { activeAt: Number.NaN }, /^condition\.activeAt must be epoch milliseconds/],
      [{ name: 'x' }, { activeAt: '0' }, /^condition\.activeAt must be/],
      [{ name: 'x' }, null, /^condition\.activeAt must be/],
    ]
    for (const [patch, condition, message] of bad) {
      const update = keyward.store.update(key.id, patch as never, condition as never)
      await expect(update).rejects.toBeInstanceOf(TypeError)
      await expect(update).rejects.toThrow(message)
    }
    expect(await keyward.store.get(key.id)).toStrictEqual(before)
  })

  it('refuses a conditional update of a record whose expiresAt is corrupt, writing nothing', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    const { key } = await keyward.keys.create(newKey)
    const record = `{${namespace}}:key:${key.id}`
    await redis.hset(record, 'expiresAt', '1e400')
    const before = await redis.hgetall(record)

    const rotation = { rotatedTo: 'key_successor0000000' }
    const update = keyward.store.update(key.id, rotation, { activeAt: Date.now() })
    await expect(update).rejects.toBeInstanceOf(TypeError)
    await expect(update).rejects.toThrow(`key record at Redis key ${record} is corrupt: expiresAt`)
    expect(await redis.hgetall(record)).toStrictEqual(before)
  })

  it('still answers expired_token for a key past its expiry', async () => {
    const keyward = keywardOn(testNamespace())
    await keyward.ready()
    const { token, key } = await keyward.keys.create({ ...newKey, expiresIn: '1h' })
    // Expire it through the store rather than by moving a clock: the revocation list would
    // (rightly) call a mirror stale whose clock jumped hours past its last contact.
    await keyward.store.update(key.id, { expiresAt: Date.now() - HOUR })
    await expect(keyward.verify(token)).rejects.toMatchObject({
      code: 'expired_token',
      status: 401,
    })
  })

  it('drops records Redis has expired from owner lists', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    await keyward.ready()
    const kept = await keyward.keys.create(newKey)
    const gone = await keyward.keys.create(newKey)
    await redis.del(`{${namespace}}:key:${gone.key.id}`)

    expect((await keyward.keys.list(newKey.ownerId)).map((k) => k.id)).toEqual([kept.key.id])
    expect(await redis.zrange(`{${namespace}}:owner:${newKey.ownerId}`, 0, -1)).toEqual([
      kept.key.id,
    ])
  })

  it('rejects an insert over a foreign owner key and writes nothing', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    await redis.set(`{${namespace}}:owner:${newKey.ownerId}`, 'not ours')
    await expect(keyward.keys.create(newKey)).rejects.toMatchObject({ code: 'unavailable' })
    expect([...(await dumpNamespace(redis, namespace)).keys()]).toEqual([
      `{${namespace}}:owner:${newKey.ownerId}`,
    ])
  })
})

describe('round trips of a cache miss', () => {
  it('finds a record by its hash in one command, known, unknown or gone', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    const store = new RedisTokenStore(redis, { namespace })
    const { key } = await keyward.keys.create(newKey)
    const gone = await keyward.keys.create(newKey)
    const { hash } = (await store.get(key.id))!
    const goneHash = (await store.get(gone.key.id))!.hash
    await redis.del(`{${namespace}}:key:${gone.key.id}`)
    // The first script call on a server may cost a second command (NOSCRIPT, then EVAL).
    await store.findByHash('u'.repeat(43))

    let found: unknown
    expect(
      await commandsSentFor([redis], redis, `{${namespace}}`, async () => {
        found = await store.findByHash(hash)
      }),
    ).toEqual(['evalsha'])
    expect(found).toMatchObject({ id: key.id, hash })
    expect(
      await commandsSentFor([redis], redis, `{${namespace}}`, async () => {
        found = await store.findByHash('v'.repeat(43))
      }),
    ).toEqual(['evalsha'])
    expect(found).toBeUndefined()
    expect(
      await commandsSentFor([redis], redis, `{${namespace}}`, async () => {
        found = await store.findByHash(goneHash)
      }),
    ).toEqual(['evalsha'])
    expect(found).toBeUndefined()
  })
})

describe('corrupt or foreign data under the namespace', () => {
  const corruptions: [
    string,
    (record: string, index: string, other: string) => Promise<unknown>,
  ][] = [
    ['scopes that are not JSON', (record) => redis.hset(record, 'scopes', '[projects:read')],
    ['scopes that are not strings', (record) => redis.hset(record, 'scopes', '[1,2]')],
    ['a createdAt that is not a number', (record) => redis.hset(record, 'createdAt', 'yesterday')],
    ['an expiresAt out of range', (record) => redis.hset(record, 'expiresAt', '1e400')],
    ['an empty rotatedTo', (record) => redis.hset(record, 'rotatedTo', '')],
    ['a revokedAt that is not a number', (record) => redis.hset(record, 'revokedAt', 'today')],
    ['a missing name', (record) => redis.hdel(record, 'name')],
    ['allowedIps that are not JSON', (record) => redis.hset(record, 'allowedIps', '[10.0.0.1')],
    ['allowedIps that are not strings', (record) => redis.hset(record, 'allowedIps', '[1]')],
    ['allowedIps that are not a list', (record) => redis.hset(record, 'allowedIps', '"10.0.0.1"')],
    ['a suspendedAt that is not a number', (record) => redis.hset(record, 'suspendedAt', 'today')],
    ['a record under another id', (record) => redis.hset(record, 'id', 'key_somebodyelse0000')],
    ['a hash that is not the one indexed', (record) => redis.hset(record, 'hash', 'x'.repeat(43))],
    ['an index pointing at another record', (_r, index, other) => redis.set(index, other)],
    [
      'a string where the record hash was',
      (record) => redis.del(record).then(() => redis.set(record, '{}')),
    ],
    [
      'a list where the index was',
      (_r, index) => redis.del(index).then(() => redis.rpush(index, 'x')),
    ],
  ]

  it.each(corruptions)(
    'verify answers unavailable, never success, for %s',
    async (_what, corrupt) => {
      const namespace = testNamespace()
      const keyward = keywardOn(namespace)
      await keyward.ready()
      const { token, key } = await keyward.keys.create(newKey)
      const other = await keyward.keys.create(newKey)
      const record = `{${namespace}}:key:${key.id}`
      const { hash } = (await keyward.store.get(key.id))!
      await corrupt(record, `{${namespace}}:hash:${hash}`, other.key.id)

      await expect(keyward.verify(token)).rejects.toMatchObject({
        code: 'unavailable',
        status: 503,
      })
      await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'unavailable' })
    },
  )

  it('rejects reads with a TypeError naming the key and what is wrong', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    const { key } = await keyward.keys.create(newKey)
    const record = `{${namespace}}:key:${key.id}`
    await redis.hset(record, 'createdAt', 'yesterday')

    const failure = keyward.store.get(key.id)
    await expect(failure).rejects.toBeInstanceOf(TypeError)
    await expect(failure).rejects.toThrow(`key record at Redis key ${record} is corrupt: createdAt`)
    await expect(keyward.store.listByOwner(newKey.ownerId)).rejects.toThrow(/corrupt: createdAt/)

    await redis.del(record)
    await redis.set(record, 'x')
    await expect(keyward.store.get(key.id)).rejects.toThrow(
      `Redis key ${record} holds data Keyward did not write`,
    )
  })
})

describe('RedisTokenStore owner indexes', () => {
  it('builds the names set of an owner written before it existed on its first name search', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    await keyward.ready()
    const created = []
    for (const name of ['Billing EU', 'billing US', 'Deploy']) {
      created.push((await keyward.keys.create({ ...newKey, name })).key)
      // Apart by a millisecond at least: a list is newest first, and a tie is ordered by id.
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    // What the previous version wrote: no names set, no folded name in the records.
    const names = `{${namespace}}:names:${newKey.ownerId}`
    await redis.del(names)
    for (const key of created) await redis.hdel(`{${namespace}}:key:${key.id}`, 'nameKey')

    const unfiltered = await keyward.keys.listPage(newKey.ownerId)
    expect(unfiltered.keys.map((key) => key.name)).toEqual(['Deploy', 'billing US', 'Billing EU'])
    expect(await redis.exists(names)).toBe(0)
    const page = await keyward.keys.listPage(newKey.ownerId, { name: 'BILL' })
    expect(page.keys.map((key) => key.name)).toEqual(['billing US', 'Billing EU'])
    expect(await redis.zscore(names, '\0')).toBe('0')
    expect(await redis.zcard(names)).toBe(4)
    // Renames and deletions keep the rebuilt set in step.
    await keyward.keys.update(created[2]!.id, { name: 'Billing APAC' })
    await keyward.store.delete(created[0]!.id)
    const renamed = await keyward.keys.listPage(newKey.ownerId, { name: 'billing' })
    expect(renamed.keys.map((key) => key.name)).toEqual(['Billing APAC', 'billing US'])
    expect(await redis.zcard(names)).toBe(3)
  })

  it('drops the index entries of records Redis expired while paging past them', async () => {
    const namespace = testNamespace()
    const keyward = keywardOn(namespace)
    await keyward.ready()
    const { key: gone } = await keyward.keys.create({ ...newKey, name: 'Gone' })
    const { key: kept } = await keyward.keys.create({ ...newKey, name: 'Kept' })
    await redis.del(`{${namespace}}:key:${gone.id}`)

    expect((await keyward.keys.listPage(newKey.ownerId)).keys.map((key) => key.id)).toEqual([
      kept.id,
    ])
    expect(await redis.zrange(`{${namespace}}:owner:${newKey.ownerId}`, 0, -1)).toEqual([kept.id])
    expect((await keyward.keys.listPage(newKey.ownerId, { name: 'g' })).keys).toEqual([])
    expect(await redis.zcard(`{${namespace}}:names:${newKey.ownerId}`)).toBe(2)
  })
})
