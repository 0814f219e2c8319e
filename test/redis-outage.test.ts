import {
  createKeyward,
  isKeywardError,
  type Keyward,
  UnavailableError,
  type VerifiedKey,
} from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sleep, waitFor } from './support/processes.js'
import { testNamespace } from './support/redis-namespace.js'
import { type RedisServer, startRedisServer } from './support/redis-server.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// Real outages need real time: the mirror's staleness is measured from its last real
// contact with Redis (an answered heartbeat or a reload). The window is kept short and every
// wait is bounded; the heartbeat beats often, so the last contact is always recent.
const MAX_STALENESS = 1_500
const HEARTBEAT = 250
const SERVER_PORT = 6400
const PROXY_PORT = 6401

let server: RedisServer
let proxy: TcpProxy
const namespace = testNamespace('outage')

interface Instance {
  keyward: Keyward
  revocations: RedisRevocationList
  /** Every event the instance's revocation list delivered, in order. */
  events: RevocationEvent[]
}
const open = new Set<{ keyward: Keyward; redis: Redis }>()

/** A Keyward instance with its own ioredis client on `url`, reconnecting every 50 ms. */
async function instance(url: string, onStale: 'fail' | 'allow' = 'fail'): Promise<Instance> {
  const redis = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 })
  // Connection errors are the point of these tests; they show in what verify answers.
  redis.on('error', () => {})
  const revocations = new RedisRevocationList(redis, {
    namespace,
    maxStaleness: MAX_STALENESS,
    heartbeatInterval: HEARTBEAT,
    onStale,
    onError: () => {},
  })
  const keyward = createKeyward({
    prefix: 'kw_test',
    store: new RedisTokenStore(redis, { namespace }),
    revocations,
    onError: () => {},
  })
  open.add({ keyward, redis })
  const events: RevocationEvent[] = []
  revocations.subscribe((event) => events.push(event))
  await keyward.ready()
  return { keyward, revocations, events }
}

/** What `verify` answered: the key, or the error code. */
async function outcome(keyward: Keyward, token: string): Promise<VerifiedKey | string> {
  try {
    return await keyward.verify(token)
  } catch (error) {
    return isKeywardError(error) ? error.code : String(error)
  }
}

const createKey = (keyward: Keyward) =>
  keyward.keys.create({
    name: 'outage key',
    ownerId: 'org_outage',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })

beforeAll(async () => {
  server = await startRedisServer(SERVER_PORT)
  proxy = await startTcpProxy(PROXY_PORT, SERVER_PORT)
})

afterEach(async () => {
  for (const { keyward, redis } of open) {
    await keyward.close()
    redis.disconnect()
  }
  open.clear()
  await proxy?.restore()
  if (server && server.pid === undefined) await server.restart()
})

afterAll(async () => {
  await proxy?.close()
  await server?.dispose()
})

describe('Keyward on Redis through an outage', () => {
  it('keeps verifying a cached key until maxStaleness, then fails closed with unavailable', async () => {
    const a = await instance(server.url)
    const b = await instance(server.url)
    const { token } = await createKey(a.keyward)
    const { token: neverSeen } = await createKey(a.keyward)
    await b.keyward.verify(token)

    await server.stop()
    // Staleness counts from B's last confirmed contact, which came before the stop; nothing
    // can confirm another once the server is gone.
    const lastContact = b.revocations.lastContact
    expect(lastContact).toBeTypeOf('number')

    // The mirror is fresh enough and the key is cached: no Redis needed.
    expect(await outcome(b.keyward, token)).toMatchObject({ ownerId: 'org_outage' })
    // Nothing cached and the store is unreachable: unavailable, never unknown.
    expect(await outcome(b.keyward, neverSeen)).toBe('unavailable')

    let failedAt = 0
    const error = await waitFor(
      'the stale mirror to fail closed',
      async () => {
        try {
          await b.keyward.verify(token)
          await sleep(50)
          return undefined
        } catch (caught) {
          failedAt = Date.now()
          return caught
        }
      },
      { timeoutMs: MAX_STALENESS + 3_000, intervalMs: 0 },
    )
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error).toMatchObject({ code: 'unavailable', status: 503 })
    // Not before maxStaleness had passed since the last confirmed contact.
    expect(failedAt - lastContact!).toBeGreaterThan(MAX_STALENESS)
  })

  it("with onStale: 'allow' keeps answering cached keys from the stale mirror", async () => {
    const a = await instance(server.url)
    const strict = await instance(server.url)
    const lenient = await instance(server.url, 'allow')
    const { token, key } = await createKey(a.keyward)
    const { token: neverSeen } = await createKey(a.keyward)
    await strict.keyward.verify(token)
    await lenient.keyward.verify(token)

    await server.stop()
    await waitFor(
      'the strict instance to fail closed',
      async () => (await outcome(strict.keyward, token)) === 'unavailable',
      {
        timeoutMs: MAX_STALENESS + 3_000,
        intervalMs: 50,
      },
    )
    // Past maxStaleness, the lenient instance still trusts its mirror for what it has cached…
    expect(await outcome(lenient.keyward, token)).toMatchObject({ id: key.id })
    // …but cannot invent what it never saw: the store is still needed for that.
    expect(await outcome(lenient.keyward, neverSeen)).toBe('unavailable')
  })

  it('recovers by itself after Redis restarts, and applies a revocation made after the restart', async () => {
    const a = await instance(server.url)
    const b = await instance(server.url)
    const { token, key } = await createKey(a.keyward)
    await b.keyward.verify(token)

    // Down for longer than maxStaleness, then back with its data (as a persistent Redis would be).
    await server.save()
    await server.stop()
    await waitFor(
      'B to fail closed',
      async () => (await outcome(b.keyward, token)) === 'unavailable',
      {
        timeoutMs: MAX_STALENESS + 3_000,
        intervalMs: 50,
      },
    )
    await server.restart()

    // Nobody touches B: it reconnects, reloads its mirror and verifies again.
    await waitFor(
      'B to verify again',
      async () => typeof (await outcome(b.keyward, token)) === 'object',
      {
        timeoutMs: 5_000,
        intervalMs: 25,
      },
    )
    expect(b.events).toContainEqual({ type: 'reset' })
    await waitFor('A to reconnect', () => a.revocations.fresh, { timeoutMs: 5_000 })

    expect(await a.keyward.keys.revoke(key.id)).toBe(true)
    await waitFor(
      'B to reject the revoked key',
      async () => (await outcome(b.keyward, token)) === 'revoked_token',
      {
        timeoutMs: 3_000,
        intervalMs: 5,
      },
    )
    const { token: fresh } = await createKey(a.keyward)
    expect(await outcome(b.keyward, fresh)).toMatchObject({ ownerId: 'org_outage' })
  })

  it('rejects a key revoked while it was cut off from Redis, once it reconnects and reloads', async () => {
    const a = await instance(server.url)
    const b = await instance(proxy.url)
    const { token, key } = await createKey(a.keyward)
    await b.keyward.verify(token)

    await proxy.cut()
    await waitFor('B to notice the partition', () => !b.revocations.fresh, { timeoutMs: 3_000 })
    expect(await a.keyward.keys.revoke(key.id)).toBe(true)
    // The partition is real: B never heard of the revocation, and within maxStaleness its
    // mirror is still trusted (the documented window).
    expect(await outcome(b.keyward, token)).toMatchObject({ id: key.id })
    expect(await outcome(a.keyward, token)).toBe('revoked_token')

    await proxy.restore()
    await waitFor(
      'B to reject the key',
      async () => (await outcome(b.keyward, token)) === 'revoked_token',
      {
        timeoutMs: 5_000,
        intervalMs: 10,
      },
    )
    // It learnt from the full reload after reconnecting, not from the lost message.
    expect(b.events).toContainEqual({ type: 'reset' })
    expect(b.events).not.toContainEqual({ type: 'revoked', id: key.id })
    expect(b.revocations.fresh).toBe(true)
  })
})
