import { InvalidArgumentError } from './errors.js'

/** A duration: whole seconds, or a string like `'90d'`, `'12h'`, `'30m'`, `'45s'`. */
export type Duration = number | `${number}${'d' | 'h' | 'm' | 's'}`

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const
/** What a duration string looks like: up to 9 digits and a unit, `d`, `h`, `m` or `s`. */
export const DURATION_PATTERN: RegExp = /^(\d{1,9})([dhms])$/

/**
 * Parses a {@link Duration} into milliseconds, or returns `undefined` when `value` is not
 * one. Numbers are seconds and must be finite, non-negative and at most 15 decimals of ms.
 */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined
    const ms = Math.round(value * 1000)
    return Number.isSafeInteger(ms) ? ms : undefined
  }
  if (typeof value !== 'string') return undefined
  const match = DURATION_PATTERN.exec(value)
  if (!match) return undefined
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

/** {@link durationToMs} for lifecycle input: rejects with `invalid_argument` naming `field`. */
export function parseDuration(value: unknown, field: string): number {
  const ms = durationToMs(value)
  if (ms === undefined) {
    throw new InvalidArgumentError(
      field,
      `${field} must be a number of seconds or a duration like "90d", "12h", "30m" or "45s".`,
    )
  }
  return ms
}

/** {@link durationToMs} for configuration: throws `TypeError('<option> must be …')`. */
export function configDuration(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback
  const ms = durationToMs(value)
  if (ms === undefined || ms <= 0) {
    throw new TypeError(
      `${option} must be a positive number of seconds or a duration like "90d", "12h", "30m"`,
    )
  }
  return ms
}
