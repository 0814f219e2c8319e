import { durationToMs } from '../duration.js'
import { InvalidArgumentError, RateLimitedError } from '../errors.js'
import { positiveIntegerOption } from '../lib/options.js'
import type { KeyCredits, KeyRecord, RateLimit, RateLimitState, VerifiedKey } from '../types.js'
import { unavailable } from '../unavailable.js'

/**
 * Per-key limits: validation of lifecycle input, the compiled {@link LimitPolicy} the
 * verifier keeps on each cache entry, the {@link Limiter} backends implement, and the
 * IETF `RateLimit-Policy` / `RateLimit` header values (draft-ietf-httpapi-ratelimit-headers).
 */

/** A rate limit as lifecycle input takes it: `window` in seconds or a duration string. */
export interface RateLimitInput {
  /** Shown in the headers; `[a-z0-9_.-]`, 1–32 characters, unique per key; `credits` is reserved. Default `'default'`. */
  name?: string
  /** Requests (cost units) allowed per window, 1–1e9. */
  limit: number
  /** The window: whole seconds, or `'1m'`, `'1h'`, `'1d'`; 1 s to 366 days. */
  window: number | string
}

/** Credits as lifecycle input takes them; `interval` in seconds or a duration string. */
export interface CreditsInput {
  /** The balance granted now, 0–1e12. Setting it again (on update) replaces the balance. */
  remaining: number
  /** Optional refill: every `interval`, the balance is raised to `amount` (never lowered). */
  refill?: { amount: number; interval: number | string }
}

/** A key's limits compiled once per cache entry: what the {@link Limiter} and the headers read. */
export interface LimitPolicy {
  /** The key id: limits are counted per key, across its access tokens too. */
  readonly id: string
  readonly rates: readonly RateLimit[]
  readonly credits: KeyCredits | undefined
  /** When the key expires, epoch ms: backends may drop its counters some time after. */
  readonly expiresAt: number
  /** The `RateLimit-Policy` value, precomputed. */
  readonly header: string
}

/** What a {@link Limiter} answers for one charge. */
export interface LimitOutcome {
  /** `undefined` when admitted; else which limit refused (nothing was charged). */
  readonly refused: 'rate_limited' | 'usage_exceeded' | undefined
  /** Per rate limit, in `policy.rates` order: units left in the current window after this charge. */
  readonly remaining: readonly number[]
  /** Per rate limit: ms until its window ends. */
  readonly resets: readonly number[]
  /** Per rate limit: the window index charged (for {@link Limiter.refund}). */
  readonly windows: readonly number[]
  /** Credits left after this charge (`undefined` when the key has none). */
  readonly credits: number | undefined
  /** ms until the next credit refill, when the credits refill. */
  readonly creditsReset: number | undefined
}

/**
 * Counts and charges per-key limits. `consume` checks every rate limit and the credits and
 * charges `cost` to all of them, or to none (one atomic step); it throws or rejects only
 * with a `KeywardError` (`unavailable` when its backend cannot answer and it fails closed).
 * `MemoryLimiter` is the in-process one; `RedisLimiter` (`@keyward/redis`) is shared.
 */
export interface Limiter {
  consume(policy: LimitPolicy, cost: number, at: number): LimitOutcome | Promise<LimitOutcome>
  /** Gives back a charge made by `consume` (a request refused later, by a route guard). */
  refund(policy: LimitPolicy, cost: number, outcome: LimitOutcome): void | Promise<void>
  /** Releases what the limiter opened (timers, background syncs). */
  close?(): Promise<void>
}

const NAME = /^[a-z0-9_.-]{1,32}$/
const MAX_RATE_LIMITS = 8
const MAX_LIMIT = 1e9
const MAX_CREDITS = 1e12
const MAX_WINDOW = 366 * 86_400_000
/** The policy name the credits carry in the headers. */
export const CREDITS_POLICY = 'credits'

function wholeSeconds(value: unknown, field: string): number {
  const ms = durationToMs(value)
  if (ms === undefined || ms < 1000 || ms > MAX_WINDOW || ms % 1000 !== 0) {
    throw new InvalidArgumentError(
      field,
      `${field} must be whole seconds (1 s to 366 days) or a duration like "1m", "1h", "30d".`,
    )
  }
  return ms
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `${field} must be an integer from ${min} to ${max}.`)
  }
  return value
}

function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `${field} must be an object.`)
  }
  return value as Record<string, unknown>
}

function noOtherFields(object: Record<string, unknown>, allowed: readonly string[], at: string) {
  for (const field of Object.keys(object)) {
    if (!allowed.includes(field)) {
      throw new InvalidArgumentError(`${at}.${field}`, `${at}.${field} is not a known field.`)
    }
  }
}

/**
 * Parses `rateLimits` lifecycle input (an array; empty means "no limits", overriding
 * deployment defaults), or throws `InvalidArgumentError` naming the field (`rateLimits[0].window`).
 */
export function parseRateLimits(value: unknown, field = 'rateLimits'): RateLimit[] {
  if (!Array.isArray(value) || value.length > MAX_RATE_LIMITS) {
    throw new InvalidArgumentError(
      field,
      `${field} must be an array of at most ${MAX_RATE_LIMITS} limits.`,
    )
  }
  const names = new Set<string>()
  return value.map((item, i) => {
    const at = `${field}[${i}]`
    const input = plainObject(item, at)
    noOtherFields(input, ['name', 'limit', 'window'], at)
    const name = input.name ?? 'default'
    if (typeof name !== 'string' || !NAME.test(name) || name === CREDITS_POLICY) {
      throw new InvalidArgumentError(
        `${at}.name`,
        `${at}.name must be 1–32 characters of a-z 0-9 _ . - (not "${CREDITS_POLICY}").`,
      )
    }
    if (names.has(name)) throw new InvalidArgumentError(`${at}.name`, `${at}.name is repeated.`)
    names.add(name)
    return {
      name,
      limit: integerIn(input.limit, `${at}.limit`, 1, MAX_LIMIT),
      window: wholeSeconds(input.window, `${at}.window`),
    }
  })
}

/**
 * Parses `credits` lifecycle input into what is stored, granted at `at` (epoch ms), or
 * throws `InvalidArgumentError` naming the field (`credits.refill.interval`).
 */
export function parseCredits(value: unknown, at: number, field = 'credits'): KeyCredits {
  const input = plainObject(value, field)
  noOtherFields(input, ['remaining', 'refill'], field)
  const credits: KeyCredits = {
    remaining: integerIn(input.remaining, `${field}.remaining`, 0, MAX_CREDITS),
    grantedAt: at,
  }
  if (input.refill !== undefined) {
    const refill = plainObject(input.refill, `${field}.refill`)
    noOtherFields(refill, ['amount', 'interval'], `${field}.refill`)
    credits.refill = {
      amount: integerIn(refill.amount, `${field}.refill.amount`, 1, MAX_CREDITS),
      interval: wholeSeconds(refill.interval, `${field}.refill.interval`),
    }
  }
  return credits
}

/** Validates deployment defaults (`createKeyward({ rateLimits })`), throwing `TypeError`. */
export function configRateLimits(value: unknown): RateLimit[] | undefined {
  if (value === undefined) return undefined
  try {
    return parseRateLimits(value)
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new TypeError(`${error.field} must be valid: ${error.message}`)
    }
    throw error
  }
}

/** The `RateLimit-Policy` value of a key's limits. */
function policyHeader(rates: readonly RateLimit[], credits: KeyCredits | undefined): string {
  const items = rates.map((rate) => `"${rate.name}";q=${rate.limit};w=${rate.window / 1000}`)
  if (credits !== undefined) {
    const refill = credits.refill
    items.push(
      refill === undefined
        ? `"${CREDITS_POLICY}";q=${credits.remaining}`
        : `"${CREDITS_POLICY}";q=${refill.amount};w=${refill.interval / 1000}`,
    )
  }
  return items.join(', ')
}

/**
 * The policy of a record: its own `rateLimits` (an empty array means none), else the
 * deployment defaults; its `credits`. `undefined` when nothing limits the key, so the
 * verifier's limit step costs unlimited keys one property check.
 */
export function limitPolicyOf(
  record: Pick<KeyRecord, 'id' | 'expiresAt' | 'rateLimits' | 'credits'>,
  defaults: readonly RateLimit[] | undefined,
): LimitPolicy | undefined {
  const rates = record.rateLimits ?? defaults ?? []
  const credits = record.credits
  if (rates.length === 0 && credits === undefined) return undefined
  return Object.freeze({
    id: credits?.account ?? record.id,
    rates: Object.freeze(rates.map((rate) => Object.freeze({ ...rate }))),
    credits: credits === undefined ? undefined : Object.freeze(structuredClone(credits)),
    expiresAt: record.expiresAt,
    header: policyHeader(rates, credits),
  })
}

/** The `RateLimit` value of an outcome: remaining units and seconds to reset, per policy. */
export function rateLimitState(policy: LimitPolicy, outcome: LimitOutcome): string {
  let value = ''
  for (let i = 0; i < policy.rates.length; i++) {
    if (i > 0) value += ', '
    value += `"${policy.rates[i]!.name}";r=${outcome.remaining[i]};t=${Math.ceil((outcome.resets[i] ?? 0) / 1000)}`
  }
  if (policy.credits !== undefined && outcome.credits !== undefined) {
    if (value !== '') value += ', '
    value += `"${CREDITS_POLICY}";r=${outcome.credits}`
    if (outcome.creditsReset !== undefined) value += `;t=${Math.ceil(outcome.creditsReset / 1000)}`
  }
  return value
}

/** Seconds a refused client should wait: until the refusing limit frees up, `undefined` when never. */
export function retryAfterOf(
  policy: LimitPolicy,
  outcome: LimitOutcome,
  cost: number,
): number | undefined {
  if (outcome.refused === 'usage_exceeded') {
    return outcome.creditsReset === undefined
      ? undefined
      : Math.max(1, Math.ceil(outcome.creditsReset / 1000))
  }
  let wait = 0
  for (let i = 0; i < policy.rates.length; i++) {
    if ((outcome.remaining[i] ?? 0) < cost) wait = Math.max(wait, outcome.resets[i] ?? 0)
  }
  return Math.max(1, Math.ceil(wait / 1000))
}

/**
 * The `RateLimit-Policy` and `RateLimit` response headers of a verified key, or `undefined`
 * for a key without limits. Adapters set them on every answer of a limited key.
 */
export function rateLimitHeaders(key: VerifiedKey | undefined): Record<string, string> | undefined {
  const state = key?.rateLimit
  if (state === undefined) return undefined
  return { 'ratelimit-policy': state.policy, ratelimit: state.state }
}

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
    const counters = this.#counters.get(policy.id) ?? fresh()
    // Re-insert: Map order is the LRU order.
    this.#counters.delete(policy.id)
    this.#counters.set(policy.id, counters)
    if (this.#counters.size > this.#max) {
      this.#counters.delete(this.#counters.keys().next().value as string)
    }
    return charge(counters, policy, cost, at)
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

function fresh(): Counters {
  return { rates: new Map(), balance: 0, grantedAt: -1, period: 0 }
}

/**
 * The fixed-window and credit arithmetic, shared by {@link MemoryLimiter} and mirrored by
 * the Redis script: windows are aligned to multiples of their length since the epoch; a
 * new grant replaces the balance; each refill period raises it to the refill amount.
 */
function charge(counters: Counters, policy: LimitPolicy, cost: number, at: number): LimitOutcome {
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

/** What an admitted request was charged, so a later route guard can charge more or refund it. */
interface Charge {
  context: LimitContext
  policy: LimitPolicy
  parts: Array<{ cost: number; outcome: LimitOutcome }>
  charged: number
  /** Given back already (`refundRequest`): nothing more to charge or refund. */
  refunded: boolean
}

/**
 * The `rateLimit` of an admitted key. What the request was charged rides on it, private, for
 * a later guard to charge more or refund: not in a `WeakMap` keyed by the key, whose entry per
 * request cost more in garbage collection (ephemerons) than the rest of the limit step.
 */
class AdmittedLimit implements RateLimitState {
  readonly policy: string
  readonly state: string
  readonly charged: number
  readonly #charge: Charge

  constructor(policy: string, state: string, charge: Charge) {
    this.policy = policy
    this.state = state
    this.charged = charge.charged
    this.#charge = charge
    Object.freeze(this)
  }

  /** What the request holding `key` was charged and not refunded, if anything. */
  static chargeOf(key: VerifiedKey | undefined): Charge | undefined {
    const limit = key?.rateLimit
    if (!(limit instanceof AdmittedLimit) || limit.#charge.refunded) return undefined
    return limit.#charge
  }
}

/** What {@link admit} needs besides the outcome. */
export interface LimitContext {
  limiter: Limiter
  now: () => number
  onError: (error: unknown) => void
}

/**
 * The limit step's verdict on a limiter's outcome: a `RateLimitedError` when refused, else
 * the request's own {@link VerifiedKey} (the cached one plus its `rateLimit` state).
 */
function admit(
  context: LimitContext,
  policy: LimitPolicy,
  key: VerifiedKey,
  outcome: LimitOutcome,
  cost: number,
  previous: Charge | undefined,
): VerifiedKey {
  const state = rateLimitState(policy, outcome)
  if (outcome.refused !== undefined) {
    throw new RateLimitedError(outcome.refused, {
      retryAfter: retryAfterOf(policy, outcome, cost),
      policy: policy.header,
      state,
    })
  }
  const part = { cost, outcome }
  const charge: Charge = {
    context,
    policy,
    parts: previous === undefined ? [part] : [...previous.parts, part],
    charged: (previous?.charged ?? 0) + cost,
    refunded: false,
  }
  // The cached key carries no `rateLimit`; a guard's re-charge replaces the request's. Copied,
  // then set: V8 (Node 20) clones `{ ...key, rateLimit }` on a slow path, several times dearer.
  const admitted: { -readonly [K in keyof VerifiedKey]: VerifiedKey[K] } = { ...key }
  admitted.rateLimit = new AdmittedLimit(policy.header, state, charge)
  return Object.freeze(admitted)
}

/** A limiter that failed with something else than our own error: `unavailable` (fail closed). */
function limiterFailure(error: unknown): never {
  throw unavailable(error, 'The rate limiter is unavailable.')
}

/**
 * Step 7 of the pipeline for a limited key: charges `cost` to every limit at once, or
 * refuses (429) having charged nothing. Synchronous when the limiter is.
 */
export function limitStep(
  context: LimitContext,
  policy: LimitPolicy,
  key: VerifiedKey,
  cost: number,
  at: number,
): VerifiedKey | Promise<VerifiedKey> {
  let outcome: LimitOutcome | Promise<LimitOutcome>
  try {
    outcome = context.limiter.consume(policy, cost, at)
  } catch (error) {
    return limiterFailure(error)
  }
  if (outcome instanceof Promise) {
    return outcome.then(
      (settled) => admit(context, policy, key, settled, cost, undefined),
      limiterFailure,
    )
  }
  return admit(context, policy, key, outcome, cost, undefined)
}

/**
 * A route guard that passed its scope check and costs `cost` in all: charges what the
 * request has not paid yet (`cost` minus what `apiKeyAuth` charged), so a route's cost is
 * charged once. Resolves to the request's key with its new limit state; a key without
 * limits (or a route costing no more than was paid) is returned as it is.
 */
export function chargeRoute(key: VerifiedKey, cost: number): VerifiedKey | Promise<VerifiedKey> {
  const charge = AdmittedLimit.chargeOf(key)
  if (charge === undefined || cost <= charge.charged) return key
  const extra = cost - charge.charged
  const fail = (error: unknown): never => {
    refundRequest(key)
    return limiterFailure(error)
  }
  let outcome: LimitOutcome | Promise<LimitOutcome>
  try {
    outcome = charge.context.limiter.consume(charge.policy, extra, charge.context.now())
  } catch (error) {
    return fail(error)
  }
  const settle = (settled: LimitOutcome) => {
    try {
      return admit(charge.context, charge.policy, key, settled, extra, charge)
    } catch (error) {
      return fail(error)
    }
  }
  return outcome instanceof Promise ? outcome.then(settle, fail) : settle(outcome)
}

/**
 * Gives back everything a request was charged, when a later guard refuses it (a missing
 * scope, a further limit): a request refused for any reason costs nothing. Off the request
 * path; failures go to `onError`.
 */
export function refundRequest(key: VerifiedKey | undefined): void {
  const charge = AdmittedLimit.chargeOf(key)
  if (charge === undefined) return
  charge.refunded = true
  for (const part of charge.parts) {
    try {
      const done = charge.context.limiter.refund(charge.policy, part.cost, part.outcome)
      if (done instanceof Promise) done.catch(charge.context.onError)
    } catch (error) {
      charge.context.onError(error)
    }
  }
}
