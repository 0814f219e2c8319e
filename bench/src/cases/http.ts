import type { ChildProcess } from 'node:child_process'
import { nextMessage, startChild, stopChild } from '../child.js'
import { type LoadResult, load } from '../load.js'
import { median } from '../micro.js'
import { formatRatio, type Row, type TargetResult } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

interface Ready {
  type: 'ready'
  port: number
  authorization: string
}

interface Server {
  variant: string
  child: ChildProcess
  url: string
  headers: Record<string, string>
}

async function startServer(variant: string): Promise<Server> {
  const child = startChild('src/servers/http-server.ts', [variant])
  const ready = await nextMessage<Ready>(child, 'ready')
  return {
    variant,
    child,
    url: `http://127.0.0.1:${ready.port}/v1/projects`,
    headers: { authorization: ready.authorization },
  }
}

/**
 * Runs a group of servers (the bare framework first) in alternating rounds, A B C, C B A, …,
 * and reports each one's req/s as the median of its per-round ratios to the bare framework.
 */
async function group(servers: Server[], settings: BenchSettings): Promise<Row[]> {
  const { http } = settings
  const variants = servers.map((server) => server.variant)
  const options = (server: Server, seconds: number) => ({
    seconds,
    connections: http.connections,
    pipelining: http.pipelining,
    headers: server.headers,
  })
  // Warm-up only needs the code paths hot, not a fair share of the CPU: all at once.
  await Promise.all(
    servers.map(async (server) => {
      const warm = await load(server.url, options(server, http.warmupSeconds))
      if (warm.failures > 0) throw new Error(`${server.variant}: ${warm.failures} failed requests`)
    }),
  )
  const runs = new Map<string, LoadResult[]>(variants.map((v) => [v, []]))
  for (let round = 0; round < http.rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse()
    for (const server of order) {
      const result = await load(server.url, options(server, http.roundSeconds))
      if (result.failures > 0)
        throw new Error(`${server.variant}: ${result.failures} failed requests`)
      runs.get(server.variant)!.push(result)
    }
  }
  const bare = runs.get(variants[0]!)!
  return variants.slice(1).map((variant) => {
    const own = runs.get(variant)!
    const ratios = own.map((r, i) => r.requestsPerSecond / bare[i]!.requestsPerSecond)
    const rps = median(own.map((r) => r.requestsPerSecond))
    return {
      case: variant,
      baseline: `bare ${variants[0]}`,
      ratio: median(ratios),
      format: 'percent',
      measured: `${rps.toFixed(0)} req/s`,
      baselineMeasured: `${median(bare.map((r) => r.requestsPerSecond)).toFixed(0)} req/s`,
      note: `rounds ${formatRatio(Math.min(...ratios), 'percent')}–${formatRatio(Math.max(...ratios), 'percent')}; p99 ${median(own.map((r) => r.latencyP99Ms)).toFixed(1)} ms vs ${median(bare.map((r) => r.latencyP99Ms)).toFixed(1)} ms`,
      raw: { ratios, runs: own, baselineRuns: bare },
    } satisfies Row
  })
}

function target(name: string, rows: Row[], variant: string, goal: number): TargetResult {
  const row = rows.find((r) => r.case === variant)
  const measured = row?.ratio ?? null
  return {
    ...(row?.note === undefined ? {} : { note: row.note.split(';')[0]! }),
    name,
    measured,
    unit: 'percent',
    goal: `≥ ${goal * 100} %`,
    met: measured === null ? null : measured >= goal,
  }
}

/** Case 3: req/s of each authenticated server against its bare framework. */
export async function httpCase(settings: BenchSettings): Promise<CaseResult> {
  const { http } = settings
  const expressVariants = [
    'express',
    'express+apiKeyAuth',
    'express-jwt',
    'express-jwt (KeyObject secret)',
  ]
  const honoVariants = [
    'hono',
    'hono + no-op middleware',
    'hono+apiKeyAuth',
    'hono/bearer-auth',
    'hono/jwt',
  ]
  const fastifyVariants = ['fastify', 'fastify+apiKeyAuth', 'fastify/bearer-auth']
  // Started together (idle servers cost nothing), measured one group after the other.
  const starting = performance.now()
  const all = [...expressVariants, ...honoVariants, ...fastifyVariants]
  const servers = await Promise.all(all.map(startServer))
  console.log(
    `  ${servers.length} servers up in ${((performance.now() - starting) / 1000).toFixed(1)} s`,
  )
  let expressRows: Row[]
  let honoRows: Row[]
  let fastifyRows: Row[]
  const honoEnd = expressVariants.length + honoVariants.length
  try {
    expressRows = await group(servers.slice(0, expressVariants.length), settings)
    honoRows = await group(servers.slice(expressVariants.length, honoEnd), settings)
    fastifyRows = await group(servers.slice(honoEnd), settings)
  } finally {
    await Promise.all(servers.map((server) => stopChild(server.child)))
  }
  return {
    section: {
      id: 'http',
      title: '3. HTTP throughput',
      description:
        `Requests per second answered 200 by \`GET /v1/projects\` (a small JSON body), each server in its own ` +
        `process on 127.0.0.1, autocannon in the runner: ${http.connections} connections, pipelining ` +
        `${http.pipelining}, ${http.rounds} rounds of ${http.roundSeconds} s per server after ` +
        `${http.warmupSeconds} s of warm-up (all servers of a group at once), the order alternating between rounds. The ratio is the ` +
        'median of per-round ratios to the bare framework; every request carries an Authorization header. ' +
        'express-jwt and hono/jwt verify an HS256 JWT as their docs show; hono/bearer-auth and @fastify/bearer-auth compare one static token.',
      rows: [...expressRows, ...honoRows, ...fastifyRows],
      notes: [
        'Server and load generator share the machine: on few cores the ratios, not the absolute req/s, are what carries over.',
        "Hono answers a route with a single handler on a fast path; any middleware (even `async (c, next) => { await next() }`) goes through compose() and async dispatch instead. The no-op row shows that share of every Hono middleware's cost.",
        'express-jwt as documented passes the secret as a string; jsonwebtoken 9 then attempts `createPublicKey()` on it for every request before falling back to a secret key, which dominates its cost. The KeyObject row shows express-jwt without that.',
      ],
    },
    targets: [
      target('Express + apiKeyAuth ÷ bare Express', expressRows, 'express+apiKeyAuth', 0.95),
      target('Hono + apiKeyAuth ÷ bare Hono', honoRows, 'hono+apiKeyAuth', 0.8),
      target('Fastify + apiKeyAuth ÷ bare Fastify', fastifyRows, 'fastify+apiKeyAuth', 0.8),
    ],
  }
}
