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
  withinDeadline,
} from '@keyward/core/adapter'
import { ApproximateCounter } from './lib/approximate-counter.js'
import { assertRedisClient, type RedisClient } from './lib/client.js'
import {
  type LimitScriptMode,
  type LimitScriptReply,
  outcomeOf,
  runLimitScript,
} from './lib/limit-script.js'
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
   * admits at most its budget (`budget × limit` rounded down, at least one unit) beyond what
   * Redis has confirmed, so the overshoot per window is at most two budgets per instance
   * (measured in bench/). A request costing more than the budget is charged in Redis first,
   * as in exact mode.
   */
  mode?: 'exact' | 'approximate'
  /**
   * Approximate mode: the share of each limit (and of a credit grant) an instance may admit
   * before Redis confirms it, from 0 (exclusive) to 1. Default `0.05`. At least one unit.
   * When it is spent a request waits for one reconciliation; a request costing more (or
   * still beyond it after that) is charged in Redis before it is admitted.
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
  readonly #allow: boolean
  readonly #now: (() => number) | undefined
  readonly #onError: (error: unknown) => void
  readonly #timeout: number
  /** Approximate mode's local counts; `undefined` in exact mode. */
  readonly #approximate: ApproximateCounter | undefined
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
    const onUnavailable = oneOfOption(
      options.onUnavailable ?? 'refuse',
      'onUnavailable',
      ['refuse', 'allow'],
      'refuse',
    )
    this.#allow = onUnavailable === 'allow'
    this.#now = nowOption(options.now, true)
    const syncInterval = nonNegativeIntegerOption(options.syncInterval ?? 20, 'syncInterval', 20)
    this.#onError = onErrorOption(options.onError ?? logError)
    this.#timeout = positiveIntegerOption(options.timeout, 'timeout', 1_000, 'milliseconds')
    if (this.#timeout > MAX_TIMEOUT) {
      throw new TypeError(`timeout must be a positive integer of milliseconds up to ${MAX_TIMEOUT}`)
    }
    this.#approximate =
      this.#mode === 'exact'
        ? undefined
        : new ApproximateCounter(
            {
              run: (policy, mode, cost, windows) => this.#run(policy, mode, cost, windows),
              timed: (work) => this.#timed(work),
              charge: (policy, cost) => this.#charge(policy, cost),
              unavailable: (policy, error) => this.#unavailable(policy, error),
            },
            { budget, syncInterval, now: this.#now, onError: this.#onError },
          )
  }

  /** Which mode this limiter runs in. */
  get mode(): 'exact' | 'approximate' {
    return this.#mode
  }

  consume(policy: LimitPolicy, cost: number, at: number): LimitOutcome | Promise<LimitOutcome> {
    if (this.#approximate === undefined) return this.#exact(policy, cost)
    return this.#approximate.consume(policy, cost, at)
  }

  refund(policy: LimitPolicy, cost: number, outcome: LimitOutcome): void | Promise<void> {
    if (this.#approximate?.refundUnsent(policy, cost)) return
    return this.#run(policy, 'refund', cost, outcome.windows).then(() => undefined)
  }

  /** Waits for reconciliations in flight and sends what was admitted since (approximate mode). */
  async close(): Promise<void> {
    await this.#approximate?.close()
  }

  async #exact(policy: LimitPolicy, cost: number): Promise<LimitOutcome> {
    try {
      return outcomeOf(policy, await this.#charge(policy, cost))
    } catch (error) {
      return this.#unavailable(policy, error)
    }
  }

  /** One checked charge in Redis, waited for at most `timeout`. */
  #charge(policy: LimitPolicy, cost: number): Promise<LimitScriptReply> {
    return this.#timed(this.#run(policy, 'charge', cost), (late) => {
      // Answered already (503, or admitted uncharged): what the script charged goes back.
      if (late.refused !== undefined) return
      const windows = late.rates.map((rate) => rate.window)
      this.#run(policy, 'refund', cost, windows).catch(this.#onError)
    })
  }

  /** A request Redis failed: admitted uncharged when `onUnavailable: 'allow'`, else refused. */
  #unavailable(policy: LimitPolicy, error: unknown): LimitOutcome {
    if (this.#allow) return unlimited(policy)
    throw error
  }

  /** Runs the script; a client that lost its connection is `unavailable` at once, never queued. */
  async #run(
    policy: LimitPolicy,
    mode: LimitScriptMode,
    cost: number,
    windows?: readonly number[],
  ): Promise<LimitScriptReply> {
    // Reconnecting (or closed): a command would wait in ioredis's queue; answer at once.
    // Silent: a reply is overdue, and nothing sent now could be answered before it.
    if (DOWN.has(this.#redis.status) || this.#overdue > 0) {
      throw new UnavailableError('The rate limiter (Redis) is unavailable.')
    }
    const now = this.#now === undefined ? '' : this.#now()
    return fromBackend(
      () => runLimitScript(this.#redis, this.#prefix + policy.id, policy, mode, now, cost, windows),
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
    return withinDeadline(work, this.#timeout, {
      expired: () => {
        this.#overdue++
        return new UnavailableError(
          `The rate limiter (Redis) did not answer in ${this.#timeout} ms.`,
        )
      },
      settledLate: () => {
        this.#overdue--
      },
      late,
    })
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
