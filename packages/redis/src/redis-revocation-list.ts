import { type RevocationList, type RevocationSnapshot, UnavailableError } from '@keyward/core'
import {
  assertObject,
  decodeRevocationMessage,
  encodeRevocationMessage,
  fromBackend,
  type MirrorFreshness,
  type MirrorReading,
  type RevocationChange,
  type RevocationEvent,
  RevocationMirror,
  type RevocationState,
  type RevocationSubject,
  revocationChange,
  revocationEventOf,
} from '@keyward/core/adapter'
import {
  assertRedisClient,
  duplicateClient,
  explainReplyError,
  isReady,
  type RedisClient,
} from './lib/client.js'
import type { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'
import { redisTime } from './lib/redis-time.js'
import { RESUME, REVOKE, REVOKE_ALL, REVOKE_OWNER, SUSPEND } from './lib/revocation-scripts.js'

/** Options of {@link RedisRevocationList}. Invalid values throw `TypeError('<option> must be …')`. */
export interface RedisRevocationListOptions {
  /**
   * Prefix of every key and of the channel, used as a Redis Cluster hash tag
   * (`{keyward}:revoked`). Must match the namespace of every instance that should share
   * revocations. 1–64 characters of `A-Z a-z 0-9 _ . : -`. Default `'keyward'`.
   */
  namespace?: string
  /**
   * How long, in ms, `isRevoked` keeps answering from the mirror after its last confirmed
   * contact with Redis (see {@link RedisRevocationList.lastContact}). Past it, `isRevoked`
   * throws an `UnavailableError`, so `verify` answers 503 rather than trusting a mirror that
   * may miss revocations. Counted from the last confirmation, not from when a lost connection
   * is noticed, and judged on every call even while the connections still look up: a link
   * that died silently fails closed `maxStaleness` after its last answer. A positive integer.
   * Default `10_000`.
   */
  maxStaleness?: number
  /**
   * What `isRevoked` does once the mirror is older than `maxStaleness`: `'fail'` throws
   * `UnavailableError` (fail closed); `'allow'` keeps answering from the stale mirror, so
   * keys revoked meanwhile on other instances keep working here until Redis is back.
   * Before the first load there is no mirror, and `isRevoked` throws either way.
   * Default `'fail'`.
   */
  onStale?: 'fail' | 'allow'
  /**
   * How often, in ms, the subscriber connection is pinged while the mirror is fresh. Each
   * answered ping confirms contact as of the moment it was sent, which is what keeps the
   * mirror usable while the channel is quiet; a ping still unanswered at the next beat
   * counts as a lost connection, and the subscriber reconnects (then reloads everything).
   * Must be a positive integer below `maxStaleness` (there is no way to turn it off: without
   * it nothing confirms contact while nobody revokes anything); at most half of it leaves
   * room for a slow answer. Default: `5_000`, or half of `maxStaleness` when that is less.
   */
  heartbeatInterval?: number
  /**
   * The clock for staleness and for pruning ids of expired keys, epoch ms: the one whose
   * readings callers pass to `isRevoked` as `at` (give Keyward the same `now`). It is not the
   * shared clock of {@link RedisRevocationList.time}. Default `Date.now`.
   */
  now?: () => number
  /**
   * Receives failures that reach no caller: a reload that failed (it is retried while
   * connected, after at most 400 ms), a message on the channel that could not be read (it
   * triggers a reload), a subscriber that threw. Connection errors are not reported here:
   * they show in freshness, and on the caller's own client. Default: `console.error`.
   */
  onError?: (error: unknown) => void
}

const epoch = (value: string, where: string): number => {
  const number = Number(value)
  if (value === '' || !Number.isFinite(number)) {
    throw new TypeError(
      `revocation state at Redis key ${where} is corrupt: "${value.slice(0, 40)}" is not a number`,
    )
  }
  return number
}

/**
 * A {@link RevocationList} shared through Redis, for several processes.
 *
 * Durable state lives in Redis: a sorted set of revoked ids scored by their key's expiry
 * (`{ns}:revoked`, pruned as it goes), a sorted set of suspended ids scored the same way
 * (`{ns}:suspended`: `resume` removes the entry, and only entries of keys expired by now are
 * pruned), a hash of owner epochs (`{ns}:owner_epochs`) and the global epoch
 * (`{ns}:global_epoch`). Every write is a Lua script that changes the state and publishes on
 * `{ns}:revocations` atomically; the writing instance updates its own mirror at once too.
 * Suspensions travel the same way as revocations, with the same staleness, and since a resume
 * lifts one, every instance applies them in the order Redis ran the scripts.
 *
 * Each instance keeps a mirror in memory (core's `RevocationMirror`), so `isRevoked` never
 * waits on the network. The mirror is loaded by `ready()` (or as soon as both connections
 * are up), kept current from the channel, and reloaded completely after any reconnect of
 * either connection, because messages published meanwhile are lost; subscribers then get
 * `{ type: 'reset' }` so caches drop everything.
 *
 * Staleness is judged from the last confirmed contact ({@link RedisRevocationList.lastContact}):
 * `isRevoked` answers from the mirror until `maxStaleness` ms after it, then throws
 * `UnavailableError` (unless `onStale: 'allow'`), whether or not a lost connection has been
 * noticed yet. The heartbeat confirms contact every `heartbeatInterval` while all is well.
 *
 * `time()` reads Redis `TIME`, the clock every instance shares, from which Keyward takes
 * keys' `createdAt` and revoke-all epochs.
 *
 * Takes the caller's ioredis `Redis` or `Cluster` for reads and writes; the only
 * connection it opens is the subscriber, `redis.duplicate()`, and `close()` closes only that.
 * The subscriber, which also carries the heartbeat, reconnects on its own short schedule
 * (50 ms doubling to at most 400 ms, jittered); the caller's client reconnects on the
 * caller's, and the mirror is reloaded once both are up, so give that client a short
 * `retryStrategy` too (see the package README).
 */
export class RedisRevocationList implements RevocationList {
  /** The namespace every key and the channel of this list live under. */
  readonly namespace: string
  readonly #redis: RedisClient
  readonly #subscriber: RedisClient
  readonly #keys: {
    revoked: string
    suspended: string
    ownerEpochs: string
    globalEpoch: string
    channel: string
  }
  readonly #origin = crypto.randomUUID()
  /** This list's suspension writes in flight, by the origin they announce under: heard back yet? */
  readonly #inFlight = new Map<string, boolean>()
  #writes = 0
  readonly #mirror: RevocationMirror
  #loading: Promise<void> | undefined
  #closed = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Reloads that failed in a row while connected: how long the next retry waits. */
  #failedReloads = 0

  readonly #onConnect = () => {
    if (!this.#closed && isReady(this.#redis) && isReady(this.#subscriber))
      this.#reloadInBackground()
  }
  readonly #onDisconnect = () => this.#mirror.lost()
  readonly #onMessage = (channel: string, text: string) => this.#received(channel, text)

  constructor(redis: RedisClient, options: RedisRevocationListOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    const tag = hashTag(options.namespace)
    this.namespace = tag.slice(1, -1)
    this.#keys = {
      revoked: `${tag}:revoked`,
      suspended: `${tag}:suspended`,
      ownerEpochs: `${tag}:owner_epochs`,
      globalEpoch: `${tag}:global_epoch`,
      channel: `${tag}:revocations`,
    }
    this.#mirror = new RevocationMirror(options, 'Redis')

    this.#redis = redis
    // Its own reconnect schedule, not the caller's: a short capped backoff, so the mirror is
    // reloaded within moments of Redis coming back (ioredis's default waits up to 2 s).
    this.#subscriber = duplicateClient(redis, RevocationMirror.reconnectDelay)
    // Connection errors show as lost freshness; ioredis would otherwise print each one.
    this.#subscriber.on('error', () => {})
    this.#subscriber.on('ready', this.#onConnect)
    this.#subscriber.on('close', this.#onDisconnect)
    this.#subscriber.on('message', this.#onMessage)
    redis.on('ready', this.#onConnect)
    redis.on('close', this.#onDisconnect)
    // Redis answers a PING on the subscriber connection after every message it published
    // before it, so an answered ping proves all of those arrived. A silent link is dropped,
    // and ioredis reconnects it (then everything is reloaded).
    this.#mirror.startHeartbeat(
      () => this.#subscriber.ping(),
      () => this.#subscriber.disconnect(true),
    )
  }

  /**
   * Whether the mirror is current as far as this process can tell: both connections are up,
   * the channel is subscribed and everything was reloaded since the last reconnect. A link
   * that died silently still looks fresh until the heartbeat notices; `isRevoked` does not
   * wait for that, it judges from {@link RedisRevocationList.lastContact}.
   */
  get fresh(): boolean {
    return this.#mirror.fresh
  }

  /**
   * Epoch ms (on the `now` clock) of the last confirmed contact with Redis: the mirror is
   * known to hold every revocation made up to then. `undefined` before the first load.
   *
   * Two things confirm contact, each as of a moment read *before* Redis acted, so the
   * confirmation never claims more than is known:
   * - a heartbeat `PING` that was answered, as of when it was sent, provided the subscriber
   *   stayed connected in between: Redis answers it on the subscriber connection after every
   *   message it published before the ping, so all of those have arrived;
   * - a complete reload, as of when its snapshot transaction was sent: the snapshot holds
   *   every revocation written before Redis ran it.
   *
   * A message on the channel confirms nothing: it may have sat in a stalled link for any
   * length of time, and the only time it could carry is another instance's clock.
   *
   * Of several confirmations, the one whose reading was taken last counts, even if the
   * clock was set back in between and its reading is the smaller.
   */
  get lastContact(): number | undefined {
    return this.#mirror.lastContact
  }

  /**
   * Where the mirror stands at `at` (default: now): loaded, fresh, its age since the last
   * confirmed contact, `maxStaleness`, and whether `isRevoked` answers or fails closed. What
   * core's `readiness(keyward)` reports; it contacts nothing.
   */
  freshness(at?: number): MirrorFreshness {
    return this.#mirror.freshness(at)
  }

  async revoke(id: string, expiresAt: number): Promise<void> {
    const change = revocationChange.revoked(id, expiresAt)
    await this.#write(REVOKE, this.#keys.revoked, [this.#mirror.now(), id, expiresAt], change)
  }

  async revokeOwner(ownerId: string, at: number): Promise<void> {
    const change = revocationChange.revokedOwner(ownerId, at)
    await this.#write(REVOKE_OWNER, this.#keys.ownerEpochs, [ownerId, at], change)
  }

  async revokeAll(at: number): Promise<void> {
    await this.#write(REVOKE_ALL, this.#keys.globalEpoch, [at], revocationChange.revokedAll(at))
  }

  /** Suspends key `id` on every instance until {@link RedisRevocationList.resume}; kept in Redis until the key expires. */
  async suspend(id: string, expiresAt: number): Promise<void> {
    const change = revocationChange.suspended(id, expiresAt)
    await this.#writeInOrder(SUSPEND, [this.#mirror.now(), id, expiresAt], change)
  }

  /** Lifts a suspension of key `id` on every instance, removing it from Redis; no error when there is none. */
  async resume(id: string): Promise<void> {
    await this.#writeInOrder(RESUME, [id], revocationChange.resumed(id))
  }

  /**
   * Whether key `id` is suspended, from the mirror, synchronously; fails closed exactly as
   * {@link RedisRevocationList.isRevoked} does.
   *
   * @param at The caller's reading of this list's `now` clock, epoch ms. Default: `now()`.
   */
  isSuspended(id: string, at?: number): boolean {
    return this.#mirror.isSuspended(id, at)
  }

  /**
   * The whole state of the mirror, copied: what an origin serves to edge instances. Fails
   * closed exactly as {@link RedisRevocationList.isRevoked} does.
   */
  snapshot(at?: number): RevocationSnapshot {
    return this.#mirror.snapshot(at)
  }

  async publishUpdate(id: string): Promise<void> {
    const change = revocationChange.updated(id)
    await this.#redis.publish(this.#keys.channel, encodeRevocationMessage(this.#origin, change))
    this.#mirror.emit(revocationEventOf(change))
  }

  /**
   * Answers from the mirror, synchronously. Throws `UnavailableError` before the first
   * load, and when `at` is more than `maxStaleness` ms after {@link RedisRevocationList.lastContact}
   * (unless `onStale: 'allow'`), even while the connections still look up.
   *
   * @param at The caller's reading of this list's `now` clock, epoch ms. Default: `now()`.
   */
  isRevoked(subject: RevocationSubject, at?: number): boolean {
    return this.#mirror.isRevoked(subject, at)
  }

  /**
   * Reads Redis `TIME`, the clock every instance shares, as integer epoch ms
   * (`seconds * 1000 + floor(µs / 1000)`). Keyward takes keys' `createdAt` and revoke-all
   * epochs from it, so instances whose own clocks disagree still agree on which keys a
   * revoke-all ends. On a Cluster it asks the node that owns the namespace's slot, the same
   * node that holds the epochs (after a failover, the new master's clock). Rejects with an
   * `Error` saying what failed when Redis cannot be reached.
   */
  time(): Promise<number> {
    return redisTime(this.#redis, this.#keys.globalEpoch)
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#mirror.subscribe(listener)
  }

  /**
   * Resolves once the channel is subscribed and the mirror loaded; connects lazy clients.
   * Rejects with an `UnavailableError` when Redis cannot be reached or its data is corrupt.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw new UnavailableError('The revocation list is closed.')
    if (this.#mirror.fresh) return
    await fromBackend(() => this.#reload(), 'The revocation list could not be loaded from Redis.')
  }

  /** Unsubscribes, closes the subscriber connection and stops the heartbeat; the caller's client stays open. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#mirror.close()
    clearTimeout(this.#retryTimer)
    this.#redis.off('ready', this.#onConnect)
    this.#redis.off('close', this.#onDisconnect)
    this.#subscriber.off('message', this.#onMessage)
    const subscriber = this.#subscriber
    if (isReady(subscriber)) await subscriber.quit().catch(() => subscriber.disconnect())
    else subscriber.disconnect()
  }

  async #write(
    script: LuaScript,
    key: string,
    args: readonly (string | number)[],
    change: RevocationChange,
  ): Promise<void> {
    const message = encodeRevocationMessage(this.#origin, change)
    try {
      await script.run(this.#redis, [key], [...args, this.#keys.channel, message])
    } catch (error) {
      throw explainReplyError(error, key)
    }
    this.#mirror.apply(change)
  }

  /**
   * A suspension or resume: unlike revocations, which only ever add up, these must be applied
   * in the order Redis ran them, or two instances suspending and resuming the same key at
   * once could leave a mirror on the loser's state. Each write announces under an origin of
   * its own, which this list applies when the channel delivers it, in channel order; the
   * write applies its change itself only when the channel has not delivered it yet (then
   * nothing announced after it has been delivered either).
   */
  async #writeInOrder(
    script: LuaScript,
    args: readonly (string | number)[],
    change: RevocationChange,
  ): Promise<void> {
    const key = this.#keys.suspended
    const origin = `${this.#origin}:${++this.#writes}`
    const message = encodeRevocationMessage(origin, change)
    this.#inFlight.set(origin, false)
    let heard: boolean | undefined
    try {
      await script.run(this.#redis, [key], [...args, this.#keys.channel, message])
    } catch (error) {
      throw explainReplyError(error, key)
    } finally {
      heard = this.#inFlight.get(origin)
      this.#inFlight.delete(origin)
    }
    if (!heard) this.#mirror.apply(change)
  }

  #received(channel: string, text: string): void {
    if (this.#closed || channel !== this.#keys.channel) return
    const message = decodeRevocationMessage(text)
    if (message === undefined) {
      // Something we cannot read may have been a revocation: reload rather than guess.
      this.#mirror.onError(new Error(`unreadable message on ${channel}; reloading revocations`))
      this.#mirror.lost()
      this.#reloadInBackground()
      return
    }
    if (message.origin === this.#origin) return
    if (this.#inFlight.has(message.origin)) this.#inFlight.set(message.origin, true)
    this.#mirror.apply(message.change)
  }

  #reloadInBackground(): void {
    this.#reload().then(
      () => {
        this.#failedReloads = 0
      },
      (error) => {
        if (this.#closed) return
        this.#mirror.onError(error)
        if (this.#retryTimer === undefined && isReady(this.#redis) && isReady(this.#subscriber)) {
          const delay = RevocationMirror.reconnectDelay(++this.#failedReloads)
          this.#retryTimer = setTimeout(() => {
            this.#retryTimer = undefined
            this.#onConnect()
          }, delay)
          this.#retryTimer.unref?.()
        }
      },
    )
  }

  /** Joins the reload in flight, or starts one. */
  #reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  /**
   * Subscribes, then reads the whole state in one `MULTI` and replaces the mirror with it
   * (plus whatever arrived meanwhile). Loops when a connection dropped and came back
   * during the read, since messages may have been lost in between.
   */
  async #load(): Promise<void> {
    const wasLoaded = this.#mirror.loaded
    for (;;) {
      const generation = this.#mirror.generation
      await this.#mirror.load(async () => {
        await this.#subscriber.subscribe(this.#keys.channel)
        return this.#snapshot()
      })
      const connected = isReady(this.#redis) && isReady(this.#subscriber)
      if (generation === this.#mirror.generation && connected && !this.#closed) {
        this.#mirror.markFresh()
        break
      }
      if (!connected || this.#closed) break
    }
    if (wasLoaded) this.#mirror.emit({ type: 'reset' })
  }

  /** Reads the whole state in one `MULTI`; `sent` is the clock reading taken before sending it. */
  async #snapshot(): Promise<{ state: RevocationState; sent: MirrorReading }> {
    const { revoked, ownerEpochs, globalEpoch, suspended } = this.#keys
    const sent = this.#mirror.reading()
    const replies = await this.#redis
      .multi()
      .zrange(revoked, '0', '-1', 'WITHSCORES') // strings: ioredis 6 types `stop` as one
      .hgetall(ownerEpochs)
      .get(globalEpoch)
      .zrange(suspended, '0', '-1', 'WITHSCORES')
      .exec()
    if (!replies) throw new Error('the revocation snapshot transaction was aborted')
    const keys = [revoked, ownerEpochs, globalEpoch, suspended]
    replies.forEach(([error], i) => {
      if (error) throw explainReplyError(error, keys[i]!)
    })
    const scored = (reply: unknown, key: string) => {
      const flat = reply as string[]
      const entries: Array<[string, number]> = []
      for (let i = 0; i + 1 < flat.length; i += 2)
        entries.push([flat[i]!, epoch(flat[i + 1]!, key)])
      return entries
    }
    const owners = Object.entries(replies[1]![1] as Record<string, string>).map(
      ([ownerId, at]) => [ownerId, epoch(at, ownerEpochs)] as const,
    )
    const global = replies[2]![1] as string | null
    const state: RevocationState = {
      revoked: scored(replies[0]![1], revoked),
      ownerEpochs: owners,
      globalEpoch: global === null ? undefined : epoch(global, globalEpoch),
      suspended: scored(replies[3]![1], suspended),
    }
    return { state, sent }
  }
}
