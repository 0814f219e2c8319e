/**
 * Case 14: usage per key (issue 23). `check()` with usage on (counted in memory, flushed every
 * 5 s to Redis) against usage off, in alternating batches of the same run; the backend
 * commands sent per verified request over 10 000 requests on Redis and on PostgreSQL (store and
 * usage backend on a counting client: the goal is 0); and what one flush costs.
 */
import {
  createKeyward,
  type Keyward,
  type RevocationList,
  type TokenStore,
  type UsageBackend,
} from '@keyward/core'
import {
  migrate,
  PostgresRevocationList,
  PostgresTokenStore,
  PostgresUsageBackend,
} from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore, RedisUsageBackend } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { compare } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import { keywardWithKey, microRow } from './verify.js'

/** `check()` may cost at most this much more with usage on. */
const GOAL = 1.05
const REQUESTS = 10_000
/** Keys used between two flushes when a flush is timed. */
const FLUSHED_KEYS = 100
const FLUSHES: Record<BenchSettings['mode'], number> = { quick: 10, full: 40 }

/** A proxy of `target` counting the calls to `methods` (the commands or statements sent). */
function counting<T extends object>(target: T, methods: ReadonlySet<string>) {
  const count = { calls: 0 }
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (methods.has(String(property))) count.calls++
        return value.apply(object, args)
      }
    },
  })
  return { proxy, count }
}

/** Redis client methods that send a command (or a pipeline / script) to the server. */
const REDIS_SENDS = new Set([
  'get',
  'hget',
  'hgetall',
  'hset',
  'hincrby',
  'zadd',
  'zrangebyscore',
  'zrevrange',
  'eval',
  'evalsha',
  'multi',
  'pipeline',
  'exec',
  'call',
  'sendCommand',
  'smembers',
  'zscore',
  'time',
])

interface Measured {
  commandsPerRequest: number
  flushMs: number
  commandsPerFlush: number
}

/**
 * 10 000 verifications (`verify()`, awaited one by one, so background work gets its turns)
 * on a warm instance, counting what the store and usage backend send; then the cost of one
 * flush of {@link FLUSHED_KEYS} keys, averaged over several.
 */
async function measure(
  parts: { store: TokenStore; revocations: RevocationList; usage: UsageBackend },
  count: { calls: number },
  flushes: number,
): Promise<Measured> {
  const keyward: Keyward = createKeyward({
    prefix: 'kw_live',
    store: parts.store,
    revocations: parts.revocations,
    usage: { backend: parts.usage },
    onError: () => {},
  })
  try {
    await keyward.ready()
    const tokens: string[] = []
    for (let n = 0; n < FLUSHED_KEYS; n++) {
      const { token } = await keyward.keys.create({
        name: `u${n}`,
        ownerId: 'org_bench',
        scopes: [],
        expiresIn: '1d',
      })
      tokens.push(token)
      await keyward.verify(token)
    }
    await keyward.usage!.flush()
    const before = count.calls
    for (let n = 0; n < REQUESTS; n++) {
      await keyward.verify(tokens[n % tokens.length]!, { clientIp: '203.0.113.7' })
    }
    const commandsPerRequest = (count.calls - before) / REQUESTS
    let elapsed = 0
    let commands = 0
    for (let round = 0; round < flushes; round++) {
      for (const token of tokens) keyward.check(token, undefined, 1, '203.0.113.7', 'curl/8.5')
      const start = count.calls
      const t0 = performance.now()
      await keyward.usage!.flush()
      elapsed += performance.now() - t0
      commands += count.calls - start
    }
    return { commandsPerRequest, flushMs: elapsed / flushes, commandsPerFlush: commands / flushes }
  } finally {
    await keyward.close()
  }
}

function countRow(name: string, measured: Measured): Row {
  return {
    case: `${name}: backend commands per verified request (${REQUESTS} requests)`,
    baseline: 'goal',
    ratio: null,
    format: 'times',
    measured: String(measured.commandsPerRequest),
    baselineMeasured: '0',
  }
}

function flushRow(name: string, measured: Measured): Row {
  return {
    case: `${name}: one flush of ${FLUSHED_KEYS} keys (minute, hour, day buckets, last use, address)`,
    baseline: 'commands per flush',
    ratio: null,
    format: 'times',
    measured: `${measured.flushMs.toFixed(2)} ms`,
    baselineMeasured: String(measured.commandsPerFlush),
  }
}

/** Case 14. */
export async function usageCase(settings: BenchSettings): Promise<CaseResult> {
  const on = await keywardWithKey()
  const off = await keywardWithKey({ usage: false })
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_usage_${process.pid}_${Date.now().toString(36)}`
  const client = new Redis(redis.url)
  const listClient = new Redis(redis.url)
  const schema = `kwbench_usage_${process.pid}_${Date.now().toString(36)}`
  const admin = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 })
  try {
    await on.keyward.verify(on.token)
    await off.keyward.verify(off.token)
    const comparison = await compare(
      {
        name: 'check, usage on',
        run: () => on.keyward.check(on.token, undefined, 1, '203.0.113.7', 'curl/8.5'),
      },
      {
        name: 'check, usage off',
        run: () => off.keyward.check(off.token, undefined, 1, '203.0.113.7', 'curl/8.5'),
      },
      settings.micro,
    )
    const redisCounted = counting(client, REDIS_SENDS)
    const onRedis = await measure(
      {
        store: new RedisTokenStore(redisCounted.proxy, { namespace }),
        revocations: new RedisRevocationList(listClient, { namespace }),
        usage: new RedisUsageBackend(redisCounted.proxy, { namespace }),
      },
      redisCounted.count,
      FLUSHES[settings.mode],
    )
    await migrate(admin, { schema })
    const pgCounted = counting(admin, new Set(['query']))
    const onPostgres = await measure(
      {
        store: new PostgresTokenStore(pgCounted.proxy, { schema }),
        revocations: new PostgresRevocationList(admin, { schema }),
        usage: new PostgresUsageBackend(pgCounted.proxy, { schema }),
      },
      pgCounted.count,
      FLUSHES[settings.mode],
    )
    const rows: Row[] = [
      microRow('check() — cache hit, usage on', comparison, 'counted in memory, flushed every 5 s'),
      countRow('Redis', onRedis),
      countRow('PostgreSQL', onPostgres),
      flushRow('Redis', onRedis),
      flushRow('PostgreSQL', onPostgres),
    ]
    return {
      section: {
        id: 'usage',
        title: '14. Usage per key',
        description:
          '`check()` on a cache hit with usage on (a client address and user agent given) ' +
          'against usage off, in alternating batches of the same run; then 10 000 `verify()` ' +
          'calls on a warm instance whose store and usage backend send through a counting ' +
          'client (Redis, then PostgreSQL), and the time and commands of one flush of 100 keys.',
        rows,
        notes: [],
      },
      targets: [
        {
          name: 'check() with usage on ÷ off',
          measured: comparison.ratio,
          unit: 'times',
          goal: `≤ ${GOAL.toFixed(2)}×`,
          met: comparison.ratio <= GOAL,
        },
        {
          name: 'Redis commands per verified request, usage on',
          measured: onRedis.commandsPerRequest,
          unit: 'count',
          goal: '0',
          met: onRedis.commandsPerRequest === 0,
        },
        {
          name: 'PostgreSQL statements per verified request, usage on',
          measured: onPostgres.commandsPerRequest,
          unit: 'count',
          goal: '0',
          met: onPostgres.commandsPerRequest === 0,
        },
        {
          name: 'usage write per flush (100 keys), Redis / PostgreSQL',
          measured: onRedis.flushMs,
          unit: 'ms',
          goal: 'reported',
          met: null,
          note: `Redis ${onRedis.flushMs.toFixed(2)} ms in ${onRedis.commandsPerFlush} command; PostgreSQL ${onPostgres.flushMs.toFixed(2)} ms in ${onPostgres.commandsPerFlush} statement`,
        },
      ],
    }
  } finally {
    await on.keyward.close()
    await off.keyward.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await admin.end()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    listClient.disconnect()
    await redis.stop()
  }
}
