import { createServer } from 'node:net'
import {
  createKeyward,
  generateToken,
  type Keyward,
  MemoryTokenStore,
  type RevocationList,
  UnavailableError,
} from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

const HOUR = 3_600_000
const closers: (() => Promise<unknown>)[] = []

afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await cleanUp()
})

function listOn(redis: Redis, options: ConstructorParameters<typeof RedisRevocationList>[1] = {}) {
  const list = new RedisRevocationList(redis, { onError: () => {}, ...options })
  closers.push(() => list.close())
  return list
}

function keywardOn(redis: Redis, namespace: string): Keyward {
  const keyward = createKeyward({
    prefix: 'kw_test',
    store: new RedisTokenStore(redis, { namespace }),
    revocations: new RedisRevocationList(redis, { namespace, onError: () => {} }),
    onError: () => {},
  })
  closers.push(() => keyward.close())
  return keyward
}

/** Resolves with the next event on `list` that `matches` (bounded by the test timeout). */
function nextEvent(list: RevocationList, matches: (event: RevocationEvent) => boolean) {
  return new Promise<RevocationEvent>((resolve) => {
    const stop = list.subscribe((event) => {
      if (!matches(event)) return
      stop()
      resolve(event)
    })
  })
}

/** A port on 127.0.0.1 where nothing listens. */
async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const subject = (overrides: Partial<{ id: string; ownerId: string; createdAt: number }> = {}) => ({
  id: 'key_0000000000000001',
  ownerId: 'org_1',
  createdAt: 1_000,
  ...overrides,
})

/** The server-side id of the subscriber connection of clients named `name`. */
async function subscriberId(redis: Redis, name: string): Promise<string> {
  const list = (await redis.client('LIST')) as string
  const line = list.split('\n').find((l) => l.includes(` name=${name} `) && / sub=[1-9]/.test(l))
  const id = line?.match(/^id=(\d+)/)?.[1]
  if (id === undefined) throw new Error(`no subscriber named ${name} in CLIENT LIST`)
  return id
}

describe('RedisRevocationList options', () => {
  it('throws a TypeError naming the option at construction, before opening anything', async () => {
    const redis = await connect()
    expect(() => new RedisRevocationList(null as never)).toThrow(/^redis must be/)
    expect(() => new RedisRevocationList(redis, { namespace: '{x}' })).toThrow(/^namespace must be/)
    expect(() => new RedisRevocationList(redis, { maxStaleness: -1 })).toThrow(
      /^maxStaleness must be/,
    )
    expect(() => new RedisRevocationList(redis, { maxStaleness: 1.5 })).toThrow(
      /^maxStaleness must be/,
    )
    expect(() => new RedisRevocationList(redis, { onStale: 'open' as never })).toThrow(
      /^onStale must be/,
    )
    expect(() => new RedisRevocationList(redis, { heartbeatInterval: '1s' as never })).toThrow(
      /^heartbeatInterval must be/,
    )
    expect(() => new RedisRevocationList(redis, { now: 1 as never })).toThrow(/^now must be/)
    expect(() => new RedisRevocationList(redis, { onError: 1 as never })).toThrow(
      /^onError must be/,
    )
  })

  it('refuses a heartbeat that is off or not below maxStaleness, naming both options', async () => {
    const redis = await connect()
    const both = /^heartbeatInterval must be .*below maxStaleness/
    expect(() => new RedisRevocationList(redis, { heartbeatInterval: 0 })).toThrow(both)
    expect(() => new RedisRevocationList(redis, { heartbeatInterval: 10_000 })).toThrow(both)
    expect(
      () => new RedisRevocationList(redis, { maxStaleness: 2_000, heartbeatInterval: 5_000 }),
    ).toThrow(both)
    expect(() => new RedisRevocationList(redis, { maxStaleness: 0 })).toThrow(
      /^maxStaleness must be a positive integer/,
    )
    // The default heartbeat shrinks to half of a short maxStaleness rather than refusing it.
    const short = listOn(redis, { namespace: testNamespace(), maxStaleness: 2_000 })
    await short.ready()
    expect(short.fresh).toBe(true)
  })
})

describe('time()', () => {
  it("reads Redis TIME as integer epoch ms, between two of the server's own readings", async () => {
    const redis = await connect()
    const list = listOn(redis, { namespace: testNamespace() })
    const reading = async () => {
      const [seconds, micros] = (await redis.time()).map(Number) as [number, number]
      return seconds * 1_000 + Math.floor(micros / 1_000)
    }
    const before = await reading()
    const time = await list.time()
    const after = await reading()
    expect(Number.isSafeInteger(time)).toBe(true)
    expect(time).toBeGreaterThanOrEqual(before)
    expect(time).toBeLessThanOrEqual(after)
  })

  it('takes no notice of the injected clock, which is only for staleness and pruning', async () => {
    const list = listOn(await connect(), { namespace: testNamespace(), now: () => 42 })
    expect(await list.time()).toBeGreaterThan(1_600_000_000_000)
  })
})

describe('two Keyward instances on separate connections', () => {
  it('see each other’s updates and revocations at once, without polling', async () => {
    const namespace = testNamespace()
    const one = keywardOn(await connect(), namespace)
    const two = keywardOn(await connect(), namespace)
    await one.ready()
    await two.ready()

    const { token, key } = await one.keys.create({
      name: 'Shared',
      ownerId: 'org_1',
      scopes: ['projects:read', 'projects:write'],
      expiresIn: '1d',
    })
    expect((await two.verify(token, { scopes: ['projects:write'] })).id).toBe(key.id)

    const updated = nextEvent(two.revocations, (e) => e.type === 'updated' && e.id === key.id)
    await one.keys.update(key.id, { scopes: ['projects:read'] })
    await updated
    await expect(two.verify(token, { scopes: ['projects:write'] })).rejects.toMatchObject({
      code: 'insufficient_scope',
    })
    expect((await two.verify(token)).scopes).toEqual(['projects:read'])

    const revoked = nextEvent(two.revocations, (e) => e.type === 'revoked' && e.id === key.id)
    await one.keys.revoke(key.id)
    await revoked
    await expect(two.verify(token)).rejects.toMatchObject({ code: 'revoked_token', status: 401 })

    const other = await two.keys.create({
      name: 'Other',
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresIn: '1d',
    })
    await one.verify(other.token)
    const revokedAll = nextEvent(one.revocations, (e) => e.type === 'revoked_owner')
    await two.keys.revokeAll({ ownerId: 'org_1' })
    await revokedAll
    await expect(one.verify(other.token)).rejects.toMatchObject({ code: 'revoked_token' })
  })
})

describe('freshness', () => {
  it('fails closed before the first load', async () => {
    const list = listOn(await connect(), { namespace: testNamespace() })
    expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
    await list.ready()
    expect(list.isRevoked(subject())).toBe(false)
  })

  it('answers from the mirror for maxStaleness after losing Redis, then fails closed, and recovers', async () => {
    let now = 1_700_000_000_000
    const redis = await connect()
    const list = listOn(redis, {
      namespace: testNamespace(),
      now: () => now,
      maxStaleness: 10_000,
    })
    await list.ready()
    await list.revoke('key_0000000000000001', now + HOUR)
    expect(list.fresh).toBe(true)

    const ended = new Promise((resolve) => redis.once('end', resolve))
    redis.disconnect()
    await ended
    expect(list.fresh).toBe(false)
    now += 10_000
    expect(list.isRevoked(subject())).toBe(true)
    expect(list.isRevoked(subject({ id: 'key_0000000000000002' }))).toBe(false)
    now += 1
    expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
    await expect(list.revoke('key_0000000000000003', now + HOUR)).rejects.toThrow()

    const reset = nextEvent(list, (e) => e.type === 'reset')
    await redis.connect()
    await reset
    expect(list.fresh).toBe(true)
    expect(list.isRevoked(subject())).toBe(true)
    expect(list.isRevoked(subject({ id: 'key_0000000000000002' }))).toBe(false)
  })

  it('counts staleness from the last confirmed contact, not from when a loss is noticed', async () => {
    let now = 1_700_000_000_000
    const redis = await connect()
    const list = listOn(redis, { namespace: testNamespace(), now: () => now })
    await list.ready()
    expect(list.lastContact).toBe(now)

    // The loss is noticed 6 s after the last contact (no heartbeat answered in between).
    const ended = new Promise((resolve) => redis.once('end', resolve))
    now += 6_000
    redis.disconnect()
    await ended
    expect(list.fresh).toBe(false)
    expect(list.lastContact).toBe(1_700_000_000_000)
    now += 4_000
    expect(list.isRevoked(subject())).toBe(false)
    now += 1
    expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
  })

  it("judges the caller's clock reading at, even while the connections look up", async () => {
    let now = 1_700_000_000_000
    const list = listOn(await connect(), { namespace: testNamespace(), now: () => now })
    await list.ready()
    await list.revoke('key_0000000000000001', now + HOUR)
    expect(list.fresh).toBe(true)
    expect(list.isRevoked(subject(), now + 10_000)).toBe(true)
    expect(() => list.isRevoked(subject(), now + 10_001)).toThrow(UnavailableError)
    expect(() => list.isRevoked(subject(), Number.NaN)).toThrow(UnavailableError)
    // Without at, the list reads its own clock.
    now += 10_001
    expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
    expect(list.fresh).toBe(true)
  })

  it('confirms contact through answered heartbeats, as of when each ping was sent', async () => {
    let now = 1_700_000_000_000
    const list = listOn(await connect(), {
      namespace: testNamespace(),
      now: () => now,
      heartbeatInterval: 20,
    })
    await list.ready()
    now += 5_000
    await vi.waitFor(() => expect(list.lastContact).toBe(now), { timeout: 5_000 })
    expect(list.isRevoked(subject(), now + 10_000)).toBe(false)
    expect(() => list.isRevoked(subject(), now + 10_001)).toThrow(UnavailableError)
  })

  it('follows a clock set back: the latest answered heartbeat is the contact, not the largest reading', async () => {
    let now = 1_700_000_000_000
    const list = listOn(await connect(), {
      namespace: testNamespace(),
      now: () => now,
      heartbeatInterval: 20,
    })
    await list.ready()
    now -= HOUR
    await vi.waitFor(() => expect(list.lastContact).toBe(now), { timeout: 5_000 })
    expect(list.isRevoked(subject(), now + 10_000)).toBe(false)
    expect(() => list.isRevoked(subject(), now + 10_001)).toThrow(UnavailableError)
  })

  it('takes no message on the channel as a confirmation of contact', async () => {
    let now = 1_700_000_000_000
    const namespace = testNamespace()
    // The heartbeat is as slow as allowed: it does not beat during this test.
    const list = listOn(await connect(), {
      namespace,
      now: () => now,
      maxStaleness: 60_000,
      heartbeatInterval: 59_999,
    })
    const writer = listOn(await connect(), { namespace })
    await list.ready()
    await writer.ready()
    const contact = list.lastContact
    now += 30_000
    const heard = nextEvent(list, (e) => e.type === 'revoked')
    await writer.revoke('key_0000000000000001', Date.now() + HOUR)
    await heard
    expect(list.isRevoked(subject())).toBe(true)
    expect(list.lastContact).toBe(contact)
  })

  it('reports no contact before the first load', async () => {
    const list = listOn(await connect(), { namespace: testNamespace() })
    expect(list.lastContact).toBeUndefined()
    await list.ready()
    expect(list.lastContact).toBeTypeOf('number')
  })

  it("keeps answering from a stale mirror with onStale: 'allow'", async () => {
    let now = 1_700_000_000_000
    const redis = await connect()
    const list = listOn(redis, { namespace: testNamespace(), now: () => now, onStale: 'allow' })
    await list.ready()
    await list.revokeAll(now)
    const ended = new Promise((resolve) => redis.once('end', resolve))
    redis.disconnect()
    await ended
    now += 24 * HOUR
    expect(list.isRevoked(subject({ createdAt: now - 24 * HOUR }))).toBe(true)
    expect(list.isRevoked(subject({ createdAt: now }))).toBe(false)
  })

  it('makes verify answer 503 once the mirror is too stale', async () => {
    let now = Date.now()
    const redis = await connect()
    const keyward = createKeyward({
      store: new MemoryTokenStore(),
      revocations: listOn(redis, {
        namespace: testNamespace(),
        now: () => now,
      }),
      now: () => now,
    })
    await keyward.ready()
    const { token } = await keyward.keys.create({
      name: 'k',
      ownerId: 'o',
      scopes: ['projects:read'],
      expiresIn: '1d',
    })
    await keyward.verify(token)
    const ended = new Promise((resolve) => redis.once('end', resolve))
    redis.disconnect()
    await ended
    await keyward.verify(token)
    now += 10_001
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'unavailable', status: 503 })
  })

  it('reloads everything after its subscriber reconnects, catching what it missed, and resets caches', async () => {
    const namespace = testNamespace()
    const name = `kw-subscriber-${namespace.replaceAll(':', '-')}`
    const watched = listOn(await connect({ connectionName: name }), { namespace })
    const writer = listOn(await connect(), { namespace })
    await watched.ready()
    await writer.ready()

    const reset = nextEvent(watched, (e) => e.type === 'reset')
    const admin = await connect()
    await admin.client('KILL', 'ID', await subscriberId(admin, name))
    await writer.revoke('key_0000000000000009', Date.now() + HOUR)
    await writer.revokeOwner('org_9', 5_000)
    await reset
    await vi.waitFor(() => {
      expect(watched.isRevoked(subject({ id: 'key_0000000000000009' }))).toBe(true)
      expect(watched.isRevoked(subject({ ownerId: 'org_9', createdAt: 5_000 }))).toBe(true)
    })
    expect(watched.fresh).toBe(true)
  })

  it('reloads when a message on its channel cannot be read', async () => {
    const namespace = testNamespace()
    const errors: unknown[] = []
    const list = listOn(await connect(), { namespace, onError: (error) => errors.push(error) })
    await list.ready()
    const reset = nextEvent(list, (e) => e.type === 'reset')
    await (await connect()).publish(`{${namespace}}:revocations`, 'not json')
    await reset
    expect(errors).toHaveLength(1)
    expect(list.fresh).toBe(true)
  })
})

describe('durable state', () => {
  it('refuses to load corrupt state: ready rejects unavailable and isRevoked fails closed', async () => {
    const redis = await connect()
    for (const corrupt of [
      (ns: string) => redis.set(`{${ns}}:global_epoch`, 'soon'),
      (ns: string) => redis.hset(`{${ns}}:owner_epochs`, 'org_1', 'later'),
      (ns: string) => redis.set(`{${ns}}:revoked`, 'key_1'),
    ]) {
      const namespace = testNamespace()
      await corrupt(namespace)
      const list = listOn(redis, { namespace })
      await expect(list.ready()).rejects.toMatchObject({ code: 'unavailable' })
      expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
    }
  })

  it('prunes ids of keys that have expired anyway', async () => {
    let now = 1_700_000_000_000
    const namespace = testNamespace()
    const redis = await connect()
    const list = listOn(redis, { namespace, now: () => now })
    await list.ready()
    await list.revoke('key_0000000000000001', now + 1_000)
    now += 2_000
    await list.revoke('key_0000000000000002', now + 1_000)
    expect(await redis.zrange(`{${namespace}}:revoked`, 0, -1)).toEqual(['key_0000000000000002'])
  })

  it('close() closes only the subscriber it opened', async () => {
    const name = `kw-close-${testNamespace().replaceAll(':', '-')}`
    const redis = await connect({ connectionName: name })
    const list = listOn(redis, { namespace: testNamespace() })
    await list.ready()
    const named = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((l) => l.includes(` name=${name} `))
    expect(await named()).toHaveLength(2)
    await list.close()
    await vi.waitFor(async () => expect(await named()).toHaveLength(1))
    expect(await redis.ping()).toBe('PONG')
  })
})

describe('Redis unreachable', () => {
  it('verify, create and ready answer unavailable', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: await unusedPort(),
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    })
    dead.on('error', () => {})
    closers.push(async () => dead.disconnect())
    const keyward = createKeyward({
      store: new RedisTokenStore(dead),
      revocations: new RedisRevocationList(dead, { onError: () => {} }),
      onError: () => {},
    })
    closers.push(() => keyward.close())

    await expect(keyward.ready()).rejects.toMatchObject({ code: 'unavailable' })
    await expect(keyward.verify(generateToken('kw_live'))).rejects.toMatchObject({
      code: 'unavailable',
      status: 503,
    })
    await expect(
      keyward.keys.create({ name: 'k', ownerId: 'o', scopes: ['projects:read'], expiresIn: '1d' }),
    ).rejects.toMatchObject({ code: 'unavailable' })
    const error = await keyward.revocations.time!().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/^could not read the time from Redis \(TIME\)/)
  })
})
