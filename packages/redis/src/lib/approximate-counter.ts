import type { LimitOutcome, LimitPolicy } from '@keyward/core/adapter'
import { type LimitScriptMode, type LimitScriptReply, outcomeOf } from './limit-script.js'

/** What the approximate counter needs of its `RedisLimiter`. */
export interface LimitBackend {
  /** Runs the limit script for `policy` (`UnavailableError` when Redis is down). */
  run(
    policy: LimitPolicy,
    mode: LimitScriptMode,
    cost: number,
    windows?: readonly number[],
  ): Promise<LimitScriptReply>
  /** `work`, or `UnavailableError` once the limiter's `timeout` passes first. */
  timed<T>(work: Promise<T>): Promise<T>
  /** A checked charge in Redis, as exact mode makes it (timed; refunded if it lands late). */
  charge(policy: LimitPolicy, cost: number): Promise<LimitScriptReply>
  /** The answer to a request Redis failed: admitted uncharged, or `error` thrown. */
  unavailable(policy: LimitPolicy, error: unknown): LimitOutcome
}

/** The approximate-mode options of `RedisLimiter`, validated. */
export interface ApproximateCounterOptions {
  /** The share of each limit (and credit grant) admitted before Redis confirms it. */
  budget: number
  /** ms admitted units wait, at most, before they are sent. */
  syncInterval: number
  /** The limiter's clock, epoch ms; `undefined` for Redis `TIME` (then ages use `Date.now`). */
  now: (() => number) | undefined
  /** Receives background reconciliation failures. */
  onError: (error: unknown) => void
}

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
  /**
   * Scripts sent for this key, and the number of the latest whose reply was taken in. Redis
   * runs one connection's scripts in the order sent, so a reply of an earlier script (whose
   * handler may run later) holds older counts and is not taken in.
   */
  sent: number
  applied: number
  policy: LimitPolicy
}

/** What the local state says of one request, before it is admitted. */
interface LocalAnswer {
  refused: LimitOutcome['refused']
  /** Per rate, units left before this request; credits left before it (if the key has some). */
  remaining: number[]
  resets: number[]
  credits: number | undefined
  /** ms since the counts were read, to age `resets` and the credit reset by. */
  age: number
  /** The most this instance may admit unconfirmed: the smallest budget of any limit. */
  budget: number
}

/** Keys this instance keeps local state for, at most: the oldest is dropped beyond. */
const MAX_KEYS = 100_000

/**
 * Approximate mode of `RedisLimiter`: answers from each key's local windows and the counts
 * Redis last confirmed, admitting up to `budget` of each limit unconfirmed, and sends what it
 * admitted in the background (one reconciliation per key in flight).
 */
export class ApproximateCounter {
  readonly #backend: LimitBackend
  readonly #budget: number
  readonly #syncInterval: number
  readonly #now: (() => number) | undefined
  readonly #onError: (error: unknown) => void
  readonly #local = new Map<string, LocalState>()
  /** First reads of keys in flight, shared by the requests that come meanwhile. */
  readonly #learning = new Map<string, Promise<LocalState>>()

  constructor(backend: LimitBackend, options: ApproximateCounterOptions) {
    this.#backend = backend
    this.#budget = options.budget
    this.#syncInterval = options.syncInterval
    this.#now = options.now
    this.#onError = options.onError
  }

  consume(policy: LimitPolicy, cost: number, at: number): LimitOutcome | Promise<LimitOutcome> {
    const local = this.#local.get(policy.id)
    if (local === undefined) {
      // First use here (or the key was dropped): learn the counts before answering.
      return this.#backend.timed(this.#learnOnce(policy)).then(
        (learned) => {
          if (learned.policy !== policy) adopt(learned, policy)
          return this.#decide(learned, cost, at, true)
        },
        (error: unknown) => this.#backend.unavailable(policy, error),
      )
    }
    // A rebuilt cache entry brings an equal policy (or a changed one): keep what is pending.
    if (local.policy !== policy) adopt(local, policy)
    return this.#decide(local, cost, at, false)
  }

  /**
   * Takes back `cost` units admitted here and not sent yet; `false` when fewer are pending
   * (they were sent), and the refund must go to Redis.
   */
  refundUnsent(policy: LimitPolicy, cost: number): boolean {
    const local = this.#local.get(policy.id)
    if (local === undefined || local.pending < cost) return false
    local.pending -= cost
    return true
  }

  /** Waits for reconciliations in flight and sends what was admitted since. */
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

  /**
   * Answers from the local state when the request fits this instance's unconfirmed budget.
   * Beyond it, a request waits for one reconciliation and is decided again; one that costs
   * more than the budget, or is still beyond it once the counts are confirmed, is charged in
   * Redis first (as in exact mode). So an instance never holds more than its budget
   * unconfirmed, which is what bounds the overshoot of all instances together.
   */
  #decide(
    local: LocalState,
    cost: number,
    at: number,
    synced: boolean,
  ): LimitOutcome | Promise<LimitOutcome> {
    const answer = this.#answer(local, cost, at)
    const { refused, remaining, age } = answer
    let credits = answer.credits
    if (refused === undefined && local.pending + local.inflight + cost > answer.budget) {
      if (cost <= answer.budget && !synced) {
        // A reconciliation that outlives `timeout` goes on, and is counted once, when it lands.
        const policy = local.policy
        return this.#backend.timed(this.#sync(local)).then(
          () => this.#decide(local, cost, at, true),
          (error: unknown) => this.#backend.unavailable(policy, error),
        )
      }
      return this.#charge(local, cost)
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
      resets: answer.resets,
      windows: [...local.windows],
      credits: credits === undefined ? undefined : Math.max(0, credits),
      creditsReset:
        local.creditsReset === undefined ? undefined : Math.max(0, local.creditsReset - age),
    }
  }

  /** What the local counts say of a request of `cost` at `at`; moves on to new windows. */
  #answer(local: LocalState, cost: number, at: number): LocalAnswer {
    const policy = local.policy
    const unconfirmed = local.pending + local.inflight
    const answer: LocalAnswer = {
      refused: undefined,
      remaining: [],
      resets: [],
      credits: undefined,
      age: at - local.readAt,
      budget: Number.POSITIVE_INFINITY,
    }
    for (let i = 0; i < policy.rates.length; i++) {
      const rate = policy.rates[i]!
      const window = Math.floor(at / rate.window)
      if (local.windows[i] !== window && window > (local.windows[i] ?? -1)) {
        // A new window here; Redis learns it at the next reconciliation.
        local.windows[i] = window
        local.seen[i] = 0
        local.resets[i] = rate.window + answer.age
      }
      const left = rate.limit - local.seen[i]! - unconfirmed
      if (left < cost) answer.refused = 'rate_limited'
      answer.budget = Math.min(answer.budget, this.#budgetOf(rate.limit))
      answer.remaining.push(left)
      answer.resets.push(Math.max(0, local.resets[i]! - answer.age))
    }
    if (policy.credits !== undefined && local.balance !== undefined) {
      answer.credits = local.balance - unconfirmed
      if (answer.refused === undefined && answer.credits < cost) answer.refused = 'usage_exceeded'
      answer.budget = Math.min(answer.budget, this.#budgetOf(policy.credits.remaining))
    }
    return answer
  }

  /** Units of a limit (or a credit grant) one instance may admit unconfirmed: at least one. */
  #budgetOf(units: number): number {
    return Math.max(1, Math.floor(units * this.#budget))
  }

  /** Charges a request in Redis (checked, atomic) and takes in the counts it answers. */
  async #charge(local: LocalState, cost: number): Promise<LimitOutcome> {
    const policy = local.policy
    const order = ++local.sent
    let reply: LimitScriptReply
    try {
      reply = await this.#backend.charge(policy, cost)
    } catch (error) {
      return this.#backend.unavailable(policy, error)
    }
    this.#apply(local, reply, order, policy)
    return outcomeOf(policy, reply)
  }

  /** The key's local state once its counts are read: one read for all requests meanwhile. */
  #learnOnce(policy: LimitPolicy): Promise<LocalState> {
    let learning = this.#learning.get(policy.id)
    if (learning === undefined) {
      learning = this.#learn(policy).finally(() => this.#learning.delete(policy.id))
      this.#learning.set(policy.id, learning)
    }
    return learning
  }

  /** Reads a key's counters (an `add` of nothing). */
  async #learn(policy: LimitPolicy): Promise<LocalState> {
    const reply = await this.#backend.run(policy, 'add', 0)
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
      sent: 1,
      applied: 0,
      policy,
    }
    this.#apply(local, reply, 1)
    if (this.#local.size >= MAX_KEYS) this.#local.delete(this.#local.keys().next().value as string)
    this.#local.set(policy.id, local)
    return local
  }

  /**
   * Takes in what Redis answered to the `order`th script sent for this key, made with the
   * policy `sent`; a reply older than one taken in already is left out.
   */
  #apply(
    local: LocalState,
    reply: LimitScriptReply,
    order: number,
    sent: LimitPolicy = local.policy,
  ): void {
    if (order < local.applied) return
    local.applied = order
    local.readAt = this.#now?.() ?? Date.now()
    // The limits or the grant changed while the reply was on its way: its counts or its
    // balance are of the old ones, and the next reconciliation brings the new.
    if (sent.credits?.grantedAt === local.policy.credits?.grantedAt) {
      local.balance = reply.balance
      local.creditsReset = reply.creditsReset
    }
    if (sent !== local.policy && !sameRates(sent, local.policy)) return
    for (let i = 0; i < local.policy.rates.length; i++) {
      const rate = reply.rates[i]!
      if (local.windows[i] !== undefined && local.windows[i]! > rate.window) continue
      local.windows[i] = rate.window
      local.seen[i] = rate.count
      local.resets[i] = rate.reset
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
        const order = ++local.sent
        const reply = await this.#backend.run(sent, 'add', local.inflight, local.windows)
        this.#apply(local, reply, order, sent)
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

/**
 * Takes a changed policy of the same key. Changed limits: the windows and counts held per
 * position are of other limits (or of other window lengths, whose indexes say nothing about
 * these); start them afresh, and the next reconciliation brings what Redis counted for these.
 */
function adopt(local: LocalState, policy: LimitPolicy): void {
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

/** Whether two policies hold the same rate limits (name and window length) in the same order. */
function sameRates(a: LimitPolicy, b: LimitPolicy): boolean {
  return (
    a.rates.length === b.rates.length &&
    a.rates.every((rate, i) => rate.name === b.rates[i]!.name && rate.window === b.rates[i]!.window)
  )
}
