import { createKeyward } from '@keyward/core'
import { type ApiKeyVariables, apiKeyAuth } from '@keyward/hono'
import { RedisLimiter, type RedisLimiterOptions } from '@keyward/redis'
import { Hono } from 'hono'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './support/processes.js'
import { testNamespace } from './support/redis-namespace.js'
import { type RedisServer, startRedisServer } from './support/redis-server.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// A limiter whose Redis connection is up but silent: a stalled link, or a frozen server
// (SIGSTOP). Requests of limited keys must be answered once `timeout` passes, as when Redis
// is unreachable, and the script that was waiting must count once at most when it lands.
// Nothing here asserts how long anything took: every wait is for an answer, bounded.
const SERVER_PORT = 6414
const PROXY_PORT = 6415
const TIMEOUT = 200
// A fixed clock 15 s into a minute, so no window ends during a test.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 + 15_000

let server: RedisServer
let proxy: TcpProxy
const clients = new Set<Redis>()
const limiters = new Set<RedisLimiter>()

interface Setup {
  limiter: RedisLimiter
  request: () => Promise<{ status: number; headers: Headers }>
  /** The count Redis holds for the key's limit, read on a connection of its own. */
  counted: () => Promise<string | null>
}

/** A Hono app with `apiKeyAuth`, keys in memory, limits in Redis at `url`; one key of 3 a minute. */
async function setup(url: string, options: RedisLimiterOptions): Promise<Setup> {
  const namespace = testNamespace('limit-timeout')
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  clients.add(redis)
  const limiter = new RedisLimiter(redis, {
    namespace,
    now: () => T0,
    timeout: TIMEOUT,
    onError: () => {},
    ...options,
  })
  limiters.add(limiter)
  const keyward = createKeyward({ prefix: 'kw_test', now: () => T0, limiter })
  const { token, key } = await keyward.keys.create({
    name: 'limited',
    ownerId: 'org_1',
    scopes: [],
    expiresIn: '1d',
    rateLimits: [{ name: 'default', limit: 3, window: '1m' }],
  })
  const app = new Hono<{ Variables: ApiKeyVariables }>()
  app.use('*', apiKeyAuth(keyward))
  app.get('/', (c) => c.json({ ok: true }))
  const reader = new Redis(server.url)
  clients.add(reader)
  return {
    limiter,
    request: async () => {
      const response = await app.request('/', { headers: { authorization: `Bearer ${token}` } })
      await response.arrayBuffer()
      return { status: response.status, headers: response.headers }
    },
    counted: () => reader.hget(`{${namespace}}:limits:${key.id}`, 'c:default'),
  }
}

beforeAll(async () => {
  server = await startRedisServer(SERVER_PORT)
  proxy = await startTcpProxy(PROXY_PORT, SERVER_PORT)
})

afterEach(async () => {
  proxy?.resume()
  for (const limiter of limiters) await limiter.close()
  limiters.clear()
  for (const client of clients) client.disconnect()
  clients.clear()
})

afterAll(async () => {
  await proxy?.close()
  await server?.dispose()
})

describe('RedisLimiter on a connection that goes silent', () => {
  it('exact mode: answers 503 with Retry-After after `timeout`, and refunds the charge that lands late', async () => {
    const { request, counted } = await setup(proxy.url, { mode: 'exact' })
    let answer = await request()
    expect(answer.status).toBe(200)
    expect(answer.headers.get('ratelimit')).toBe('"default";r=2;t=45')

    proxy.stall()
    answer = await request()
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/)
    // A reply is overdue: the next one is refused without waiting again.
    answer = await request()
    expect(answer.status).toBe(503)

    // The stalled charge reaches Redis once the link flows, and is given back: only the
    // first request and the one admitted now are counted.
    proxy.resume()
    answer = await waitFor('a request admitted again', async () => {
      const next = await request()
      return next.status === 200 ? next : undefined
    })
    expect(answer.headers.get('ratelimit')).toBe('"default";r=1;t=45')
    expect(await counted()).toBe('2')
  })

  it('exact mode, onUnavailable allow: admits uncharged on a frozen server (SIGSTOP), and the late charge is given back', async () => {
    const { request, counted } = await setup(server.url, {
      mode: 'exact',
      onUnavailable: 'allow',
    })
    expect((await request()).headers.get('ratelimit')).toBe('"default";r=2;t=45')

    const pid = server.pid
    if (pid === undefined) throw new Error('the test server is not running')
    process.kill(pid, 'SIGSTOP')
    try {
      const answer = await request()
      expect(answer.status).toBe(200)
      // Admitted uncharged: the headers show the full quota.
      expect(answer.headers.get('ratelimit')).toBe('"default";r=3;t=0')
    } finally {
      process.kill(pid, 'SIGCONT')
    }

    const answer = await waitFor('a request charged again', async () => {
      const next = await request()
      return next.headers.get('ratelimit') !== '"default";r=3;t=0' ? next : undefined
    })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('ratelimit')).toBe('"default";r=1;t=45')
    expect(await counted()).toBe('2')
  })

  it('approximate mode: a reconciliation that outlives `timeout` answers 503, and counts once when it lands', async () => {
    // Budget 1 unit (5 % of 3, at least one); reconciliations only when the budget is spent.
    const { limiter, request, counted } = await setup(proxy.url, {
      mode: 'approximate',
      syncInterval: 60_000,
    })
    expect((await request()).status).toBe(200)

    proxy.stall()
    // The budget is spent: this request waits for the reconciliation carrying the first.
    let answer = await request()
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/)
    answer = await request()
    expect(answer.status).toBe(503)

    proxy.resume()
    answer = await waitFor('a request admitted again', async () => {
      const next = await request()
      return next.status === 200 ? next : undefined
    })
    await limiter.close()
    // The first request, counted once though its reconciliation timed out; the refused ones
    // not at all; the last one, sent by close().
    expect(await counted()).toBe('2')
  })

  it('approximate mode: a first request whose read of the counts stalls answers 503', async () => {
    const { request } = await setup(server.url, { mode: 'approximate' })
    const pid = server.pid
    if (pid === undefined) throw new Error('the test server is not running')
    process.kill(pid, 'SIGSTOP')
    try {
      const answer = await request()
      expect(answer.status).toBe(503)
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    const answer = await waitFor('a request admitted again', async () => {
      const next = await request()
      return next.status === 200 ? next : undefined
    })
    expect(answer.headers.get('ratelimit')).toBe('"default";r=2;t=45')
  })

  it('refuses a timeout that is not a positive integer of milliseconds', () => {
    const redis = new Redis(server.url, { lazyConnect: true })
    clients.add(redis)
    for (const timeout of [0, -1, 1.5, '100', 2 ** 31]) {
      expect(() => new RedisLimiter(redis, { timeout: timeout as number })).toThrow(
        /^timeout must be a positive integer of milliseconds/,
      )
    }
  })
})
