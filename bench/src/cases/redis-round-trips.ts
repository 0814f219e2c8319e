import { createKeyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { nextMessage, request, startChild, stopChild } from '../child.js'
import { load } from '../load.js'
import { type Comparison, compare } from '../micro.js'
import { benchRedis, callsBetween, commandCalls, deleteNamespace } from '../redis-server.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import { countTouches } from '../touch-counter.js'
import { microRow } from './verify.js'

interface Key {
  type: 'key'
  id: string
  token: string
}
interface Touches {
  type: 'touches'
  count: number
}

/** Commands that are not requests' own: our INFO snapshots and the subscribers' heartbeats. */
const HOUSEKEEPING = new Set(['info', 'ping'])

const sum = (calls: Map<string, number>, include: (command: string) => boolean) =>
  [...calls].reduce((total, [command, n]) => (include(command) ? total + n : total), 0)

const describe = (calls: Map<string, number>) =>
  [...calls].map(([command, n]) => `${command} ${n}`).join(', ') || 'none'

interface Measured {
  requests: number
  /** Commands the requests caused: everything but housekeeping and touch writes. */
  hotPath: number
  touches: number
  touchCommands: number
  /** Commands one touch write costs, measured alone. */
  perTouch: number
  housekeeping: number
  calls: Map<string, number>
}

interface Miss {
  comparison: Comparison
  /**
   * A bare `HGETALL` of the record against the same bare `GET`: what DESIGN's layout (a hash
   * per key) costs to read at all, before any pipeline work.
   */
  layout: Comparison
  /** Commands the counted misses sent over the connection, touch writes taken out. */
  commands: number
  misses: number
  /** What the server ran meanwhile (`INFO commandstats`), commands inside scripts included. */
  calls: Map<string, number>
}

/** Counts the commands `client` sends (round trips) while `action` runs. */
async function commandsSentBy(client: Redis, action: () => Promise<void>): Promise<number> {
  let sent = 0
  const send = client.sendCommand
  client.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    sent++
    return send.apply(this, args)
  }
  try {
    await action()
  } finally {
    client.sendCommand = send
  }
  return sent
}

/**
 * A `verify()` that misses the cache (`cache.max 0`, so every call reads the store) against a
 * bare `GET` of the key's hash index on the same connection, in alternating batches; then the
 * commands a run of misses sends over that connection are counted. `INFO commandstats` counts
 * the commands a script runs too, so it tells what the server did, not the round trips.
 */
async function measureMiss(url: string, namespace: string, settings: BenchSettings): Promise<Miss> {
  const redis = new Redis(url)
  const store = new RedisTokenStore(redis, { namespace })
  const touches = countTouches(store)
  const keyward = createKeyward({
    prefix: 'kw_live',
    store,
    revocations: new RedisRevocationList(redis, { namespace }),
    cache: { max: 0 },
  })
  try {
    await keyward.ready()
    const { token, key } = await keyward.keys.create({
      name: 'miss',
      ownerId: 'org_bench',
      scopes: [],
      expiresIn: '1h',
    })
    const indexKey = `{${namespace}}:hash:${(await store.get(key.id))?.hash}`
    if ((await redis.get(indexKey)) !== key.id) throw new Error(`no hash index at ${indexKey}`)
    const comparison = await compare(
      { name: 'keyward.verify, cache.max 0', run: () => keyward.verify(token) },
      { name: 'bare GET of the hash index, same connection', run: () => redis.get(indexKey) },
      { ...settings.micro, batchMs: Math.max(settings.micro.batchMs, 100) },
    )
    const recordKey = `{${namespace}}:key:${key.id}`
    const layout = await compare(
      { name: 'bare HGETALL of the record', run: () => redis.hgetall(recordKey) },
      { name: 'bare GET of the hash index, same connection', run: () => redis.get(indexKey) },
      { ...settings.micro, batchMs: Math.max(settings.micro.batchMs, 100) },
    )
    const misses = 1_000
    const touchesBefore = touches()
    const before = await commandCalls(redis)
    const sent = await commandsSentBy(redis, async () => {
      for (let i = 0; i < misses; i++) await keyward.verify(token)
    })
    const calls = callsBetween(before, await commandCalls(redis))
    const commands = sent - (touches() - touchesBefore)
    return { comparison, layout, commands, misses, calls }
  } finally {
    await keyward.close()
    redis.disconnect()
  }
}

/**
 * Case 5: Redis commands per verified request on a RedisTokenStore + RedisRevocationList
 * server after warm-up, from `INFO commandstats` around a load window; against the same
 * server with the verification cache off (`cache.max 0`): a store lookup per request.
 */
export async function redisRoundTripsCase(settings: BenchSettings): Promise<CaseResult> {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_rt_${process.pid}_${Date.now()}`
  const client = new Redis(redis.url)
  const servers: ReturnType<typeof startChild>[] = []

  const start = async (cacheMax: number) => {
    const server = startChild('src/servers/redis-app.ts', [
      redis.url,
      `${namespace}_${cacheMax}`,
      String(cacheMax),
    ])
    servers.push(server)
    const { port } = await nextMessage<{ type: 'ready'; port: number }>(server, 'ready')
    return { server, port }
  }

  const measure = async ({
    server,
    port,
  }: Awaited<ReturnType<typeof start>>): Promise<Measured> => {
    const { id, token } = await request<Key>(server, { type: 'create-key' }, 'key')
    const url = `http://127.0.0.1:${port}/v1/projects`
    const headers = { authorization: `Bearer ${token}` }
    const warm = await autocannon({
      url,
      headers,
      amount: settings.redisRoundTrips.warmupRequests,
      connections: 8,
    })
    if (warm['2xx'] !== settings.redisRoundTrips.warmupRequests)
      throw new Error('warm-up requests failed')

    // Commands of one touch write, so the background writes can be taken out of the window.
    const beforeTouch = await commandCalls(client)
    await request(server, { type: 'touch', id }, 'touched')
    const touchCommands = sum(
      callsBetween(beforeTouch, await commandCalls(client)),
      (c) => !HOUSEKEEPING.has(c),
    )

    const touchesBefore = (await request<Touches>(server, { type: 'touches' }, 'touches')).count
    const before = await commandCalls(client)
    const result = await load(url, {
      seconds: settings.redisRoundTrips.windowSeconds,
      connections: settings.http.connections,
      pipelining: settings.http.pipelining,
      headers,
    })
    const after = await commandCalls(client)
    const touches =
      (await request<Touches>(server, { type: 'touches' }, 'touches')).count - touchesBefore
    if (result.failures > 0) throw new Error(`${result.failures} requests failed`)
    const calls = callsBetween(before, after)
    const housekeeping = sum(calls, (c) => HOUSEKEEPING.has(c))
    const requestsOwn = sum(calls, (c) => !HOUSEKEEPING.has(c)) - touches * touchCommands
    return {
      requests: result.requests,
      hotPath: requestsOwn,
      touches,
      touchCommands: touches * touchCommands,
      perTouch: touchCommands,
      housekeeping,
      calls,
    }
  }

  try {
    const [withCache, withoutCache] = await Promise.all([start(10_000), start(0)])
    const cached = await measure(withCache)
    const uncached = await measure(withoutCache)
    const miss = await measureMiss(redis.url, `${namespace}_miss`, settings)
    const perMiss = miss.commands / miss.misses
    const perRequest = (m: Measured) => m.hotPath / m.requests
    const row: Row = {
      case: 'commands per request, default cache, after warm-up',
      baseline: 'same server with cache.max 0 (a store lookup per request)',
      ratio: perRequest(uncached) > 0 ? perRequest(cached) / perRequest(uncached) : null,
      format: 'times',
      measured: `${perRequest(cached).toFixed(4)} (${cached.hotPath} over ${cached.requests} requests)`,
      baselineMeasured: `${perRequest(uncached).toFixed(3)} (${uncached.hotPath} over ${uncached.requests} requests)`,
      note: `background, not counted: ${cached.touches} touch writes (${cached.touchCommands} commands), ${cached.housekeeping} INFO/PING`,
      raw: {
        cached: { ...cached, calls: Object.fromEntries(cached.calls) },
        uncached: { ...uncached, calls: Object.fromEntries(uncached.calls) },
      },
    }
    const missRow = microRow(
      'verify() missing the cache (one script reading index and record)',
      miss.comparison,
      `commands per miss ${perMiss.toFixed(2)} (${miss.commands} sent over ${miss.misses} misses, touch writes taken out; the server ran ${describe(miss.calls)}, the script's own reads included)`,
    )
    const layoutRow = microRow(
      'bare HGETALL of the record (the read a hash per key needs, no pipeline)',
      miss.layout,
      'what the cache-miss row cannot go below while a record is a Redis hash',
    )
    const measured = perRequest(cached)
    return {
      section: {
        id: 'redis-round-trips',
        title: '5. Redis round trips per verified request',
        description:
          'An Express app with `apiKeyAuth` over RedisTokenStore and RedisRevocationList, warmed up with ' +
          `${settings.redisRoundTrips.warmupRequests} requests, then loaded for ` +
          `${settings.redisRoundTrips.windowSeconds} s; Redis commands counted by \`INFO commandstats\` ` +
          'before and after the window. Background writes are reported, not counted: `lastUsedAt` touches ' +
          '(counted in the app, times the commands one touch costs, measured alone) and the revocation ' +
          "subscriber's heartbeat PINGs. The cache-miss row times `verify()` in this process with " +
          '`cache.max 0` (a RedisTokenStore lookup per call) against a bare `GET` of the same ' +
          "key's hash index on the same connection, alternating batches; its commands per miss are " +
          'those sent on that connection over 1 000 further misses (`INFO commandstats` also ' +
          'counts the reads a script makes, so it cannot tell round trips). The last row times a bare ' +
          '`HGETALL` of the same record against the same `GET`: the floor a record stored as a hash ' +
          '(DESIGN.md) sets for any cache-miss lookup.',
        rows: [row, missRow, layoutRow],
        notes: [
          `Commands in the window, default cache: ${describe(cached.calls)}. One touch write costs ${cached.perTouch} command(s); it happens at most once a minute per key.`,
          `Commands in the window, cache.max 0: ${describe(uncached.calls)}.`,
          redis.private
            ? `Redis: a private redis-server (${redis.url}), so only this run's commands are counted.`
            : `Redis: the shared server (${redis.url}); other clients' commands may be counted too.`,
        ],
      },
      targets: [
        {
          name: 'Redis round trips per request (hot path)',
          measured,
          unit: 'count',
          goal: '0',
          met: measured < 0.001,
        },
        {
          name: 'Redis cache-miss verify ÷ bare GET',
          measured: miss.comparison.ratio,
          unit: 'times',
          goal: '≤ 1.25×',
          met: miss.comparison.ratio <= 1.25,
        },
        {
          name: 'Redis commands per cache miss',
          measured: perMiss,
          unit: 'count',
          goal: '1',
          met: perMiss === 1,
        },
      ],
    }
  } finally {
    await Promise.all(servers.map(stopChild))
    if (!redis.private) {
      await deleteNamespace(redis.url, `${namespace}_10000`)
      await deleteNamespace(redis.url, `${namespace}_0`)
      await deleteNamespace(redis.url, `${namespace}_miss`)
    }
    client.disconnect()
    await redis.stop()
  }
}
