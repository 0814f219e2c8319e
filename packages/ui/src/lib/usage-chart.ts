import type { ApiKeysStrings } from '../strings.js'
import type { KeyUsageJson, UsageOutcomesJson } from '../types.js'
import { intl } from './time.js'

/** One bucket's requests: those that verified, and those refused (every other outcome). */
export interface UsagePoint {
  start: string
  valid: number
  refused: number
}

/** The valid and refused requests of `outcomes`. */
export function splitOutcomes(outcomes: UsageOutcomesJson): { valid: number; refused: number } {
  let refused = 0
  for (const [outcome, count] of Object.entries(outcomes)) {
    if (outcome !== 'valid') refused += count ?? 0
  }
  return { valid: outcomes.valid ?? 0, refused }
}

/** `usage`'s buckets as points, oldest first. */
export function usagePoints(usage: KeyUsageJson): UsagePoint[] {
  return usage.buckets.map(({ start, outcomes }) => ({ start, ...splitOutcomes(outcomes) }))
}

/** A chart's label: the requests of `points` in `period`, and how many were refused. */
export function usageLabel(
  strings: ApiKeysStrings,
  locale: string | undefined,
  period: string,
  points: readonly UsagePoint[],
): string {
  const format = intl(Intl.NumberFormat, locale, {})
  const refused = points.reduce((sum, point) => sum + point.refused, 0)
  const total = points.reduce((sum, point) => sum + point.valid, refused)
  return strings.requestsIn(period, format.format(total), format.format(refused))
}
