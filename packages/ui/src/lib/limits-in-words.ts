import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson, RateLimitJson } from '../types.js'
import { formatWindow, intl } from './time.js'

/** Rate limits in words, one line each: "100 requests per minute". */
export function rateLimitsInWords(
  strings: ApiKeysStrings,
  limits: readonly RateLimitJson[],
  locale: string | undefined,
): string[] {
  return limits.map((rate) =>
    strings.rateLimit(countOf(rate.limit, locale), formatWindow(rate.window, locale)),
  )
}

/**
 * A key's limits in words, one line each: its own rate limits, or the deployment's
 * (`defaults`) marked as such, and its credits.
 */
export function limitsInWords(
  strings: ApiKeysStrings,
  key: ApiKeyJson,
  defaults: readonly RateLimitJson[],
  locale: string | undefined,
): string[] {
  const deployment = rateLimitsInWords(strings, defaults, locale)
  const own = key.rateLimits
  const lines =
    own === undefined
      ? deployment.map((limit) => strings.deploymentDefault(limit))
      : own.length === 0 && deployment.length > 0
        ? [strings.noRateLimit]
        : rateLimitsInWords(strings, own, locale)
  const credits = key.credits
  if (credits) {
    const refill = credits.refill
    lines.push(
      strings.credits(
        countOf(credits.remaining, locale),
        refill && {
          amount: countOf(refill.amount, locale),
          every: formatWindow(refill.interval, locale),
        },
      ),
    )
  }
  return lines
}

function countOf(value: number, locale: string | undefined): string {
  return intl(Intl.NumberFormat, locale, {}).format(value)
}
