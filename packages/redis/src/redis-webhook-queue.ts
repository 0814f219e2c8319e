import {
  WEBHOOK_LOG_SIZE,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpointState,
  type WebhookQueue,
} from '@keyward/core'
import { assertObject } from '@keyward/core/adapter'
import { assertRedisClient, type RedisClient } from './lib/client.js'
import { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'

/** Options of {@link RedisWebhookQueue}. */
export interface RedisWebhookQueueOptions {
  /**
   * Prefix of the Redis keys (`{keyward}:webhooks:…`), as a hash tag so Redis Cluster keeps
   * them in one slot. Default `'keyward'`.
   */
  namespace?: string
  /**
   * Which queue of the namespace this instance works on (`{keyward}:<queue>:…`): 1–32
   * characters of `a-z 0-9 _`. Default `'webhooks'`; lifecycle policies keep their jobs in
   * `'policies'`.
   */
  queue?: string
}

const QUEUE_NAME = /^[a-z][a-z0-9_]{0,31}$/

/**
 * Hands out due deliveries: each one's attempt count grows by one and its due time moves to
 * the end of the lease, in one atomic step, so no other claimer sees it until then.
 * KEYS: due (zset), deliveries (hash), attempts (hash). ARGV: now, limit, lease end.
 */
const CLAIM = new LuaScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then
    local attempts = redis.call('HINCRBY', KEYS[3], id, 1)
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    out[#out + 1] = raw
    out[#out + 1] = tostring(attempts)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`)

/**
 * The {@link WebhookQueue} on Redis, shared by every instance using the same namespace and
 * kept across restarts: a sorted set of delivery ids by due time (a claim moves the due time
 * to the end of its lease, so a delivery whose claimer died comes back), a hash of bodies, a
 * capped list per endpoint for the delivery log, a hash per endpoint for its state. Takes the
 * application's ioredis client and never closes it.
 */
export class RedisWebhookQueue implements WebhookQueue {
  readonly #redis: RedisClient
  readonly #prefix: string

  constructor(redis: RedisClient, options: RedisWebhookQueueOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    this.#redis = redis
    const queue = options.queue ?? 'webhooks'
    if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
      throw new TypeError('queue must be 1-32 characters of a-z, 0-9 and _, starting with a letter')
    }
    this.#prefix = `${hashTag(options.namespace)}:${queue}`
  }

  get #keys() {
    const p = this.#prefix
    return { due: `${p}:due`, deliveries: `${p}:deliveries`, attempts: `${p}:attempts` }
  }

  async enqueue(deliveries: readonly WebhookDelivery[], now: number): Promise<void> {
    if (deliveries.length === 0) return
    const { due, deliveries: bodies } = this.#keys
    const multi = this.#redis.multi()
    for (const delivery of deliveries) {
      // NX: enqueueing an id again changes nothing (a leased one stays hidden).
      multi.hsetnx(bodies, delivery.id, JSON.stringify({ ...delivery, attempts: 0 }))
      multi.zadd(due, 'NX', now, delivery.id)
    }
    await execAll(multi)
  }

  async claim(now: number, limit: number, lease: number): Promise<WebhookDelivery[]> {
    const { due, deliveries, attempts } = this.#keys
    const reply = (await CLAIM.run(
      this.#redis,
      [due, deliveries, attempts],
      [now, limit, now + lease],
    )) as string[]
    const claimed: WebhookDelivery[] = []
    for (let i = 0; i < reply.length; i += 2) {
      claimed.push({ ...JSON.parse(reply[i]!), attempts: Number(reply[i + 1]) })
    }
    return claimed
  }

  async complete(id: string): Promise<void> {
    const { due, deliveries, attempts } = this.#keys
    await execAll(this.#redis.multi().zrem(due, id).hdel(deliveries, id).hdel(attempts, id))
  }

  async retry(id: string, dueAt: number): Promise<void> {
    // XX: a delivery completed meanwhile (by an instance whose lease outlived this one's) stays gone.
    await this.#redis.zadd(this.#keys.due, 'XX', dueAt, id)
  }

  async record(attempt: WebhookAttempt): Promise<void> {
    const log = this.#logKey(attempt.endpointId)
    await execAll(
      this.#redis
        .multi()
        .lpush(log, JSON.stringify(attempt))
        .ltrim(log, 0, WEBHOOK_LOG_SIZE - 1),
    )
  }

  async attempts(endpointId: string, limit: number): Promise<WebhookAttempt[]> {
    const entries = await this.#redis.lrange(this.#logKey(endpointId), 0, limit - 1)
    return entries.map((entry) => JSON.parse(entry) as WebhookAttempt)
  }

  async endpointState(endpointId: string): Promise<WebhookEndpointState> {
    return stateOf(await this.#redis.hgetall(this.#endpointKey(endpointId)))
  }

  async markFailure(endpointId: string, at: number): Promise<WebhookEndpointState> {
    const key = this.#endpointKey(endpointId)
    const [, fields] = await execAll(
      this.#redis.multi().hsetnx(key, 'failingSince', at).hgetall(key),
    )
    return stateOf(fields as Record<string, string>)
  }

  async markSuccess(endpointId: string): Promise<void> {
    await this.#redis.hdel(this.#endpointKey(endpointId), 'failingSince')
  }

  async disable(endpointId: string, at: number): Promise<boolean> {
    return (await this.#redis.hsetnx(this.#endpointKey(endpointId), 'disabledAt', at)) === 1
  }

  async enable(endpointId: string): Promise<void> {
    await this.#redis.del(this.#endpointKey(endpointId))
  }

  #logKey(endpointId: string): string {
    return `${this.#prefix}:log:${endpointId}`
  }

  #endpointKey(endpointId: string): string {
    return `${this.#prefix}:endpoint:${endpointId}`
  }
}

/** Runs a `MULTI`: resolves to its replies, rejects with the first command's error. */
async function execAll(multi: ReturnType<RedisClient['multi']>): Promise<unknown[]> {
  const replies = await multi.exec()
  if (!replies) throw new Error('Redis discarded the webhook queue transaction')
  return replies.map(([error, reply]) => {
    if (error) throw error
    return reply
  })
}

function stateOf(fields: Record<string, string>): WebhookEndpointState {
  const state: { failingSince?: number; disabledAt?: number } = {}
  if (fields.failingSince !== undefined) state.failingSince = Number(fields.failingSince)
  if (fields.disabledAt !== undefined) state.disabledAt = Number(fields.disabledAt)
  return state
}
