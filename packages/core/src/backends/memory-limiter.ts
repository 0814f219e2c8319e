import { positiveIntegerOption } from '../lib/options.js'
import type { Limiter, LimitOutcome, LimitPolicy } from '../limits/policy.js'

/**
 * One in-process counter set: per rate limit, by name, its window and count (as the Redis
 * script keeps them, so both limiters agree when a key's limits change); the credit balance.
 */
interface Counters {
  rates: Map<string, { window: number; count: number }>
  balance: number
  grantedAt: number
  period: number
}

/** Options of {@link MemoryLimiter}. */
export interface MemoryLimiterOptions {
  /** Keys whose counters are kept; the least recently used are dropped beyond. Default `100_000`. */
  max?: number
}

/**
 * The in-process {@link Limiter}: exact for one instance, answers synchronously (no promise
 * on the hot path). Counters live in this process only: several instances each count on
 * their own, and credits start again from the key's grant after a restart. Use
 * `RedisLimiter` from `@keyward/redis` for several instances or durable credits.
 */
export class MemoryLimiter implements Limiter {
  readonly #counters = new Map<string, Counters>()
  readonly #max: number

  constructor(options: MemoryLimiterOptions = {}) {
    const max = options.max ?? 100_000
    this.#max = positiveIntegerOption(max, 'max', 100_000)
  }

  consume(policy: LimitPolicy, cost: number, at: number): LimitOutcome {
    const counters = this.#counters.get(policy.id) ?? freshCounters()
    // Re-insert: Map order is the LRU order.
    this.#counters.delete(policy.id)
    this.#counters.set(policy.id, counters)
    if (this.#counters.size > this.#max) {
      this.#counters.delete(this.#counters.keys().next().value as string)
    }
    return chargeCounters(counters, policy, cost, at)
  }

  refund(policy: LimitPolicy, cost: number, outcome: LimitOutcome): void {
    const counters = this.#counters.get(policy.id)
    if (counters === undefined) return
    for (let i = 0; i < policy.rates.length; i++) {
      const rate = counters.rates.get(policy.rates[i]!.name)
      if (rate !== undefined && rate.window === outcome.windows[i]) {
        rate.count = Math.max(0, rate.count - cost)
      }
    }
    if (policy.credits !== undefined && counters.grantedAt === policy.credits.grantedAt) {
      counters.balance += cost
    }
  }
}

function freshCounters(): Counters {
  return { rates: new Map(), balance: 0, grantedAt: -1, period: 0 }
}

/**
 * The fixed-window and credit arithmetic, shared by {@link MemoryLimiter} and mirrored by
 * the Redis script: windows are aligned to multiples of their length since the epoch; a
 * new grant replaces the balance; each refill period raises it to the refill amount.
 */
function chargeCounters(
  counters: Counters,
  policy: LimitPolicy,
  cost: number,
  at: number,
): LimitOutcome {
  const rates = policy.rates
  const remaining: number[] = []
  const resets: number[] = []
  const windows: number[] = []
  const counts: Array<{ window: number; count: number }> = []
  let refused: LimitOutcome['refused']
  for (let i = 0; i < rates.length; i++) {
    const rate = rates[i]!
    const window = Math.floor(at / rate.window)
    let counter = counters.rates.get(rate.name)
    if (counter === undefined) {
      counter = { window, count: 0 }
      counters.rates.set(rate.name, counter)
    } else if (counter.window !== window) {
      counter.window = window
      counter.count = 0
    }
    counts.push(counter)
    windows.push(window)
    resets.push((window + 1) * rate.window - at)
    const left = rate.limit - counter.count
    if (left < cost) refused = 'rate_limited'
    remaining.push(left)
  }
  let credits: number | undefined
  let creditsReset: number | undefined
  const grant = policy.credits
  if (grant !== undefined) {
    if (counters.grantedAt !== grant.grantedAt) {
      counters.grantedAt = grant.grantedAt
      counters.balance = grant.remaining
      counters.period = 0
    }
    if (grant.refill !== undefined) {
      const period = Math.max(0, Math.floor((at - grant.grantedAt) / grant.refill.interval))
      if (period > counters.period) {
        counters.period = period
        counters.balance = Math.max(counters.balance, grant.refill.amount)
      }
      creditsReset = grant.grantedAt + (period + 1) * grant.refill.interval - at
    }
    credits = counters.balance
    if (refused === undefined && credits < cost) refused = 'usage_exceeded'
  }
  if (refused === undefined) {
    for (let i = 0; i < rates.length; i++) {
      counts[i]!.count += cost
      remaining[i]! -= cost
    }
    if (credits !== undefined) {
      counters.balance -= cost
      credits -= cost
    }
  }
  for (let i = 0; i < remaining.length; i++) remaining[i] = Math.max(0, remaining[i]!)
  return { refused, remaining, resets, windows, credits, creditsReset }
}
