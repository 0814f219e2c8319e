import { RateLimitedError } from '../errors.js'
import type { RateLimitState, VerifiedKey } from '../types.js'
import { unavailable } from '../unavailable.js'
import {
  type Limiter,
  type LimitOutcome,
  type LimitPolicy,
  rateLimitState,
  retryAfterOf,
} from './policy.js'

/**
 * Charging a request: the verifier's limit step (`chargeRequest`), a route guard's further
 * charge (`chargeRoute`) and the refund of a request refused later (`refundRequest`). What a
 * request was charged rides on its key's `rateLimit`, so the later two need nothing else.
 */

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
  static unrefundedCharge(key: VerifiedKey | undefined): Charge | undefined {
    const limit = key?.rateLimit
    if (!(limit instanceof AdmittedLimit) || limit.#charge.refunded) return undefined
    return limit.#charge
  }
}

/** What charging needs besides the policy: the limiter, its clock and where refund failures go. */
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
 * The verifier's limit step for a limited key: charges `cost` to every limit at once, or
 * refuses (429) having charged nothing. Synchronous when the limiter is.
 */
export function chargeRequest(
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
  const charge = AdmittedLimit.unrefundedCharge(key)
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
  const charge = AdmittedLimit.unrefundedCharge(key)
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
