import type { ApiKeyJson } from '../types.js'
import type { KeyLimits } from './key-form.js'
import type { CreditsInput, RateLimitInput } from './management-client.js'

/** The limits part of a key's PATCH body; `null` removes what the key had of its own. */
export interface LimitsPatch {
  rateLimits?: RateLimitInput[] | null
  credits?: CreditsInput | null
}

/**
 * What a PATCH changes of `key`'s limits: only what differs from the key as listed (granting
 * the same credits again would reset the balance left); `null` removes the key's own rate
 * limits (the deployment's apply again) or its credits.
 */
export function limitsPatch(key: ApiKeyJson, { rate, credits }: KeyLimits): LimitsPatch {
  const patch: LimitsPatch = {}
  const [first, ...rest] = key.rateLimits ?? []
  if (rate?.limit !== first?.limit || rate?.window !== first?.window) {
    const rates = rate ? [first ? { ...rate, name: first.name } : rate, ...rest] : rest
    patch.rateLimits = rates.length === 0 ? null : rates
  }
  const had = key.credits
  if (
    credits?.remaining !== had?.remaining ||
    credits?.refill?.amount !== had?.refill?.amount ||
    credits?.refill?.interval !== had?.refill?.interval
  ) {
    patch.credits = credits ?? null
  }
  return patch
}
