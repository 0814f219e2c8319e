import type { KeyCredits, KeyRecord, RateLimit, VerifiedKey } from '../types.js'

/**
 * A key's limits as the verifier keeps them: the compiled {@link LimitPolicy} on each cache
 * entry, the {@link Limiter} backends implement to count it, and the IETF `RateLimit-Policy` /
 * `RateLimit` header values (draft-ietf-httpapi-ratelimit-headers) of a policy and an outcome.
 */

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

/** The policy name the credits carry in the headers. */
export const CREDITS_POLICY = 'credits'

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
