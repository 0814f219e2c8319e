import type { AuditEvent, AuditListOptions, AuditLog, AuditPage } from '@keyward/core'
import {
  type AuditPosition,
  assertObject,
  auditComesAfter,
  auditRetentionOption,
  encodeAuditCursor,
  matchesAuditQuery,
  nowOption,
  positiveIntegerOption,
  resolveAuditQuery,
  withinRetention,
} from '@keyward/core/adapter'
import { assertRedisClient, explainReplyError, type RedisClient } from './lib/client.js'
import { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'

/** Options of {@link RedisAuditLog}. Invalid values throw `TypeError('<option> must be …')`. */
export interface RedisAuditLogOptions {
  /** Prefix of every key, a Redis Cluster hash tag, as for the store. Default `'keyward'`. */
  namespace?: string
  /**
   * How long an event is kept: seconds or a duration string. Older events are trimmed on
   * every append to their owner and never listed; an owner with no event newer than this
   * leaves nothing behind (its sets expire). Default `'90d'`.
   */
  retention?: number | string
  /** Most events kept per owner (and per key); the oldest are trimmed first. Default `10_000`. */
  maxEventsPerOwner?: number
  /** The clock retention is judged by, epoch ms. Default `Date.now`. */
  now?: () => number
}

/** Length of an event id (`evt_` + 16 base62), which starts every member. */
const ID_LENGTH = 20
const ID_PATTERN = /^evt_[0-9A-Za-z]{16}$/
/** Members read per round trip when a filter may skip many. */
const SCAN_BATCH = 200
/** Round trips one page may take before it answers with fewer events and a cursor. */
const MAX_SCANS = 10

/**
 * A flush: adds each event to its sets unless an event with its id is there at its time (an
 * event appended again, such as a policy's action repeated after a crash, is kept once), then
 * trims every touched set to the retention and the newest `max`, and sets its time to live.
 */
const APPEND = new LuaScript(`
local cutoff, max, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local i = 4
while i <= #ARGV do
  local id, at, member, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local seen = false
  for _, existing in ipairs(redis.call('ZRANGEBYSCORE', KEYS[tonumber(ARGV[i + 4])], at, at)) do
    if string.sub(existing, 1, #id) == id then
      seen = true
      break
    end
  end
  if not seen then
    for j = 1, n do
      redis.call('ZADD', KEYS[tonumber(ARGV[i + 3 + j])], at, member)
    end
  end
  i = i + 4 + n
end
for _, set in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', set, '-inf', '(' .. cutoff)
  redis.call('ZREMRANGEBYRANK', set, 0, -(max + 1))
  redis.call('PEXPIRE', set, ttl)
end
return #KEYS
`)

/**
 * An {@link AuditLog} in Redis, shared by every instance on the same namespace: a sorted set
 * per owner (`{ns}:audit:o:<owner>`) and per key (`{ns}:audit:k:<owner>:<key>`), scored by
 * the event's time, each member the event id followed by its JSON, so equal times order by
 * id. A flush is one script (one round trip): the events added (one whose id is already there
 * at its time is kept once), each touched set trimmed to `retention` and `maxEventsPerOwner`
 * and given `retention` to live.
 *
 * `list` reads the key's set when `keyId` is given, else the owner's, newest first, and
 * filters `type` and `actor` as it reads: a page costs O(page) without those filters, and at
 * most {@link MAX_SCANS} round trips with them (then it answers fewer events and a cursor).
 */
export class RedisAuditLog implements AuditLog {
  readonly #redis: RedisClient
  readonly #prefix: string
  readonly #retention: number
  readonly #max: number
  readonly #now: () => number

  constructor(redis: RedisClient, options: RedisAuditLogOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    this.#redis = redis
    this.#prefix = `${hashTag(options.namespace)}:audit:`
    this.#retention = auditRetentionOption(options.retention)
    this.#max = positiveIntegerOption(options.maxEventsPerOwner, 'maxEventsPerOwner', 10_000)
    this.#now = nowOption(options.now ?? Date.now)
  }

  #ownerKey(ownerId: string): string {
    return `${this.#prefix}o:${ownerId}`
  }

  #keyKey(ownerId: string, keyId: string): string {
    return `${this.#prefix}k:${ownerId}:${keyId}`
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    const cutoff = this.#now() - this.#retention
    const kept = events.filter((event) => event.at >= cutoff)
    if (kept.length === 0) return
    // KEYS: every set touched; ARGV: the bounds, then per event its id, time, member and the
    // KEYS indexes of its sets (the owner's first).
    const sets: string[] = []
    const slot = (set: string) => {
      const at = sets.indexOf(set)
      return at >= 0 ? at + 1 : sets.push(set)
    }
    const args: (string | number)[] = [cutoff, this.#max, this.#retention]
    for (const event of kept) {
      if (!ID_PATTERN.test(event.id)) throw new TypeError('audit event id must be evt_ + 16 base62')
      const owned = [slot(this.#ownerKey(event.ownerId))]
      if (event.keyId !== undefined) owned.push(slot(this.#keyKey(event.ownerId, event.keyId)))
      args.push(event.id, event.at, event.id + JSON.stringify(event), owned.length, ...owned)
    }
    try {
      await APPEND.run(this.#redis, sets, args)
    } catch (error) {
      throw explainReplyError(error, sets.join(', '))
    }
  }

  async list(options: AuditListOptions): Promise<AuditPage> {
    const query = withinRetention(resolveAuditQuery(options), this.#now(), this.#retention)
    const set =
      query.keyId === undefined
        ? this.#ownerKey(query.ownerId)
        : this.#keyKey(query.ownerId, query.keyId)
    const upper =
      query.after !== undefined && query.after.at < query.to ? query.after.at : `(${query.to}`
    const found: AuditEvent[] = []
    let last: AuditPosition | undefined
    const batch = Math.max(query.limit + 1, query.type || query.actor ? SCAN_BATCH : 0)
    for (let scan = 0, offset = 0; scan < MAX_SCANS; scan++, offset += batch) {
      const members = await this.#read(set, upper, query.from, offset, batch)
      for (const member of members) {
        const event = this.#decode(member, set)
        if (!auditComesAfter(event, query.after)) continue
        if (found.length === query.limit) {
          // One more that matches: the page is full and another follows.
          if (matchesAuditQuery(event, query)) return this.#page(found, true)
          last = event
          continue
        }
        last = event
        if (matchesAuditQuery(event, query)) found.push(event)
      }
      if (members.length < batch) return this.#page(found, false)
    }
    // Out of round trips: what was found, and a cursor at the last event read.
    return { events: found, nextCursor: last === undefined ? null : encodeAuditCursor(last) }
  }

  #page(events: AuditEvent[], more: boolean): AuditPage {
    const last = events.at(-1)
    return { events, nextCursor: more && last !== undefined ? encodeAuditCursor(last) : null }
  }

  async #read(
    set: string,
    upper: number | string,
    lower: number,
    offset: number,
    count: number,
  ): Promise<string[]> {
    try {
      return await this.#redis.zrevrangebyscore(set, upper, lower, 'LIMIT', offset, count)
    } catch (error) {
      throw explainReplyError(error, set)
    }
  }

  /** The event a member holds; a member Keyward did not write is a `TypeError` naming the set. */
  #decode(member: string, set: string): AuditEvent {
    let event: AuditEvent | undefined
    try {
      event = JSON.parse(member.slice(ID_LENGTH)) as AuditEvent
    } catch {}
    if (
      event === undefined ||
      event === null ||
      event.id !== member.slice(0, ID_LENGTH) ||
      !Number.isSafeInteger(event.at) ||
      typeof event.type !== 'string' ||
      typeof event.ownerId !== 'string'
    ) {
      throw new TypeError(`Redis key ${set} holds an audit event Keyward did not write`)
    }
    return event
  }
}
