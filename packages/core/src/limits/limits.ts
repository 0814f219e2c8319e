/**
 * Transitional: the names core's own files still import from `limits/limits.js`, while the
 * files that import them (keyward.ts, keys/, http/) are split by others. Each name lives in
 * its own file now: lifecycle input in `input.ts`, the policy, the `Limiter` port and header
 * values in `policy.ts`, charging a request in `charge.ts`, `MemoryLimiter` in
 * `backends/memory-limiter.ts`. Delete this file once nothing imports it (its re-export of
 * `MemoryLimiter` points up a layer, which the layer check reports until then); new code
 * imports those files directly.
 */

export { MemoryLimiter, type MemoryLimiterOptions } from '../backends/memory-limiter.js'
export { chargeRequest, chargeRoute, type LimitContext, refundRequest } from './charge.js'
export {
  type CreditsInput,
  configRateLimits,
  parseCredits,
  parseRateLimits,
  type RateLimitInput,
} from './input.js'
export {
  CREDITS_POLICY,
  type Limiter,
  type LimitOutcome,
  type LimitPolicy,
  limitPolicyOf,
  rateLimitHeaders,
  rateLimitState,
  retryAfterOf,
} from './policy.js'
