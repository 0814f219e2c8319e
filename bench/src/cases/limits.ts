import { createKeyward } from '@keyward/core'
import { limitPolicyOf } from '@keyward/core/adapter'
import { RedisLimiter } from '@keyward/redis'
import autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { nextMessage, request, startChild, stopChild } from '../child.js'
import { load } from '../load.js'
import { compare } from '../micro.js'
import { benchRedis, callsBetween, commandCalls, deleteNamespace } from '../redis-server.js'
import { formatNs, type Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Instances, limit and budget of the overshoot measurement. */
const INSTANCES = 4
const LIMIT = 1_000
const BUDGET = 0.05
const TRIALS = 5
/** Limited requests whose limiter scripts are counted. */
const COUNTED = 2_000

/**
 * Worst overshoot of approximate mode: `INSTANCES` RedisLimiters (each its own connection
 * and local state, in this process) hammer one key of `LIMIT` per window with 16 requests in
 * flight each, until each has asked 2 × LIMIT times; admitted − LIMIT, worst of `TRIALS`.
 */
async function overshoot(url: string, namespace: string): Promise<number[]> {
  const results: number[] = []
  for (let trial = 0; trial < TRIALS; trial++) {
    const clients = Array.from({ length: INSTANCES }, () => new Redis(url))
    const limiters = clients.map(
      (client) => new RedisLimiter(client, { namespace, mode: 'approximate', budget: BUDGET }),
    )
    const policy = limitPolicyOf(
      {
        id: `key_overshoot${trial}x${Date.now()}`,
        expiresAt: Date.now() + 3_600_000,
        rateLimits: [{ name: 'default', limit: LIMIT, window: 3_600_000 }],
      },
      undefined,
    )!
    let admitted = 0
    await Promise.all(
      limiters.map(async (limiter) => {
        let asked = 0
        const lane = async () => {
          while (asked < 2 * LIMIT) {
            asked++
            const outcome = await limiter.consume(policy, 1, Date.now())
            if (outcome.refused === undefined) admitted++
          }
        }
        await Promise.all(Array.from({ length: 16 }, lane))
        await limiter.close()
      }),
    )
    results.push(admitted - LIMIT)
    for (const client of clients) client.disconnect()
  }
  return results
}

/**
 * The limit step alone, in this process: `check()` (what the adapters call) of a key with a
 * rate limit it never reaches against a key without limits, on an approximate RedisLimiter.
 */
async function checkStep(url: string, namespace: string, settings: BenchSettings): Promise<Row> {
  const redis = new Redis(url)
  const limiter = new RedisLimiter(redis, { namespace, mode: 'approximate' })
  try {
    const keyward = createKeyward({ prefix: 'kw_live', limiter })
    const base = { name: 'bench', ownerId: 'org_bench', scopes: ['projects:read'], expiresIn: '1h' }
    const [limited, unlimited] = await Promise.all([
      keyward.keys.create({ ...base, rateLimits: [{ name: 'default', limit: 1e9, window: '1m' }] }),
      keyward.keys.create(base),
    ])
    // The first check of the limited key learns its counts from Redis; later ones do not ask.
    await keyward.check(limited.token)
    const comparison = await compare(
      { name: 'check(), limited key', run: () => keyward.check(limited.token) },
      { name: 'check(), key without limits', run: () => keyward.check(unlimited.token) },
      settings.micro,
    )
    return {
      case: 'limit step: check() of a limited key, approximate mode, in one process',
      baseline: 'check() of a key without limits',
      ratio: comparison.ratio,
      format: 'times',
      measured: formatNs(comparison.candidate.nsPerOp),
      baselineMeasured: formatNs(comparison.baseline.nsPerOp),
      note: `the limit step adds ${formatNs(comparison.candidate.nsPerOp - comparison.baseline.nsPerOp)}`,
      raw: { comparison },
    }
  } finally {
    await limiter.close()
    redis.disconnect()
  }
}

/**
 * Case 9: per-key limits. On one Express server over Redis (store, revocation list,
 * RedisLimiter), a key with a rate limit it never reaches against a key without limits, in
 * alternating rounds, for exact and approximate mode; Redis commands per limited request
 * from `INFO commandstats`; and approximate mode's measured overshoot.
 */
export async function limitsCase(settings: BenchSettings): Promise<CaseResult> {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_limits_${process.pid}_${Date.now()}`
  const client = new Redis(redis.url)
  const servers: ReturnType<typeof startChild>[] = []
  const { connections, pipelining, warmupSeconds } = settings.http
  // One-second rounds, as many as fit in the time of the HTTP case's rounds: the pairs of
  // rounds a ratio is taken of lie closer in time, so a burst of outside load splits fewer.
  const roundSeconds = 1
  const rounds = settings.http.rounds * settings.http.roundSeconds
  try {
    const rows: Row[] = []
    const ratios: Record<string, number> = {}
    const perRequest: Record<string, number> = {}
    for (const mode of ['exact', 'approximate'] as const) {
      const server = startChild('src/servers/limits-app.ts', [redis.url, namespace, mode])
      servers.push(server)
      const { port } = await nextMessage<{ type: 'ready'; port: number }>(server, 'ready')
      const key = async (limited: boolean) =>
        (
          await request<{ type: 'key'; token: string }>(
            server,
            { type: 'create-key', limited },
            'key',
          )
        ).token
      const url = `http://127.0.0.1:${port}/v1/projects`
      const limited = { authorization: `Bearer ${await key(true)}` }
      const unlimited = { authorization: `Bearer ${await key(false)}` }
      const run = (headers: Record<string, string>, seconds: number) =>
        load(url, { seconds, connections, pipelining, headers })
      await run(limited, warmupSeconds)
      await run(unlimited, warmupSeconds)
      const limitedRps: number[] = []
      const unlimitedRps: number[] = []
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [true, false] : [false, true]
        for (const isLimited of order) {
          const result = await run(isLimited ? limited : unlimited, roundSeconds)
          if (result.failures > 0) throw new Error(`${result.failures} requests failed`)
          ;(isLimited ? limitedRps : unlimitedRps).push(result.requestsPerSecond)
        }
      }
      // A fixed number of requests, so none is in flight when the counts are read; divided by
      // what the server answered (autocannon may send a few beyond `amount`).
      const answered = async () =>
        (
          await request<{ type: 'answered'; count: number }>(
            server,
            { type: 'answered' },
            'answered',
          )
        ).count
      // Requests of the last timed round may still be in flight: wait until none is answered.
      let answeredBefore = await answered()
      for (let last = -1; last !== answeredBefore; ) {
        last = answeredBefore
        await new Promise((resolve) => setTimeout(resolve, 200))
        answeredBefore = await answered()
      }
      const before = await commandCalls(client)
      const counted = await autocannon({ url, headers: limited, amount: COUNTED, connections: 8 })
      const calls = callsBetween(before, await commandCalls(client))
      const requests = (await answered()) - answeredBefore
      if (counted['2xx'] !== COUNTED) throw new Error('counted requests failed')
      const scripts = (calls.get('evalsha') ?? 0) + (calls.get('eval') ?? 0)
      perRequest[mode] = scripts / requests
      const perRound = limitedRps.map((rps, i) => rps / unlimitedRps[i]!)
      const ratio = median(perRound)
      ratios[mode] = ratio
      rows.push({
        case: `limited key, ${mode} mode`,
        baseline: 'key without limits, same server',
        ratio,
        format: 'percent',
        measured: `${Math.round(median(limitedRps))} req/s; ${perRequest[mode]!.toFixed(4)} limiter scripts per request`,
        baselineMeasured: `${Math.round(median(unlimitedRps))} req/s`,
        note: `rounds ${Math.round(Math.min(...perRound) * 100)}–${Math.round(Math.max(...perRound) * 100)} %`,
        raw: { limitedRps, unlimitedRps, scripts, requests, calls: Object.fromEntries(calls) },
      })
    }
    rows.push(await checkStep(redis.url, namespace, settings))
    const over = await overshoot(redis.url, namespace)
    const worst = Math.max(...over)
    const bound = INSTANCES * 2 * BUDGET * LIMIT
    rows.push({
      case: `approximate mode overshoot, ${INSTANCES} instances, limit ${LIMIT}, budget ${BUDGET}`,
      baseline: `documented bound: ${bound} (2 × budget × limit per instance)`,
      ratio: worst / bound,
      format: 'percent',
      measured: `worst ${worst} over ${TRIALS} trials (${over.join(', ')})`,
      baselineMeasured: String(bound),
    })
    return {
      section: {
        id: 'limits',
        title: '9. Per-key limits',
        description:
          'An Express app with `apiKeyAuth` over RedisTokenStore, RedisRevocationList and a RedisLimiter. ' +
          'A key with a rate limit it never reaches (1e9 a minute) against a key without limits, ' +
          `alternating ${rounds} rounds of ${roundSeconds} s at ${connections} connections; medians. ` +
          `Limiter scripts per limited request counted with \`INFO commandstats\` over ${COUNTED} more requests. ` +
          'Overshoot: requests admitted beyond the limit in one window when several instances ' +
          'hammer one key in approximate mode.',
        rows,
        notes: [
          'Exact mode: one EVALSHA per limited request (one round trip), nothing for unlimited keys.',
          'Approximate mode: one EVALSHA per key in flight at a time, whatever the request rate.',
        ],
      },
      targets: [
        {
          name: 'approximate-mode limited ÷ unlimited req/s',
          measured: ratios.approximate!,
          unit: 'percent',
          goal: '≥ 95 %',
          met: ratios.approximate! >= 0.95,
        },
        {
          name: 'exact-mode Redis round trips per limited request',
          measured: perRequest.exact!,
          unit: 'count',
          goal: '1',
          met: perRequest.exact! <= 1.0001,
        },
        {
          name: 'approximate-mode overshoot (worst) ÷ documented bound',
          measured: worst / bound,
          unit: 'percent',
          goal: '≤ 100 %',
          met: worst <= bound,
        },
      ],
    }
  } finally {
    await Promise.all(servers.map(stopChild))
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}
