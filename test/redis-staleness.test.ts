import { UnavailableError } from '@keyward/core'
import type { RevocationSubject } from '@keyward/core/adapter'
import { RedisRevocationList } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './support/processes.js'
import { testNamespace } from './support/redis-namespace.js'
import { type RedisServer, startRedisServer } from './support/redis-server.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// Links that die silently: no close, no error, the bytes just stop. The lists' clock is
// injected and moved by hand, so no assertion depends on how long anything really took; the
// heartbeat runs on real timers, and every wait for it is bounded.
const MAX_STALENESS = 10_000
const HEARTBEAT = 1_000
const SERVER_PORT = 6410
const PROXY_PORT = 6411
const HOUR = 3_600_000

let server: RedisServer
let proxy: TcpProxy
const open = new Set<{ list: RedisRevocationList; redis: Redis }>()

/** A revocation list in `namespace` on its own ioredis client at `url`, reconnecting every 50 ms. */
async function listOn(
  url: string,
  namespace: string,
  now: () => number = Date.now,
): Promise<RedisRevocationList> {
  const redis = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 })
  // Connection errors are the point of these tests; they show in what isRevoked answers.
  redis.on('error', () => {})
  const list = new RedisRevocationList(redis, {
    namespace,
    now,
    maxStaleness: MAX_STALENESS,
    heartbeatInterval: HEARTBEAT,
    onError: () => {},
  })
  open.add({ list, redis })
  await list.ready()
  return list
}

/** What isRevoked answers (at `at`, else at the list's own clock): the answer, or the error. */
function outcome(list: RedisRevocationList, subject: RevocationSubject, at?: number): unknown {
  try {
    return list.isRevoked(subject, at)
  } catch (error) {
    return error
  }
}

const subject = (id = 'key_0000000000000001'): RevocationSubject => ({
  id,
  ownerId: 'org_stale',
  createdAt: 1_000,
})

/**
 * Waits (bounded) until a heartbeat sent at `reading` of the injected clock, which stands
 * still meanwhile, has been answered: from then on `reading` is the list's last confirmed
 * contact. Seen through the contract alone: a reading `maxStaleness` later is then answered.
 */
async function heartbeatAnsweredAt(list: RedisRevocationList, reading: number): Promise<void> {
  await waitFor(
    'a heartbeat answered at the current reading',
    () => typeof outcome(list, subject(), reading + MAX_STALENESS) === 'boolean',
    { timeoutMs: HEARTBEAT * 5, intervalMs: 10 },
  )
}

beforeAll(async () => {
  server = await startRedisServer(SERVER_PORT)
  proxy = await startTcpProxy(PROXY_PORT, SERVER_PORT)
})

afterEach(async () => {
  proxy?.resume()
  for (const { list, redis } of open) {
    await list.close()
    redis.disconnect()
  }
  open.clear()
})

afterAll(async () => {
  await proxy?.close()
  await server?.dispose()
})

describe('a revocation mirror whose link goes silent', () => {
  it('fails closed maxStaleness after the last answered heartbeat, at once, though the link still looks up', async () => {
    let now = Date.now()
    const namespace = testNamespace('staleness')
    const watched = await listOn(proxy.url, namespace, () => now)
    const writer = await listOn(server.url, namespace)
    const target = subject()

    now += 4_000
    await heartbeatAnsweredAt(watched, now)
    const lastContact = now

    // The link to `watched` goes silent; another instance revokes the key meanwhile. The
    // message waits in the stalled link, and nothing tells `watched` anything is wrong.
    proxy.stall()
    await writer.revoke(target.id, Date.now() + HOUR)
    expect(writer.isRevoked(target)).toBe(true)

    // Up to maxStaleness after the last contact the mirror is trusted: the documented window.
    now = lastContact + MAX_STALENESS
    expect(watched.isRevoked(target)).toBe(false)
    expect(watched.fresh).toBe(true)

    // One millisecond later it fails closed, at once: not once the heartbeat notices the
    // silence (a beat or two from now), and not maxStaleness after that.
    now = lastContact + MAX_STALENESS + 1
    expect(watched.fresh).toBe(true)
    expect(() => watched.isRevoked(target)).toThrow(UnavailableError)
    expect(() => watched.isRevoked(subject('key_0000000000000002'), now)).toThrow(UnavailableError)
    // A reading the last contact still covers is answered (the caller's `at` is honoured).
    expect(watched.isRevoked(target, lastContact + MAX_STALENESS)).toBe(false)

    // Once bytes flow again, the revocation that waited in the link (or the reload after the
    // heartbeat's reconnect) reaches the mirror, and a new contact makes it usable again.
    proxy.resume()
    await waitFor(
      'the mirror to learn of the revocation',
      () => outcome(watched, target) === true,
      {
        timeoutMs: 15_000,
        intervalMs: 10,
      },
    )
    expect(watched.lastContact).toBeGreaterThan(lastContact)
  })

  it('fails closed on a frozen server (SIGSTOP) at the last contact plus maxStaleness, and recovers after SIGCONT', async () => {
    let now = Date.now()
    const list = await listOn(server.url, testNamespace('staleness'), () => now)
    await list.revoke('key_0000000000000003', Date.now() + HOUR)

    now += 4_000
    await heartbeatAnsweredAt(list, now)
    const lastContact = now

    const pid = server.pid
    if (pid === undefined) throw new Error('the test server is not running')
    process.kill(pid, 'SIGSTOP')
    try {
      // Synchronous from here to SIGCONT: no heartbeat can run, and nothing has noticed.
      now = lastContact + MAX_STALENESS
      expect(list.isRevoked(subject('key_0000000000000003'))).toBe(true)
      now += 1
      expect(list.fresh).toBe(true)
      expect(() => list.isRevoked(subject('key_0000000000000003'))).toThrow(UnavailableError)
      expect(() => list.isRevoked(subject())).toThrow(UnavailableError)
    } finally {
      process.kill(pid, 'SIGCONT')
    }

    await waitFor(
      'a new contact after the server resumed',
      () => outcome(list, subject('key_0000000000000003')) === true,
      { timeoutMs: 15_000, intervalMs: 10 },
    )
    expect(list.isRevoked(subject())).toBe(false)
  })
})
