import { hash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createKeyward } from '@keyward/core'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { createApp, scopes } from '../../../examples/hono-api/src/app.js'
import { percentile } from '../micro.js'
import { formatNs } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

const SECRET = 'bench-edge-secret-0123456789abcdefghijkl'
const POLL_INTERVAL = 1_000
const root = fileURLToPath(new URL('../../..', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** ns per call of the Node floor: node:crypto hash() + Map.get, as case 1 measures it. */
function nodeFloor(token: string, iterations: number): number {
  const table = new Map([[hash('sha256', token, 'base64url'), { id: 'key' }]])
  let sink = 0
  for (let i = 0; i < 10_000; i++) sink += table.get(hash('sha256', token, 'base64url')) ? 1 : 0
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) sink += table.get(hash('sha256', token, 'base64url')) ? 1 : 0
  const ns = Number(process.hrtime.bigint() - started) / iterations
  return sink < 0 ? Number.NaN : ns
}

async function bundleWorker(work: string): Promise<string> {
  const outfile = join(work, 'edge-worker.js')
  await build({
    entryPoints: [join(root, 'bench/src/servers/edge-worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    nodePaths: [join(root, 'bench/node_modules')],
    alias: {
      '@keyward/core': join(root, 'packages/core/src'),
      '@keyward/hono': join(root, 'packages/hono/src'),
      '@keyward/example-edge-hono': join(root, 'examples/edge-hono/src/app.ts'),
    },
    logLevel: 'silent',
  })
  return outfile
}

/**
 * Case 15: examples/edge-hono in workerd (miniflare) against the Hono example as its origin:
 * `check()` on a cached key against Node's floor, the share of requests that reached the
 * origin under steady load, and revocation time-to-effect at the edge.
 */
export async function edgeCase(settings: BenchSettings): Promise<CaseResult> {
  const quick = settings.mode === 'quick'
  const keyward = createKeyward({ prefix: 'kw_test', scopes })
  let originCalls = 0
  let originPolls = 0
  const app = createApp(keyward, { edge: { secret: SECRET } })
  const server = serve({
    fetch: (request: Request) => {
      const path = new URL(request.url).pathname
      if (path.includes('/edge/')) originCalls++
      if (path.endsWith('/edge/changes')) originPolls++
      return app.fetch(request)
    },
    port: 0,
    hostname: '127.0.0.1',
  })
  await new Promise((resolve) => server.once('listening', resolve))
  const originPort = (server.address() as { port: number }).port
  const work = await mkdtemp(join(tmpdir(), 'keyward-bench-edge-'))
  const mf = new Miniflare({
    modules: true,
    scriptPath: await bundleWorker(work),
    modulesRoot: work,
    compatibilityDate: '2025-09-01',
    bindings: {
      KEYWARD_ORIGIN_URL: `http://127.0.0.1:${originPort}/api-keys`,
      KEYWARD_EDGE_SECRET: SECRET,
      KEYWARD_POLL_INTERVAL: String(POLL_INTERVAL),
    },
    host: '127.0.0.1',
    port: 0,
    cf: false,
    telemetry: { enabled: false },
  })
  try {
    const edge = (await mf.ready).origin
    const create = async () =>
      await keyward.keys.create({
        name: 'bench',
        ownerId: 'org_bench',
        scopes: ['projects:read'],
        expiresIn: '1d',
      })
    const steady = await create()
    const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

    // 1. check() cache hit in workerd, timed from outside (workerd's clocks stand still while
    // a request runs): the loop of n calls minus the empty request, per call.
    const n = quick ? 20_000 : 100_000
    const timeRequest = async (count: number) => {
      const started = process.hrtime.bigint()
      const response = await fetch(`${edge}/check?n=${count}`, auth(steady.token))
      await response.json()
      return Number(process.hrtime.bigint() - started)
    }
    await timeRequest(n)
    const rounds = quick ? 5 : 15
    const perCall: number[] = []
    for (let round = 0; round < rounds; round++) {
      const empty = await timeRequest(0)
      perCall.push(((await timeRequest(n)) - empty) / n)
    }
    const checkNs = percentile(perCall, 50)
    const floorNs = nodeFloor(steady.token, quick ? 200_000 : 1_000_000)

    // 2. Steady load: 8 clients for a few seconds; origin calls per request.
    const seconds = quick ? 3 : 10
    // The key is already in the app's cache: what follows is steady state.
    await (await fetch(`${edge}/v1/projects`, auth(steady.token))).body?.cancel()
    const before = originCalls
    const pollsBefore = originPolls
    let requests = 0
    const until = Date.now() + seconds * 1_000
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const response = await fetch(`${edge}/v1/projects`, auth(steady.token))
          await response.body?.cancel()
          requests++
        }
      }),
    )
    const calls = originCalls - before
    const polls = originPolls - pollsBefore
    const allowed = Math.ceil((seconds * 1_000) / POLL_INTERVAL) + 1

    // 3. Time-to-effect under light steady traffic (one client), from revoke() returning.
    const samples = quick ? 8 : 30
    let traffic = true
    const background = (async () => {
      while (traffic) {
        await (await fetch(`${edge}/v1/projects`, auth(steady.token))).body?.cancel()
        await sleep(20)
      }
    })()
    const effects: number[] = []
    for (let i = 0; i < samples; i++) {
      const doomed = await create()
      await (await fetch(`${edge}/v1/projects`, auth(doomed.token))).body?.cancel()
      await sleep(Math.random() * POLL_INTERVAL)
      await keyward.keys.revoke(doomed.key.id)
      const revoked = performance.now()
      for (let tries = 0; tries < 2_000; tries++) {
        const response = await fetch(`${edge}/v1/projects`, auth(doomed.token))
        await response.body?.cancel()
        if (response.status !== 200) break
        await sleep(2)
      }
      effects.push(performance.now() - revoked)
    }
    traffic = false
    await background
    const p50 = percentile(effects, 50)
    const p99 = percentile(effects, 99)
    const goal = POLL_INTERVAL + 100

    return {
      section: {
        id: 'edge',
        title: '15. Edge (workerd) against the origin',
        description:
          'examples/edge-hono bundled with esbuild and run in workerd through miniflare; the Hono ' +
          'example on Node is its origin (memory store), pollInterval 1 s. check() on a cached key ' +
          'is timed from outside (a loop of n calls minus an empty request, median of rounds) and ' +
          "set against Node's floor (node:crypto hash + Map.get). Under steady load (8 clients), " +
          'the origin counts every /edge/* call. Time-to-effect: a key used at the edge, revoked at ' +
          'the origin at a random moment of the poll cycle, then asked for every 2 ms until refused.',
        rows: [
          {
            case: 'check() — cache hit in workerd',
            baseline: 'floor on Node: node:crypto hash() + Map.get',
            ratio: checkNs / floorNs,
            format: 'times',
            measured: formatNs(checkNs),
            baselineMeasured: formatNs(floorNs),
            note: 'Web Crypto SHA-256 in workerd',
            raw: { perCall, floorNs },
          },
          {
            case: `requests that reached the origin, ${seconds} s of steady load`,
            baseline: 'requests served',
            ratio: calls / requests,
            format: 'percent',
            measured: `${calls} calls (${polls} polls)`,
            baselineMeasured: `${requests} requests`,
            note: `one key, cached: at most ${allowed} polls allowed (one per pollInterval)`,
          },
          {
            case: 'revocation time-to-effect at the edge, p50 / p99',
            baseline: 'pollInterval + 100 ms',
            ratio: p99 / goal,
            format: 'times',
            measured: `${p50.toFixed(0)} / ${p99.toFixed(0)} ms`,
            baselineMeasured: `${goal} ms`,
            raw: { effects },
          },
        ],
        notes: [],
      },
      targets: [
        {
          name: 'edge check() cache hit (workerd) ÷ Node floor',
          unit: 'times',
          measured: checkNs / floorNs,
          goal: 'reported',
          met: null,
        },
        {
          name: 'edge origin calls under steady load, per pollInterval',
          unit: 'count',
          measured: polls / (seconds * (1_000 / POLL_INTERVAL)),
          goal: '≤ 1 (+ misses)',
          met: polls <= allowed,
          note: `${calls} origin calls in all for ${requests} requests`,
        },
        {
          name: 'edge revocation time-to-effect p99',
          unit: 'ms',
          measured: p99,
          goal: `≤ ${goal} ms`,
          met: p99 <= goal,
          note: `p50 ${p50.toFixed(0)} ms`,
        },
      ],
    }
  } finally {
    await mf.dispose()
    server.close()
    await keyward.close()
    await rm(work, { recursive: true, force: true })
  }
}
