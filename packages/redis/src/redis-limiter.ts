import { UnavailableError } from '@keyward/core'
import {
  assertObject,
  fromBackend,
  type Limiter,
  type LimitOutcome,
  type LimitPolicy,
  logError,
  nonNegativeIntegerOption,
  nowOption,
  onErrorOption,
  oneOfOption,
  positiveIntegerOption,
} from '@keyward/core/adapter'
import { assertRedisClient, type RedisClient } from './lib/client.js'
import { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'

/** Options of {@link RedisLimiter}. */
export interface RedisLimiterOptions {
  /**
   * Prefix of the Redis keys (`{keyward}:limits:<key id>`), as a hash tag so Redis Cluster
   * keeps them in one slot. Default `'keyward'`.
   */
  namespace?: string
  /**
   * `'exact'` (default): every request of a limited key is one atomic script, one round trip:
   * exactly `limit` requests per window, credits never below zero, whatever the number of
   * instances. `'approximate'`: each instance answers from a local budget with no round trip
   * and reconciles in the background (one script per key in flight at a time); an instance
   * admits at most `budget × limit` units beyond what Redis has confirmed, so the overshoot
   * per window is at most `2 × budget × limit` per instance (measured in bench/).
   */
  mode?: 'exact' | 'approximate'
  /**
   * Approximate mode: the share of each limit (and of a credit grant) an instance may admit
   * before Redis confirms it, from 0 (exclusive) to 1. Default `0.05`. At least one unit.
   */
  budget?: number
  /**
   * When Redis cannot be reached: `'refuse'` (default) answers 503 `unavailable`; `'allow'`
   * admits requests uncharged (rate limits and credits are not counted meanwhile).
   * Revocation is never affected: it fails closed on its own terms.
   */
  onUnavailable?: 'refuse' | 'allow'
  /**
   * How long a request waits for Redis, in ms, before it is answered as if Redis were
   * unreachable (`onUnavailable`): a connection that is up but silent (a stalled link, a
   * frozen server) would otherwise hold every limited request. From that timeout until the
   * late reply arrives, requests that need Redis are answered so at once: Redis answers in
   * order, so nothing sent meanwhile could be answered sooner. A charge whose reply comes late
   * is refunded (the request was refused, or admitted uncharged); a reconciliation that comes
   * late (approximate mode) is counted once, when it lands. Default `1_000`.
   */
  timeout?: number
  /**
   * The clock windows and refills are computed on, epoch ms. Default: Redis `TIME`, shared by
   * every instance, so their windows line up. Give one to test with an injected clock.
   */
  now?: () => number
  /**
   * Approximate mode: how long admitted units wait, at most, before they are sent to Redis,
   * in ms. Longer means fewer scripts and later knowledge of other instances' counts; the
   * overshoot bound holds whatever it is. Default `20`.
   */
  syncInterval?: number
  /** Receives background reconciliation failures (approximate mode). Default `console.error`. */
  onError?: (error: unknown) => void
}

// One script for every operation, so the check and the charges are one atomic step.
// ARGV: mode, now ('' = TIME), cost, expireAt, n, then per rate: name, limit, window, index
// ('' = the current one), then credits: has, remaining, grantedAt, refill amount, interval.
// Modes: `charge` refuses (charging nothing) when any limit lacks `cost`; `add` charges
// unconditionally (credits floor at zero): approximate mode's reconciliation; `refund`
// gives `cost` back to the windows named and to the same credit grant.
// Returns: refused (0 none, 1 rate, 2 credits), balance (-1 none), credit reset ms (-1
// none), then per rate: count after, reset ms, window index.
const LIMIT_SCRIPT = new LuaScript(`
local mode = ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local cost = tonumber(ARGV[3])
local n = tonumber(ARGV[5])
local state = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do state[flat[i]] = flat[i + 1] end
local refused = 0
local rates = {}
for i = 0, n - 1 do
  local at = 6 + i * 4
  local name, limit, window = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local index = tonumber(ARGV[at + 3]) or math.floor(now / window)
  local stored = tonumber(state['w:' .. name])
  -- Window indexes of another length say nothing about this one (a limit whose window was
  -- changed): start afresh rather than take the old index for a later, "stale" one.
  local length = tonumber(state['l:' .. name])
  if length ~= nil and length ~= window then stored = nil end
  local count = 0
  if stored == index then count = tonumber(state['c:' .. name]) end
  local stale = stored ~= nil and stored > index
  rates[i + 1] = { name = name, limit = limit, window = window, index = index, count = count, stale = stale }
  if mode == 'charge' and limit - count < cost then refused = 1 end
end
local at = 6 + n * 4
local credits = ARGV[at] == '1'
local balance, reset, period, grantedAt = -1, -1, 0, 0
if credits then
  local remaining = tonumber(ARGV[at + 1])
  grantedAt = tonumber(ARGV[at + 2])
  local amount, interval = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  if tonumber(state.cg) == grantedAt then
    balance, period = tonumber(state.cb), tonumber(state.cp)
  elseif mode == 'refund' then
    credits = false
  else
    balance, period = remaining, 0
  end
  if credits and interval > 0 then
    local current = math.max(0, math.floor((now - grantedAt) / interval))
    if current > period then
      period = current
      if balance < amount then balance = amount end
    end
    reset = grantedAt + (current + 1) * interval - now
  end
  if mode == 'charge' and refused == 0 and balance < cost then refused = 2 end
end
local out = { refused, balance, reset }
if refused == 0 then
  for _, rate in ipairs(rates) do
    if not rate.stale then
      if mode == 'refund' then rate.count = math.max(0, rate.count - cost) else rate.count = rate.count + cost end
      redis.call('HSET', KEYS[1], 'w:' .. rate.name, rate.index, 'c:' .. rate.name, rate.count, 'l:' .. rate.name, rate.window)
    end
  end
  if credits then
    if mode == 'refund' then balance = balance + cost else balance = math.max(0, balance - cost) end
    redis.call('HSET', KEYS[1], 'cg', grantedAt, 'cb', balance, 'cp', period)
    out[2] = balance
  end
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
end
for _, rate in ipairs(rates) do
  table.insert(out, rate.count)
  table.insert(out, (rate.index + 1) * rate.window - now)
  table.insert(out, rate.index)
end
return out
`)

type Mode = 'charge' | 'add' | 'refund'

/** What approximate mode knows of one key between reconciliations. */
interface LocalState {
  /** Per rate: the window the counts are of, and the count Redis last confirmed. */
  windows: number[]
  seen: number[]
  resets: number[]
  /** When `resets` were read (local clock), so they can be aged. */
  readAt: number
  /** Credits Redis last confirmed, and ms to their refill. */
  balance: number | undefined
  creditsReset: number | undefined
  grantedAt: number | undefined
  /** Units admitted here and not yet sent, and units in the script in flight. */
  pending: number
  inflight: number
  /** The reconciliation in flight. */
  syncing: Promise<void> | undefined
  /** A reconciliation is due (its timer runs). */
  due: boolean
  policy: LimitPolicy
}

const DAY = 86_400_000
/** The longest delay `setTimeout` honours. */
const MAX_TIMEOUT = 2_147_483_647
const DOWN = new Set(['reconnecting', 'close', 'end'])

/**
 * The {@link Limiter} for several instances: counters live in Redis, one hash per key
 * (`{ns}:limits:<key id>`), and every check-and-charge is one Lua script, atomic on the
 * server, so no charge is lost or made twice. Fixed windows aligned to Redis `TIME`.
 * Fails closed (503) when Redis cannot be reached, unless `onUnavailable: 'allow'`.
 *
 * @example
 * const keyward = createKeyward({ store, revocations, limiter: new RedisLimiter(redis) })
 */
export class RedisLimiter implements Limiter {
  readonly #redis: RedisClient
  readonly #prefix: string
  readonly #mode: 'exact' | 'approximate'
  readonly #budget: number
  readonly #allow: boolean
  readonly #now: (() => number) | undefined
  readonly #onError: (error: unknown) => void
  readonly #syncInterval: number
  readonly #timeout: number
  readonly #local = new Map<string, LocalState>()
  /** Scripts whose caller gave up waiting and whose reply has not come yet. */
  #overdue = 0

  constructor(redis: RedisClient, options: RedisLimiterOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    this.#redis = redis
    this.#prefix = `${hashTag(options.namespace)}:limits:`
    this.#mode = oneOfOption(options.mode ?? 'exact', 'mode', ['exact', 'approximate'], 'exact')
    const budget = options.budget ?? 0.05
    if (typeof budget !== 'number' || !(budget > 0 && budget <= 1)) {
      throw new TypeError('budget must be a number above 0 and at most 1')
    }
    this.#budget = budget
    const onUnavailable = oneOfOption(
      options.onUnavailable ?? 'refuse',
      'onUnavailable',
      ['refuse', 'allow'],
      'refuse',
    )
    this.#allow = onUnavailable === 'allow'
    this.#now = nowOption(options.now, true)
    this.#syncInterval = nonNegativeIntegerOption(options.syncInterval ?? 20, 'syncInterval', 20)
    this.#onError = onErrorOption(options.onError ?? logError)
    this.#timeout = positiveIntegerOption(options.timeout, 'timeout', 1_000, 'milliseconds')
    if (this.#timeout > MAX_TIMEOUT) {
      throw new TypeError(`timeout must be a positive integer of milliseconds up to ${MAX_TIMEOUT}`)
    }
  }

  /** Which mode this limiter runs in. */
  get mode(): 'exact' | 'approximate' {
    return this.#mode
  }

  consume(policy: LimitPolicy, cost: number, at: number): LimitOutcome | Promise<LimitOutcome> {
    if (this.#mode === 'exact') return this.#exact(policy, cost)
    return this.#approximate(policy, cost, at)
  }

  refund(policy: LimitPolicy, cost: number, outcome: LimitOutcome): void | Promise<void> {
    const local = this.#mode === 'approximate' ? this.#local.get(policy.id) : undefined
    if (local !== undefined && local.pending >= cost) {
      local.pending -= cost
      return
    }
    return this.#run(policy, 'refund', cost, outcome.windows).then(() => undefined)
  }

  /** Waits for reconciliations in flight and sends what was admitted since (approximate mode). */
  async close(): Promise<void> {
    await Promise.all([...this.#local.values()].map((state) => this.#flush(state)))
  }

  async #flush(local: LocalState): Promise<void> {
    try {
      await local.syncing
    } catch {
      // Its units are pending again, sent below.
    }
    try {
      if (local.pending > 0) await this.#sync(local)
    } catch (error) {
      this.#onError(error)
    }
  }

  async #exact(policy: LimitPolicy, cost: number): Promise<LimitOutcome> {
    let reply: number[]
    try {
      reply = await this.#timed(this.#run(policy, 'charge', cost), (late) => {
        // Answered already (503, or admitted uncharged): what the script charged goes back.
        if (late[0] !== 0) return
        this.#run(policy, 'refund', cost, outcomeOf(policy, late).windows).catch(this.#onError)
      })
    } catch (error) {
      if (this.#allow) return unlimited(policy)
      throw error
    }
    return outcomeOf(policy, reply)
  }

  /** Runs the script; a client that lost its connection is `unavailable` at once, never queued. */
  async #run(
    policy: LimitPolicy,
    mode: Mode,
    cost: number,
    windows?: readonly number[],
  ): Promise<number[]> {
    // Reconnecting (or closed): a command would wait in ioredis's queue; answer at once.
    // Silent: a reply is overdue, and nothing sent now could be answered before it.
    if (DOWN.has(this.#redis.status) || this.#overdue > 0) {
      throw new UnavailableError('The rate limiter (Redis) is unavailable.')
    }
    const args: (string | number)[] = [
      mode,
      this.#now === undefined ? '' : this.#now(),
      cost,
      // Counters outlive the key by a day (and the longest window), then Redis drops them.
      policy.expiresAt + DAY + Math.max(0, ...policy.rates.map((rate) => rate.window)),
      policy.rates.length,
    ]
    policy.rates.forEach((rate, i) => {
      args.push(rate.name, rate.limit, rate.window, windows?.[i] ?? '')
    })
    const credits = policy.credits
    if (credits === undefined) args.push('0', 0, 0, 0, 0)
    else {
      args.push(
        '1',
        credits.remaining,
        credits.grantedAt,
        credits.refill?.amount ?? 0,
        credits.refill?.interval ?? 0,
      )
    }
    return fromBackend(
      async () =>
        (await LIMIT_SCRIPT.run(this.#redis, [this.#prefix + policy.id], args)) as number[],
      'The rate limiter (Redis) is unavailable.',
    )
  }

  /**
   * `work`, or `UnavailableError` once `timeout` passes first. `work` itself goes on: its
   * late reply goes to `late` (and never to the caller), and until it comes every new
   * script is refused at once (see {@link RedisLimiterOptions.timeout}).
   */
  #timed<T>(work: Promise<T>, late?: (value: T) => void): Promise<T> {
    if (this.#overdue > 0) {
      work.catch(() => {})
      return Promise.reject(new UnavailableError('The rate limiter (Redis) is unavailable.'))
    }
    return new Promise<T>((resolve, reject) => {
      let overdue = false
      const timer = setTimeout(() => {
        overdue = true
        this.#overdue++
        reject(
          new UnavailableError(`The rate limiter (Redis) did not answer in ${this.#timeout} ms.`),
        )
      }, this.#timeout)
      work.then(
        (value) => {
          if (!overdue) {
            clearTimeout(timer)
            resolve(value)
            return
          }
          this.#overdue--
          late?.(value)
        },
        (error: unknown) => {
          if (!overdue) {
            clearTimeout(timer)
            reject(error)
            return
          }
          this.#overdue--
        },
      )
    })
  }

  #approximate(
    policy: LimitPolicy,
    cost: number,
    at: number,
  ): LimitOutcome | Promise<LimitOutcome> {
    const local = this.#local.get(policy.id)
    if (local === undefined) {
      // First use here (or the key changed): learn the counts before answering.
      return this.#timed(this.#learn(policy)).then(
        () => this.#decide(this.#local.get(policy.id)!, cost, at, true),
        (error: unknown) => {
          if (this.#allow) return unlimited(policy)
          throw error
        },
      )
    }
    // A rebuilt cache entry brings an equal policy (or a changed one): keep what is pending.
    if (local.policy !== policy) {
      // Changed limits: the windows and counts held per position are of other limits (or of
      // other window lengths, whose indexes say nothing about these). Start them afresh; the
      // next reconciliation brings what Redis counted for these.
      if (!sameRates(local.policy, policy)) {
        local.windows = policy.rates.map(() => -1)
        local.seen = policy.rates.map(() => 0)
        local.resets = policy.rates.map((rate) => rate.window)
      }
      // A new credit grant replaces the balance, as the script will when it sees the grant.
      const grant = policy.credits
      if (grant?.grantedAt !== local.grantedAt) {
        local.grantedAt = grant?.grantedAt
        local.balance = grant?.remaining
        local.creditsReset = undefined
      }
      local.policy = policy
    }
    return this.#decide(local, cost, at, false)
  }

  /** Answers from the local state; awaits one reconciliation when the local budget is spent. */
  #decide(
    local: LocalState,
    cost: number,
    at: number,
    synced: boolean,
  ): LimitOutcome | Promise<LimitOutcome> {
    const policy = local.policy
    const unconfirmed = local.pending + local.inflight
    const remaining: number[] = []
    const resets: number[] = []
    let refused: LimitOutcome['refused']
    let budgetSpent = false
    const age = at - local.readAt
    for (let i = 0; i < policy.rates.length; i++) {
      const rate = policy.rates[i]!
      const window = Math.floor(at / rate.window)
      if (local.windows[i] !== window && window > (local.windows[i] ?? -1)) {
        // A new window here; Redis learns it at the next reconciliation.
        local.windows[i] = window
        local.seen[i] = 0
        local.resets[i] = rate.window + age
      }
      const left = rate.limit - local.seen[i]! - unconfirmed
      if (left < cost) refused = 'rate_limited'
      if (unconfirmed + cost > Math.max(1, Math.floor(rate.limit * this.#budget))) {
        budgetSpent = true
      }
      remaining.push(left)
      resets.push(Math.max(0, local.resets[i]! - age))
    }
    let credits: number | undefined
    if (policy.credits !== undefined && local.balance !== undefined) {
      credits = local.balance - unconfirmed
      if (refused === undefined && credits < cost) refused = 'usage_exceeded'
      if (unconfirmed + cost > Math.max(1, Math.floor(policy.credits.remaining * this.#budget))) {
        budgetSpent = true
      }
    }
    if (refused === undefined && budgetSpent && !synced) {
      // This instance admitted its share unconfirmed: wait for Redis once, then decide. A
      // reconciliation that outlives `timeout` goes on, and is counted once, when it lands.
      return this.#timed(this.#sync(local)).then(
        () => this.#decide(local, cost, at, true),
        (error: unknown) => {
          if (this.#allow) return unlimited(policy)
          throw error
        },
      )
    }
    if (refused === undefined) {
      local.pending += cost
      for (let i = 0; i < remaining.length; i++) remaining[i]! -= cost
      if (credits !== undefined) credits -= cost
      this.#schedule(local)
    }
    for (let i = 0; i < remaining.length; i++) remaining[i] = Math.max(0, remaining[i]!)
    return {
      refused,
      remaining,
      resets,
      windows: [...local.windows],
      credits: credits === undefined ? undefined : Math.max(0, credits),
      creditsReset:
        local.creditsReset === undefined ? undefined : Math.max(0, local.creditsReset - age),
    }
  }

  /** Reads a key's counters (an `add` of nothing). */
  async #learn(policy: LimitPolicy): Promise<void> {
    const reply = await this.#run(policy, 'add', 0)
    const local: LocalState = {
      windows: [],
      seen: [],
      resets: [],
      readAt: 0,
      balance: undefined,
      creditsReset: undefined,
      grantedAt: policy.credits?.grantedAt,
      pending: 0,
      inflight: 0,
      syncing: undefined,
      due: false,
      policy,
    }
    this.#apply(local, reply)
    if (this.#local.size >= 100_000) this.#local.delete(this.#local.keys().next().value as string)
    this.#local.set(policy.id, local)
  }

  /** Takes in what Redis answered for `sent`, the policy the request was made with. */
  #apply(local: LocalState, reply: number[], sent: LimitPolicy = local.policy): void {
    local.readAt = this.#now?.() ?? Date.now()
    // The limits or the grant changed while the reply was on its way: its counts or its
    // balance are of the old ones, and the next reconciliation brings the new.
    if (sent.credits?.grantedAt === local.policy.credits?.grantedAt) {
      local.balance = reply[1]! < 0 ? undefined : reply[1]!
      local.creditsReset = reply[2]! < 0 ? undefined : reply[2]!
    }
    if (sent !== local.policy && !sameRates(sent, local.policy)) return
    for (let i = 0; i < local.policy.rates.length; i++) {
      const window = reply[3 + i * 3 + 2]!
      if (local.windows[i] !== undefined && local.windows[i]! > window) continue
      local.windows[i] = window
      local.seen[i] = reply[3 + i * 3]!
      local.resets[i] = reply[3 + i * 3 + 1]!
    }
  }

  /** Starts a reconciliation unless one is in flight (it re-schedules itself when it ends). */
  #schedule(local: LocalState): void {
    if (local.due) return
    local.due = true
    const timer = setTimeout(() => {
      local.due = false
      if (local.pending > 0) this.#sync(local).catch(this.#onError)
    }, this.#syncInterval)
    ;(timer as { unref?: () => void }).unref?.()
  }

  /** Sends what was admitted here and reads back the confirmed counts. */
  #sync(local: LocalState): Promise<void> {
    if (local.syncing !== undefined) return local.syncing
    const run = async () => {
      local.inflight = local.pending
      local.pending = 0
      try {
        const sent = local.policy
        this.#apply(local, await this.#run(sent, 'add', local.inflight, local.windows), sent)
        local.inflight = 0
      } catch (error) {
        // Not confirmed: counted as pending again, sent with the next reconciliation.
        local.pending += local.inflight
        local.inflight = 0
        throw error
      } finally {
        local.syncing = undefined
      }
      if (local.pending > 0) this.#schedule(local)
    }
    local.syncing = run()
    return local.syncing
  }
}

function outcomeOf(policy: LimitPolicy, reply: number[]): LimitOutcome {
  const refused = reply[0] === 1 ? 'rate_limited' : reply[0] === 2 ? 'usage_exceeded' : undefined
  const remaining: number[] = []
  const resets: number[] = []
  const windows: number[] = []
  policy.rates.forEach((rate, i) => {
    remaining.push(Math.max(0, rate.limit - reply[3 + i * 3]!))
    resets.push(reply[3 + i * 3 + 1]!)
    windows.push(reply[3 + i * 3 + 2]!)
  })
  return {
    refused,
    remaining,
    resets,
    windows,
    credits: reply[1]! < 0 ? undefined : reply[1]!,
    creditsReset: reply[2]! < 0 ? undefined : reply[2]!,
  }
}

/** Fail open: admitted, uncharged; the headers show the full quota. */
function unlimited(policy: LimitPolicy): LimitOutcome {
  return {
    refused: undefined,
    remaining: policy.rates.map((rate) => rate.limit),
    resets: policy.rates.map(() => 0),
    windows: policy.rates.map(() => -1),
    credits: policy.credits?.remaining,
    creditsReset: undefined,
  }
}

/** Whether two policies hold the same rate limits (name and window length) in the same order. */
function sameRates(a: LimitPolicy, b: LimitPolicy): boolean {
  return (
    a.rates.length === b.rates.length &&
    a.rates.every((rate, i) => rate.name === b.rates[i]!.name && rate.window === b.rates[i]!.window)
  )
}
