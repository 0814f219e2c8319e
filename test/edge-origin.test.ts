import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKeyward, type Keyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type Scope, scopes } from '../examples/hono-api/src/app.js'
import { bundle, EDGE_RUNTIMES } from './support/edge-runtimes.js'
import { connectRedis, deleteNamespace, testNamespace } from './support/redis-namespace.js'
import { serveFetch } from './support/serve-fetch.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// examples/edge-hono in workerd (miniflare), Deno and Bun against one origin per file: the Hono
// example on Redis, served on Node behind a TCP proxy that can be cut to make it unreachable.
// The edge verifies keys created at the origin, refuses a narrowed key for the lost scope and
// a deleted key within pollInterval + one round trip (20 trials, figures printed), answers
// from its cache while the origin is gone until maxStaleness, then 503, and recovers.

const SECRET = 'edge-origin-test-secret-0123456789abcdef'
const POLL_INTERVAL = 100
const MAX_STALENESS = 1_500
/** A generous allowance on top of pollInterval for one round trip on a loaded CI machine. */
const ROUND_TRIP_MARGIN = 1_000
const TRIALS = 20

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let work: string
let script: string
let redis: Redis
let namespace: string
let keyward: Keyward<Scope>
let origin: { url: string; close: () => Promise<void> }
let proxy: TcpProxy

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'keyward-edge-origin-'))
  script = await bundle(work, 'edge-hono', join(ROOT, 'examples/edge-hono/src/app.ts'))
  redis = await connectRedis()
  namespace = testNamespace('edge-origin')
  keyward = createKeyward({
    prefix: 'kw_test',
    scopes,
    store: new RedisTokenStore(redis, { namespace }),
    revocations: new RedisRevocationList(redis, { namespace }),
  })
  await keyward.ready()
  origin = await serveFetch(createApp(keyward, { edge: { secret: SECRET } }).fetch)
  proxy = await startTcpProxy(await freePort(), Number(new URL(origin.url).port))
}, 60_000)

afterAll(async () => {
  await proxy?.close()
  await origin?.close()
  await keyward?.close()
  if (redis) {
    await deleteNamespace(redis, namespace)
    await redis.quit()
  }
  if (work) await rm(work, { recursive: true, force: true })
})

const createKey = (keyScopes: Scope[] = ['projects:read', 'projects:write']) =>
  keyward.keys.create({ name: 'edge', ownerId: 'org_edge', scopes: keyScopes, expiresIn: '1d' })

/** Asks until `done` holds for the answer's status, at most `tries` times: the last status. */
async function statusUntil(
  ask: () => Promise<Response>,
  done: (status: number) => boolean,
  tries: number,
  pause: number,
): Promise<number> {
  let status = 0
  for (let i = 0; i < tries; i++) {
    const response = await ask()
    status = response.status
    await response.body?.cancel()
    if (done(status)) return status
    await sleep(pause)
  }
  return status
}

describe.each(Object.keys(EDGE_RUNTIMES) as (keyof typeof EDGE_RUNTIMES)[])(
  'examples/edge-hono in %s, against the Hono example on Redis',
  (runtime) => {
    it('verifies origin keys, refuses narrowed and deleted ones within the bound, and rides out an outage', async () => {
      const edge = await EDGE_RUNTIMES[runtime](work, script, {
        KEYWARD_ORIGIN_URL: `http://127.0.0.1:${proxy.port}/api-keys`,
        KEYWARD_EDGE_SECRET: SECRET,
        KEYWARD_POLL_INTERVAL: String(POLL_INTERVAL),
        KEYWARD_MAX_STALENESS: String(MAX_STALENESS),
      })
      const read = (token: string) =>
        fetch(`${edge.url}/v1/projects`, { headers: { authorization: `Bearer ${token}` } })
      const write = (token: string) =>
        fetch(`${edge.url}/v1/projects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        })
      try {
        // A key created at the origin verifies at the edge.
        const { key, token } = await createKey()
        const first = await read(token)
        expect(first.status, edge.output()).toBe(200)
        expect(await first.json()).toEqual({ owner: 'org_edge', projects: [] })
        expect((await write(token)).status).toBe(201)
        expect((await read(`${token.slice(0, -1)}x`)).status).toBe(401)

        // Narrowed at the origin: refused for the scope it lost, still served for the other.
        await keyward.keys.update(key.id, { scopes: ['projects:read'] })
        expect(
          await statusUntil(
            () => write(token),
            (s) => s === 403,
            100,
            20,
          ),
        ).toBe(403)
        expect((await read(token)).status).toBe(200)

        // Deleted at the origin: refused within pollInterval + one round trip.
        const figures: number[] = []
        for (let trial = 0; trial < TRIALS; trial++) {
          const doomed = await createKey(['projects:read'])
          expect((await read(doomed.token)).status).toBe(200)
          await keyward.keys.revoke(doomed.key.id)
          const revokedAt = performance.now()
          expect(
            await statusUntil(
              () => read(doomed.token),
              (s) => s !== 200,
              1_000,
              2,
            ),
          ).toBe(401)
          figures.push(performance.now() - revokedAt)
        }
        figures.sort((a, b) => a - b)
        const at = (q: number) => figures[Math.min(TRIALS - 1, Math.floor(q * TRIALS))] as number
        console.log(
          `${runtime}: revoked at the origin → refused at the edge over ${TRIALS} trials (pollInterval ${POLL_INTERVAL} ms): ` +
            `min ${figures[0]?.toFixed(0)} ms, p50 ${at(0.5).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`,
        )
        expect(at(1)).toBeLessThan(POLL_INTERVAL + ROUND_TRIP_MARGIN)

        // The origin unreachable: 200 from the edge's cache until maxStaleness, then 503.
        const survivor = await createKey(['projects:read'])
        expect((await read(survivor.token)).status).toBe(200)
        await proxy.cut()
        const cutAt = performance.now()
        const seen: number[] = []
        const outage = await statusUntil(
          async () => {
            const response = await read(survivor.token)
            seen.push(response.status)
            return response
          },
          (s) => s !== 200,
          400,
          20,
        )
        const refusedAfter = performance.now() - cutAt
        expect(outage, edge.output()).toBe(503)
        expect(seen.slice(0, -1).every((status) => status === 200)).toBe(true)
        // Contact was confirmed at most one poll (plus a round trip) before the cut.
        expect(refusedAfter).toBeGreaterThan(MAX_STALENESS - POLL_INTERVAL - 200)
        const refused = await read(survivor.token)
        expect(refused.status).toBe(503)
        expect(await refused.json()).toMatchObject({ code: 'unavailable' })

        // The origin back: the edge answers again.
        await proxy.restore()
        expect(
          await statusUntil(
            () => read(survivor.token),
            (s) => s === 200,
            100,
            50,
          ),
        ).toBe(200)
      } finally {
        await proxy.restore()
        await edge.stop()
      }
    }, 60_000)
  },
)
