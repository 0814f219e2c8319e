/**
 * Transitional: what `keys/create.ts` and `keys/update.ts` still import from here, while
 * others edit them. Lifecycle input lives in `input.ts` (the policy, the `Limiter` port and
 * header values in `policy.ts`, charging a request in `charge.ts`, `MemoryLimiter` in
 * `backends/memory-limiter.ts`). Delete this file once those two import `input.ts`; new code
 * imports the files directly.
 */

export { type CreditsInput, parseCredits, parseRateLimits, type RateLimitInput } from './input.js'
