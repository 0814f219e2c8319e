import type {
  UsageAddress,
  UsageBackend,
  UsageBatch,
  UsageBucket,
  UsageGranularity,
  UsageOutcomes,
  UsageWhereFrom,
} from '@keyward/core'
import { assertObject } from '@keyward/core/adapter'
import { assertRedisClient, type RedisClient } from './lib/client.js'
import { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'

/** Options of {@link RedisUsageBackend}. Invalid values throw `TypeError('<option> must be …')`. */
export interface RedisUsageBackendOptions {
  /** Prefix of every key, a Redis Cluster hash tag, as for the store. Default `'keyward'`. */
  namespace?: string
}

const WIDTHS: Readonly<Record<UsageGranularity, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}
const SHORT: Readonly<Record<UsageGranularity, string>> = { minute: 'm', hour: 'h', day: 'd' }
const RECENT_ADDRESSES = 5

// KEYS: every key the flush touches. ARGV[1]: the batch as JSON, each operation naming its
// keys by their index in KEYS. One script per flush: one round trip, applied atomically.
//   c: [bucket, index, outcome, count, start, expireAt]  counts, added
//   p: [index, cutoff]                                   index entries before cutoff, dropped
//   l: [last, at, ip, userAgent, expireAt]                last use, kept when newer
//   a: [ips, firsts, ip, firstSeen, lastSeen, expireAt]  addresses, then trimmed to the newest 5
const WRITE = new LuaScript(`
local batch = cjson.decode(ARGV[1])
for _, c in ipairs(batch.c) do
  redis.call('HINCRBY', KEYS[c[1]], c[3], c[4])
  redis.call('PEXPIREAT', KEYS[c[1]], c[6])
  redis.call('ZADD', KEYS[c[2]], c[5], c[5])
  redis.call('PEXPIREAT', KEYS[c[2]], c[6])
end
for _, p in ipairs(batch.p) do
  redis.call('ZREMRANGEBYSCORE', KEYS[p[1]], '-inf', '(' .. p[2])
end
for _, l in ipairs(batch.l) do
  local stored = tonumber(redis.call('HGET', KEYS[l[1]], 'at'))
  if stored == nil or stored < l[2] then
    redis.call('DEL', KEYS[l[1]])
    redis.call('HSET', KEYS[l[1]], 'at', l[2])
    if l[3] ~= '' then redis.call('HSET', KEYS[l[1]], 'ip', l[3]) end
    if l[4] ~= '' then redis.call('HSET', KEYS[l[1]], 'ua', l[4]) end
  end
  redis.call('PEXPIREAT', KEYS[l[1]], l[5])
end
for _, a in ipairs(batch.a) do
  local last = tonumber(redis.call('ZSCORE', KEYS[a[1]], a[3]))
  if last == nil or last < a[5] then redis.call('ZADD', KEYS[a[1]], a[5], a[3]) end
  local first = tonumber(redis.call('HGET', KEYS[a[2]], a[3]))
  if first == nil or first > a[4] then redis.call('HSET', KEYS[a[2]], a[3], a[4]) end
  local dropped = redis.call('ZRANGE', KEYS[a[1]], 0, -${RECENT_ADDRESSES + 1})
  for _, ip in ipairs(dropped) do
    redis.call('ZREM', KEYS[a[1]], ip)
    redis.call('HDEL', KEYS[a[2]], ip)
  end
  redis.call('PEXPIREAT', KEYS[a[1]], a[6])
  redis.call('PEXPIREAT', KEYS[a[2]], a[6])
end
return 1
`)

/**
 * A {@link UsageBackend} in Redis, shared by every instance on the same namespace. Per key and
 * granularity, a hash per bucket (`{ns}:usage:b:<m|h|d>:<key>:<start>`, outcome → count) and a
 * sorted set of bucket starts (`{ns}:usage:i:<m|h|d>:<key>`); per key, a hash of the last use
 * (`{ns}:usage:last:<key>`) and a sorted set of its last 5 addresses by last seen with a hash of
 * their first seen. A flush is one script (one round trip). Retention: each bucket expires
 * with its retention (`PEXPIREAT`), and index entries before the cut-off are dropped by the
 * flushes that write to that key; the last use and addresses live for the days' retention.
 */
export class RedisUsageBackend implements UsageBackend {
  readonly #redis: RedisClient
  readonly #prefix: string

  constructor(redis: RedisClient, options: RedisUsageBackendOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    this.#redis = redis
    this.#prefix = `${hashTag(options.namespace)}:usage:`
  }

  #bucket(granularity: UsageGranularity, keyId: string, start: number): string {
    return `${this.#prefix}b:${SHORT[granularity]}:${keyId}:${start}`
  }

  #index(granularity: UsageGranularity, keyId: string): string {
    return `${this.#prefix}i:${SHORT[granularity]}:${keyId}`
  }

  async write(batch: UsageBatch): Promise<void> {
    const keys: string[] = []
    const slots = new Map<string, number>()
    const slot = (key: string) => {
      let index = slots.get(key)
      if (index === undefined) {
        keys.push(key)
        index = keys.length
        slots.set(key, index)
      }
      return index
    }
    const now = Date.now()
    // A bucket lives as long as its granularity is kept: its end plus the retention.
    const lives = (granularity: UsageGranularity) => now - batch.pruneBefore[granularity]
    const keepWhereFrom = now + lives('day')
    const operations = {
      c: [] as unknown[],
      p: [] as unknown[],
      l: [] as unknown[],
      a: [] as unknown[],
    }
    const indexes = new Map<number, number>()
    for (const { keyId, granularity, start, outcome, count } of batch.counts) {
      // Every granularity of a key written to is pruned, not only the one written.
      for (const kept of ['minute', 'hour', 'day'] as const) {
        indexes.set(slot(this.#index(kept, keyId)), batch.pruneBefore[kept])
      }
      const index = slot(this.#index(granularity, keyId))
      const expireAt = start + WIDTHS[granularity] + lives(granularity)
      operations.c.push([
        slot(this.#bucket(granularity, keyId, start)),
        index,
        outcome,
        count,
        start,
        expireAt,
      ])
    }
    for (const [index, cutoff] of indexes) operations.p.push([index, cutoff])
    for (const { keyId, at, ip, userAgent } of batch.lastUses) {
      operations.l.push([
        slot(`${this.#prefix}last:${keyId}`),
        at,
        ip ?? '',
        userAgent ?? '',
        keepWhereFrom,
      ])
    }
    for (const { keyId, ip, firstSeen, lastSeen } of batch.addresses) {
      operations.a.push([
        slot(`${this.#prefix}ips:${keyId}`),
        slot(`${this.#prefix}first:${keyId}`),
        ip,
        firstSeen,
        lastSeen,
        keepWhereFrom,
      ])
    }
    if (keys.length === 0) return
    await WRITE.run(this.#redis, keys, [JSON.stringify(operations)])
  }

  async buckets(
    keyId: string,
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<UsageBucket[]> {
    return (await this.#read([keyId], granularity, from, to)).get(keyId) ?? []
  }

  async totals(
    keyIds: readonly string[],
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<Map<string, UsageOutcomes>> {
    const totals = new Map<string, UsageOutcomes>()
    for (const [keyId, buckets] of await this.#read(keyIds, granularity, from, to)) {
      const sum: Record<string, number> = {}
      for (const { outcomes } of buckets) {
        for (const [outcome, count] of Object.entries(outcomes)) {
          sum[outcome] = (sum[outcome] ?? 0) + (count ?? 0)
        }
      }
      totals.set(keyId, sum)
    }
    return totals
  }

  /** The buckets of each key in the range: the indexes in one round trip, the buckets in another. */
  async #read(
    keyIds: readonly string[],
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<Map<string, UsageBucket[]>> {
    const found = new Map<string, UsageBucket[]>()
    if (keyIds.length === 0) return found
    const indexes = this.#redis.pipeline()
    for (const keyId of keyIds)
      indexes.zrangebyscore(this.#index(granularity, keyId), from, `(${to}`)
    const starts = (await indexes.exec()) ?? []
    const reads = this.#redis.pipeline()
    const wanted: [string, number][] = []
    starts.forEach(([error, members], n) => {
      if (error) throw error
      for (const member of members as string[]) {
        wanted.push([keyIds[n]!, Number(member)])
        reads.hgetall(this.#bucket(granularity, keyIds[n]!, Number(member)))
      }
    })
    if (wanted.length === 0) return found
    const buckets = (await reads.exec()) ?? []
    buckets.forEach(([error, fields], n) => {
      if (error) throw error
      const [keyId, start] = wanted[n]!
      const outcomes: Record<string, number> = {}
      for (const [outcome, count] of Object.entries(fields as Record<string, string>)) {
        outcomes[outcome] = Number(count)
      }
      // A bucket that expired before its index entry was dropped is no bucket.
      if (Object.keys(outcomes).length === 0) return
      const list = found.get(keyId) ?? []
      list.push({ start, outcomes })
      found.set(keyId, list)
    })
    for (const list of found.values()) list.sort((a, b) => a.start - b.start)
    return found
  }

  async whereFrom(keyIds: readonly string[]): Promise<Map<string, UsageWhereFrom>> {
    const found = new Map<string, UsageWhereFrom>()
    if (keyIds.length === 0) return found
    const reads = this.#redis.pipeline()
    for (const keyId of keyIds) {
      reads.hgetall(`${this.#prefix}last:${keyId}`)
      reads.zrevrange(`${this.#prefix}ips:${keyId}`, 0, RECENT_ADDRESSES - 1, 'WITHSCORES')
      reads.hgetall(`${this.#prefix}first:${keyId}`)
    }
    const replies = (await reads.exec()) ?? []
    for (const [error] of replies) if (error) throw error
    keyIds.forEach((keyId, n) => {
      const last = replies[3 * n]![1] as Record<string, string>
      const ips = replies[3 * n + 1]![1] as string[]
      const firsts = replies[3 * n + 2]![1] as Record<string, string>
      const recentIps: UsageAddress[] = []
      for (let i = 0; i < ips.length; i += 2) {
        const ip = ips[i]!
        const lastSeen = Number(ips[i + 1])
        recentIps.push({ ip, firstSeen: Number(firsts[ip] ?? lastSeen), lastSeen })
      }
      const lastUse =
        last.at === undefined
          ? undefined
          : {
              at: Number(last.at),
              ...(last.ip !== undefined && { ip: last.ip }),
              ...(last.ua !== undefined && { userAgent: last.ua }),
            }
      if (lastUse === undefined && recentIps.length === 0) return
      found.set(keyId, { lastUse, recentIps })
    })
    return found
  }
}
