import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createKeyward,
  type Keyward,
  type RevocationList,
  readiness,
  type TokenStore,
} from '@keyward/core'
import { apiKeysRouter, apiKeyAuth as expressAuth } from '@keyward/express'
import { apiKeyRoutes, apiKeyAuth as honoAuth } from '@keyward/hono'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import express from 'express'
import { Hono } from 'hono'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { type PostgresServer, startPostgresServer } from './support/postgres-server.js'
import { sleep } from './support/processes.js'
import { testNamespace } from './support/redis-namespace.js'
import { type RedisServer, startRedisServer } from './support/redis-server.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// Two instances (one on Express over loopback HTTP, one on Hono through app.request) share a
// backend this file starts, under steady load, while the backend crashes and comes back, then
// goes silent (SIGSTOP of our redis-server, or a proxy in front of our PostgreSQL that stops
// forwarding) and comes back. Every request is recorded; the checks read the record.
// Windows are short so a run takes seconds: staleness 1.5 s, heartbeat 250 ms, bound 1 s.
const MAX_STALENESS = 1_500
const HEARTBEAT = 250
const BACKEND_TIMEOUT = 1_000
/** How long the other instance may take to hear of a revocation that returned on one. */
const PROPAGATION_MS = 100
const REDIS_PORT = 6440
const POSTGRES_PORT = 6442
const POSTGRES_PROXY_PORT = 6443

/** The ioredis options the README gives: reconnect within a few hundred ms, fail a command fast. */
const REDIS_OPTIONS = {
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 400) * (0.5 + Math.random() / 2),
  maxRetriesPerRequest: 1,
}

/** One answered request, as the checks read it (times in epoch ms, on this process's clock). */
interface Sample {
  instance: string
  kind: 'verify' | 'sentinel' | 'ready' | 'revoke' | 'create'
  key?: string
  start: number
  end: number
  status: number
  code?: string
  retryAfter?: string | null
}

interface Instance {
  name: string
  keyward: Keyward
  request(method: string, path: string, token?: string, body?: object): Promise<Response>
  close(): Promise<void>
}

interface Backend {
  store: TokenStore
  revocations: RevocationList
  close(): Promise<void>
}

/** A Keyward on `backend` with the short windows of this file, and the app a user would write. */
async function instance(name: string, backend: Backend, framework: 'express' | 'hono') {
  const keyward = createKeyward({
    prefix: 'kw_test',
    store: backend.store,
    revocations: backend.revocations,
    backendTimeout: BACKEND_TIMEOUT,
    onError: () => {},
  })
  await keyward.ready()
  const sendReady = () => readiness(keyward)
  let request: Instance['request']
  let server: Server | undefined
  if (framework === 'express') {
    const app = express()
    app.get('/ready', (_req, res) => {
      const answer = sendReady()
      res.status(answer.status).set(answer.headers).end(JSON.stringify(answer.body))
    })
    app.use('/api-keys', apiKeysRouter(keyward))
    app.get('/v1/whoami', expressAuth(keyward), (req, res) => {
      res.json(req.apiKey)
    })
    server = createServer(app)
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    request = (method, path, token, body) =>
      fetch(`http://127.0.0.1:${port}${path}`, init(method, token, body))
  } else {
    const app = new Hono()
    app.get('/ready', (c) => {
      const answer = sendReady()
      return c.body(JSON.stringify(answer.body), answer.status, answer.headers)
    })
    app.route('/api-keys', apiKeyRoutes(keyward))
    app.get('/v1/whoami', honoAuth(keyward), (c) => c.json(c.var.apiKey))
    request = async (method, path, token, body) => app.request(path, init(method, token, body))
  }
  return {
    name,
    keyward,
    request,
    async close() {
      server?.closeAllConnections()
      server?.close()
      await keyward.close()
      await backend.close()
    },
  } satisfies Instance
}

function init(method: string, token?: string, body?: object): RequestInit {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body) headers['content-type'] = 'application/json'
  return { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) }
}

/** Sends one request and records it. */
async function record(
  samples: Sample[],
  target: Instance,
  kind: Sample['kind'],
  method: string,
  path: string,
  token?: string,
  extra: { key?: string; body?: object } = {},
): Promise<Sample> {
  const start = performance.timeOrigin + performance.now()
  let status = 0
  let code: string | undefined
  let retryAfter: string | null = null
  try {
    const response = await target.request(method, path, token, extra.body)
    status = response.status
    retryAfter = response.headers.get('retry-after')
    const text = await response.text()
    code = text.startsWith('{') ? (JSON.parse(text) as { code?: string }).code : undefined
  } catch (error) {
    code = `network: ${String(error)}`
  }
  const end = performance.timeOrigin + performance.now()
  const sample: Sample = { instance: target.name, kind, start, end, status, retryAfter }
  if (code !== undefined) sample.code = code
  if (extra.key !== undefined) sample.key = extra.key
  samples.push(sample)
  return sample
}

interface Keys {
  admin: string
  /** Verified on every instance before the run, never revoked: the readiness sentinel. */
  sentinel: string
  /** Revoked one by one during the run. */
  revocable: Array<{ id: string; token: string }>
  /** Never verified before the run: each costs a store read once. */
  unseen: string[]
}

async function issueKeys(keyward: Keyward, instances: Instance[]): Promise<Keys> {
  const create = (name: string, scopes: string[] = []) =>
    keyward.keys.create({ name, ownerId: 'org_fault', scopes, expiresIn: '1h', rateLimits: [] })
  const admin = (await create('admin', ['api_keys:manage'])).token
  const sentinel = (await create('sentinel')).token
  const revocable = await Promise.all(
    Array.from({ length: 60 }, async (_, i) => {
      const { token, key } = await create(`revocable ${i}`)
      return { id: key.id, token }
    }),
  )
  const unseen = await Promise.all(
    Array.from({ length: 300 }, async (_, i) => (await create(`unseen ${i}`)).token),
  )
  for (const target of instances) {
    for (const token of [admin, sentinel, ...revocable.map((k) => k.token)]) {
      expect((await target.request('GET', '/v1/whoami', token)).status).toBe(200)
    }
  }
  return { admin, sentinel, revocable, unseen }
}

/**
 * Steady load until `stop()`: on each instance, verifications of revocable and unseen keys,
 * the sentinel between two readiness probes, and every 300 ms a revocation (DELETE) or a key
 * creation through alternating instances. Every loop sleeps between requests, so it is bounded.
 */
function load(instances: Instance[], keys: Keys, samples: Sample[]) {
  let running = true
  let paused = false
  let next = 0
  // Names unique to this run, so the settled check finds only this run's creations.
  const run = crypto.randomUUID().slice(0, 8)
  const verifiers = instances.map(async (target) => {
    for (let i = 0; running; i++) {
      const key = keys.revocable[i % keys.revocable.length]!
      await record(samples, target, 'verify', 'GET', '/v1/whoami', key.token, { key: key.id })
      // Now and then a key this instance never saw: a store read, bounded like the rest.
      const unseen = i % 10 === 0 ? keys.unseen.pop() : undefined
      if (unseen) await record(samples, target, 'verify', 'GET', '/v1/whoami', unseen)
      await sleep(5)
    }
  })
  const probes = instances.map(async (target) => {
    while (running) {
      await record(samples, target, 'ready', 'GET', '/ready')
      await record(samples, target, 'sentinel', 'GET', '/v1/whoami', keys.sentinel)
      await record(samples, target, 'ready', 'GET', '/ready')
      await sleep(20)
    }
  })
  const manager = (async () => {
    for (let i = 0; running; i++) {
      await sleep(300)
      if (paused) continue
      const target = instances[i % instances.length]!
      if (i % 3 === 2) {
        const body = { name: `made during run ${run}, ${i}`, scopes: [], expiresIn: '1h' }
        await record(samples, target, 'create', 'POST', '/api-keys', keys.admin, {
          key: body.name,
          body,
        })
        continue
      }
      const key = keys.revocable[next++ % keys.revocable.length]!
      await record(samples, target, 'revoke', 'DELETE', `/api-keys/${key.id}`, keys.admin, {
        key: key.id,
      })
    }
  })()
  const all = Promise.all([...verifiers, ...probes, manager])
  return {
    /** Stops revocations and creations (what a snapshot before a crash must not miss). */
    async pauseWrites() {
      paused = true
      await sleep(BACKEND_TIMEOUT + 500)
    },
    resumeWrites() {
      paused = false
    },
    async stop() {
      running = false
      await all
    },
  }
}

/** The checks the issue asks for, on the record of one run. */
function check(samples: Sample[], outages: Array<{ back: number }>) {
  const revokedAt = new Map<string, Sample>()
  for (const s of samples) {
    if (s.kind === 'revoke' && s.status === 204 && !revokedAt.has(s.key!)) revokedAt.set(s.key!, s)
  }
  // No revoked key admitted after its revocation returned.
  const admittedAfterRevocation = samples.filter((s) => {
    const revoked = s.kind === 'verify' && s.status === 200 && revokedAt.get(s.key ?? '')
    if (!revoked) return false
    return s.start > revoked.end + (revoked.instance === s.instance ? 0 : PROPAGATION_MS)
  })
  expect(admittedAfterRevocation).toEqual([])
  // While failing closed, 503 `unavailable` with Retry-After and nothing else.
  const verifications = samples.filter((s) => s.kind === 'verify' || s.kind === 'sentinel')
  const unexpected = verifications.filter(
    (s) =>
      !(s.status === 200) &&
      !(s.status === 401 && s.code === 'revoked_token') &&
      !(s.status === 503 && s.code === 'unavailable' && s.retryAfter !== null),
  )
  expect(unexpected).toEqual([])
  const management = samples.filter((s) => s.kind === 'revoke' || s.kind === 'create')
  const refused = management.filter((s) => s.status >= 300)
  expect(refused.filter((s) => s.status !== 503 || s.code !== 'unavailable')).toEqual([])
  // Every management call answered within its bound (one backend call's timeout, plus the
  // calls that completed before the backend went silent), never after the outage.
  const longest = Math.max(...management.map((s) => s.end - s.start))
  expect(longest).toBeLessThan(BACKEND_TIMEOUT + 1_000)
  // Readiness matches serving: between two probes that agree, the sentinel (cached, valid)
  // is served when they say 200 and refused 503 when they say 503.
  const mismatches: Sample[][] = []
  for (const name of new Set(samples.map((s) => s.instance))) {
    const own = samples.filter(
      (s) => s.instance === name && (s.kind === 'ready' || s.kind === 'sentinel'),
    )
    for (let i = 0; i + 2 < own.length; i++) {
      const [before, sentinel, after] = [own[i]!, own[i + 1]!, own[i + 2]!]
      if (before.kind !== 'ready' || sentinel.kind !== 'sentinel' || after.kind !== 'ready')
        continue
      if (before.status !== after.status) continue
      if ((before.status === 200) !== (sentinel.status === 200))
        mismatches.push([before, sentinel, after])
    }
  }
  expect(mismatches).toEqual([])
  const probes = samples.filter((s) => s.kind === 'ready')
  expect(probes.some((s) => s.status === 503)).toBe(true)
  expect(probes.every((s) => s.status === 200 || s.status === 503)).toBe(true)
  // Service back within 1 s of the backend's return, on every instance.
  const recoveries = outages.flatMap(({ back }) =>
    [...new Set(samples.map((s) => s.instance))].map((name) => {
      const served = samples.find(
        (s) => s.instance === name && s.kind === 'sentinel' && s.start >= back && s.status === 200,
      )
      return served === undefined ? Number.POSITIVE_INFINITY : served.end - back
    }),
  )
  for (const ms of recoveries) expect(ms).toBeLessThan(1_000)
  return { longestManagementCall: Math.round(longest), recoveries: recoveries.map(Math.round) }
}

/**
 * After the run and a moment to settle: nothing half-done. Every key is revoked in both the
 * store and the list or in neither (a revocation that landed after its 503 was completed),
 * and no key made by a creation answered 503 exists (an insert that landed late was undone).
 */
async function checkSettled(instances: Instance[], keys: Keys, samples: Sample[]) {
  await sleep(BACKEND_TIMEOUT)
  const [a] = instances
  for (const { id } of keys.revocable) {
    const record = await a!.keyward.store.get(id)
    for (const target of instances) {
      const listed = target.keyward.revocations.isRevoked(record!)
      expect({ id, listed }).toEqual({ id, listed: record!.revokedAt !== undefined })
    }
  }
  // Every record of the owner, revoked ones too, page by page.
  const names = new Set<string>()
  for (const status of [undefined, 'revoked'] as const) {
    let cursor: string | undefined
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await a!.keyward.store.listByOwner('org_fault', {
        limit: 1_000,
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { cursor }),
      })
      for (const record of page.keys) names.add(record.name)
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
  }
  const failedCreates = samples.filter((s) => s.kind === 'create' && s.status === 503)
  expect(failedCreates.filter((s) => names.has(s.key!))).toEqual([])
}

/** Runs the load through a crash and a silent spell of the backend, `shift` ms off whole seconds. */
async function faultRun(
  instances: Instance[],
  keys: Keys,
  fault: { crash(): Promise<void>; restart(): Promise<void>; freeze(): void; thaw(): void },
  shift: number,
) {
  const samples: Sample[] = []
  const outages: Array<{ back: number }> = []
  const running = load(instances, keys, samples)
  await sleep(1_000)
  await running.pauseWrites()
  await fault.crash()
  running.resumeWrites()
  await sleep(3_000 + shift)
  await fault.restart()
  outages.push({ back: performance.timeOrigin + performance.now() })
  await sleep(1_500)
  fault.freeze()
  await sleep(4_000 + shift)
  fault.thaw()
  outages.push({ back: performance.timeOrigin + performance.now() })
  await sleep(1_500)
  await running.stop()
  const measured = check(samples, outages)
  await checkSettled(instances, keys, samples)
  return measured
}

const measurements: Record<string, unknown> = {}
afterAll(() => {
  console.log('fault injection:', JSON.stringify(measurements))
})

describe('faults on Redis', () => {
  let server: RedisServer
  const namespace = testNamespace('faults')
  const redisBackend = (): Backend => {
    const redis = new Redis(server.url, REDIS_OPTIONS)
    redis.on('error', () => {})
    const backend: Backend = {
      store: new RedisTokenStore(redis, { namespace }),
      revocations: new RedisRevocationList(redis, {
        namespace,
        maxStaleness: MAX_STALENESS,
        heartbeatInterval: HEARTBEAT,
        onError: () => {},
      }),
      close: async () => redis.disconnect(),
    }
    return backend
  }

  afterAll(async () => {
    if (server?.pid !== undefined) process.kill(server.pid, 'SIGCONT')
    await server?.dispose()
  })

  it.each([
    ['on whole seconds', 0],
    ['off the whole-second schedule', 437],
  ])(
    'keeps its promises through a crash and a freeze, %s',
    async (label, shift) => {
      server ??= await startRedisServer(REDIS_PORT)
      const instances = [
        await instance('express', redisBackend(), 'express'),
        await instance('hono', redisBackend(), 'hono'),
      ]
      try {
        const keys = await issueKeys(instances[0]!.keyward, instances)
        measurements[`redis ${label}`] = await faultRun(
          instances,
          keys,
          {
            crash: async () => {
              await server.save()
              await server.stop()
            },
            restart: () => server.restart(),
            freeze: () => process.kill(server.pid!, 'SIGSTOP'),
            thaw: () => process.kill(server.pid!, 'SIGCONT'),
          },
          shift,
        )
      } finally {
        for (const target of instances) await target.close()
      }
    },
    90_000,
  )
})

describe('faults on PostgreSQL', () => {
  let server: PostgresServer
  let proxy: TcpProxy
  const schema = 'keyward_faults'
  const postgresBackend = (): Backend => {
    // Through the proxy, which can go silent; connecting gives up after a second.
    const pool = new pg.Pool({
      connectionString: `postgres://postgres@127.0.0.1:${POSTGRES_PROXY_PORT}/postgres`,
      max: 6,
      connectionTimeoutMillis: 1_000,
    })
    pool.on('error', () => {})
    return {
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, {
        schema,
        maxStaleness: MAX_STALENESS,
        heartbeatInterval: HEARTBEAT,
        onError: () => {},
      }),
      close: () => pool.end().catch(() => {}),
    }
  }

  afterAll(async () => {
    await proxy?.close()
    await server?.dispose()
  })

  it.each([
    ['on whole seconds', 0],
    ['off the whole-second schedule', 437],
  ])(
    'keeps its promises through a crash and a silent link, %s',
    async (label, shift) => {
      if (server === undefined) {
        server = await startPostgresServer(POSTGRES_PORT)
        const pool = new pg.Pool({ connectionString: server.url, max: 1 })
        await migrate(pool, { schema })
        await pool.end()
        proxy = await startTcpProxy(POSTGRES_PROXY_PORT, POSTGRES_PORT)
      }
      const instances = [
        await instance('express', postgresBackend(), 'express'),
        await instance('hono', postgresBackend(), 'hono'),
      ]
      try {
        const keys = await issueKeys(instances[0]!.keyward, instances)
        measurements[`postgres ${label}`] = await faultRun(
          instances,
          keys,
          {
            crash: () => server.stop(),
            restart: () => server.restart(),
            freeze: () => proxy.stall(),
            thaw: () => proxy.resume(),
          },
          shift,
        )
      } finally {
        for (const target of instances) await target.close()
      }
    },
    90_000,
  )
})
